package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"salesdesk/data"
	"salesdesk/data/memory"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DemoOptions tune GenerateDemo.
type DemoOptions struct {
	// Customers is how many cards to make; 0 means 300.
	Customers int
	// Seed makes the demo reproducible: the same seed, count and day give the same data.
	Seed int64
	// Now is the demo's today; every date lies on or before it. Zero means the store's clock. It must
	// not lie after the store's clock, whose today bounds what validation accepts.
	Now time.Time
	// Progress, when set, is called after each stored batch.
	Progress func(done, total int)
}

// demoBatch is how many cards go into one BulkCreate transaction (a variable for the tests).
var demoBatch = 5000

// demoAfterCards, when set (tests only), runs after a batch's cards are stored, before its deals.
var demoAfterCards func(batch int)

// demoHeapPerCard is about what memory holds for each demo card once it is made, its deals included:
// the Go heap of the 1M demo opened is 1.2–1.3 GB.
const demoHeapPerCard = 1300

// demoWindow is how far back the demo's history reaches, in days: two years.
const demoWindow = 730

// demoMostOverdue is how many days the demo's latest plans and actions lie behind its today at most:
// on its first day the demo is a team that keeps up, with a few things a week or so late.
const demoMostOverdue = 10

// GenerateDemo fills the store with a plausible sales team's data: the team (an admin, two sales
// managers, five reps), then opt.Customers customer cards with about three follow-ups each, spread
// over the two years before opt.Now. Grades come out near the seed's pyramid (about 8% A, 17% B,
// 35% C, 40% D); the agenda of opt.Now has plans due today and overdue, open actions, reviews and
// birthdays. Members already present under a demo member's name and role are reused, so a demo mixed
// into a file twice does not double the team; the current user is set to a rep when none is set.
func GenerateDemo(s *Store, opt DemoOptions) error {
	if opt.Customers <= 0 {
		opt.Customers = 300
	}
	if opt.Now.IsZero() {
		opt.Now = s.Now()
	}
	if data.DateOf(opt.Now).After(data.DateOf(s.Now())) {
		return fmt.Errorf("data: demo: its day %s lies after the store's today %s", data.FormatDate(opt.Now), data.FormatDate(s.Now()))
	}
	if _, ok := s.InterruptedDemo(); ok {
		return fmt.Errorf("data: demo: %w", ErrDemoInterrupted)
	}
	m := demoMarker{Customers: opt.Customers, Seed: opt.Seed, Now: opt.Now.UnixNano()}
	// The marker goes in before the demo's first write and with its last: a file that has it holds a
	// demo that stopped half way, which ResumeDemo finishes.
	if err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		m.BaseID = tx.Bucket(bucketCustomers).Sequence()
		return nil, putDemoMarker(tx, &m)
	}); err != nil {
		return fmt.Errorf("data: demo: %w", err)
	}
	return runDemo(s, m, opt)
}

// ErrDemoInterrupted: the file holds a demo that stopped half way (a kill, a power cut).
var ErrDemoInterrupted = errors.New("a demo was interrupted in this file")

// keyDemo in the meta bucket marks a demo in progress (demoMarker, JSON).
var keyDemo = []byte("demo_in_progress")

// demoMarker is what a demo needs to be finished: its options, the customer id sequence before its
// first card (its cards are the ones above), and how many batches are complete with their deals.
type demoMarker struct {
	Customers int    `json:"customers"`
	Seed      int64  `json:"seed"`
	Now       int64  `json:"now"`
	BaseID    uint64 `json:"base_id"`
	Batches   int    `json:"batches"`
}

func putDemoMarker(tx *bolt.Tx, m *demoMarker) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyDemo, raw)
}

// InterruptedDemo describes a demo that stopped half way.
type InterruptedDemo struct {
	// Customers is how many cards the demo was to make; Done how many it made.
	Customers, Done int
	Seed            int64
}

// InterruptedDemo reports whether the file holds a demo that stopped half way, and how far it got.
func (s *Store) InterruptedDemo() (InterruptedDemo, bool) {
	var m demoMarker
	found := false
	_ = s.view(func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bucketMeta).Get(keyDemo); raw != nil && json.Unmarshal(raw, &m) == nil {
			found = true
		}
		return nil
	})
	if !found {
		return InterruptedDemo{}, false
	}
	ids, _ := s.demoCardIDs(m.BaseID)
	return InterruptedDemo{Customers: m.Customers, Done: len(ids), Seed: m.Seed}, true
}

// demoCardIDs are the ids of the cards above base, in order: the demo's, as it is the file's only
// writer while it runs.
func (s *Store) demoCardIDs(base uint64) ([]uint64, error) {
	var ids []uint64
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCustomers).Cursor()
		for k, _ := c.Seek(encodeUint(base + 1)); k != nil; k, _ = c.Next() {
			ids = append(ids, decodeUint(k))
		}
		return nil
	})
	return ids, err
}

// ResumeDemo finishes a demo that stopped half way, with the options it was started with: the cards
// and deals it made stay, the rest is what the uninterrupted demo would have made. progress, when
// set, is called after each stored batch.
func ResumeDemo(s *Store, progress func(done, total int)) error {
	var m demoMarker
	found := false
	if err := s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketMeta).Get(keyDemo)
		if raw == nil {
			return nil
		}
		found = true
		return json.Unmarshal(raw, &m)
	}); err != nil {
		return fmt.Errorf("data: demo: read what the interrupted demo did: %w", err)
	}
	if !found {
		return fmt.Errorf("data: demo: no demo was interrupted in %s", s.path)
	}
	return runDemo(s, m, DemoOptions{Customers: m.Customers, Seed: m.Seed, Now: time.Unix(0, m.Now).In(time.Local), Progress: progress})
}

// runDemo makes the demo from the marker's batch on, drawing the batches before it again without
// storing them, so that the generators stand where they stood when the demo stopped.
func runDemo(s *Store, m demoMarker, opt DemoOptions) error {
	defer memory.Bulk(int64(opt.Customers) * demoHeapPerCard)()
	g := newDemoGen(opt)
	if err := g.team(s); err != nil {
		return fmt.Errorf("data: demo: %w", err)
	}
	made, err := s.demoCardIDs(m.BaseID)
	if err != nil {
		return fmt.Errorf("data: demo: %w", err)
	}
	// A batch's cards are stored in one transaction, its deals and the marker in the next: the cards
	// of at most one batch more than the marker says can be there.
	total := opt.Customers
	cardBatches := (len(made) + demoBatch - 1) / demoBatch
	if len(made) != min(cardBatches*demoBatch, total) || cardBatches < m.Batches || cardBatches > m.Batches+1 {
		return fmt.Errorf("data: demo: the file holds %d cards of the interrupted demo, which stopped after %d batches "+
			"of %d; it cannot be finished: make the demo in a new file", len(made), m.Batches, demoBatch)
	}
	// One goroutine draws the next batch while the store writes the last: the draw stays in one fixed
	// order, so the seed still decides everything.
	batches := make(chan []NewCard, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for start := 0; start < total; start += demoBatch {
			batch := make([]NewCard, min(demoBatch, total-start))
			for i := range batch {
				g.card(start+i, &batch[i])
			}
			select {
			case batches <- batch:
			case <-stop:
				return
			}
		}
	}()
	done := 0
	// The deals draw from a generator of their own, so the cards stay what the seed made them before.
	seed := uint64(opt.Seed)
	deals := rand.New(rand.NewPCG(seed^0x5DEECE66D, seed+1))
	stages := s.Settings().Stages
	for b := 0; ; b++ {
		batch, ok := <-batches
		if !ok {
			break
		}
		var ids []uint64
		if b < cardBatches {
			// Stored before the stop: the cards as BulkCreate left them, for the deals' draw.
			ids = made[b*demoBatch : b*demoBatch+len(batch)]
			for i := range batch {
				normalizeCustomer(&batch[i].Customer)
			}
		} else {
			if ids, err = s.BulkCreate(data.System, batch); err != nil {
				return fmt.Errorf("data: demo: %w", err)
			}
			if demoAfterCards != nil {
				demoAfterCards(b)
			}
		}
		drawn := demoDeals(deals, batch, ids, g.reps, stages, opt.Now)
		done += len(batch)
		if b >= m.Batches {
			next := m
			next.Batches = b + 1
			if err := s.bulkCreateOpportunities(data.System, drawn, func(tx *bolt.Tx) error {
				return putDemoMarker(tx, &next)
			}); err != nil {
				return fmt.Errorf("data: demo: %w", err)
			}
		}
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	// The demo's team has used SalesDesk every day: the cards its reps left idle past the pool's rules
	// are in the pool already, each since the day it fell due, and not all returned at the first start.
	// The sweep changes nothing the second time, so a demo stopped here finishes by running it again.
	if _, err := s.sweepPool(opt.Now, true); err != nil {
		return fmt.Errorf("data: demo: %w", err)
	}
	if err := s.update(func(tx *bolt.Tx) (func(*index), error) {
		return nil, tx.Bucket(bucketMeta).Delete(keyDemo)
	}); err != nil {
		return fmt.Errorf("data: demo: %w", err)
	}
	return nil
}

// demoGen draws the demo from one seeded generator, in a fixed order, so a seed gives one demo.
type demoGen struct {
	r       *rand.Rand
	now     time.Time
	loc     *time.Location
	ty, td  int
	tm      time.Month
	reps    []data.Member
	repCum  []int // cumulative weights: some reps carry more cards than others
	mgrs    []data.Member
	nameN   int // company name combinations: city × word × industry word
	nameOff int
	nameStp int
	company int // companies named so far
	buf     []byte
}

func newDemoGen(opt DemoOptions) *demoGen {
	seed := uint64(opt.Seed)
	g := &demoGen{
		r:   rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15)),
		now: opt.Now,
		loc: opt.Now.Location(),
		buf: make([]byte, 0, 64),
	}
	g.ty, g.tm, g.td = opt.Now.Date()
	// Companies walk the name combinations in a seeded order that never repeats a name before all
	// have been used: index = offset + k·stride (mod N) with the stride coprime to N.
	g.nameN = len(demoCities) * len(demoWords) * len(demoIndustryWords)
	g.nameOff = g.r.IntN(g.nameN)
	g.nameStp = g.nameN/3 + g.r.IntN(g.nameN/3)
	for gcd(g.nameStp, g.nameN) != 1 {
		g.nameStp++
	}
	return g
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// day returns local midnight of the day ago days before the demo's today (negative: after it).
func (g *demoGen) day(ago int) time.Time {
	return time.Date(g.ty, g.tm, g.td-ago, 0, 0, 0, 0, g.loc)
}

// at returns a time of day during office hours on the day ago days back, never after now.
func (g *demoGen) at(ago int) time.Time {
	t := g.day(ago).Add(time.Duration(8*60+g.r.IntN(10*60)) * time.Minute)
	if t.After(g.now) {
		return g.now
	}
	return t
}

func (g *demoGen) chance(p float64) bool { return g.r.Float64() < p }

func (g *demoGen) pick(list []string) string { return list[g.r.IntN(len(list))] }

// between returns a random int in [lo, hi].
func (g *demoGen) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

// weighted returns an index drawn by the weights.
func (g *demoGen) weighted(w []int) int {
	sum := 0
	for _, x := range w {
		sum += x
	}
	n := g.r.IntN(sum)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// yuan returns an amount between lo and hi yuan, rounded to step yuan.
func (g *demoGen) yuan(lo, hi, step int64) data.Amount {
	v := lo + g.r.Int64N(hi-lo+1)
	return data.AmountFromYuan(v / step * step)
}

// ---------------------------------------------------------------------------------------------
// The team

// DemoPassword is the one password of every demo member (salesdesk demo prints it with the logins).
const DemoPassword = "demo1234"

var demoTeam = []struct {
	name, py string
	role     data.MemberRole
	weight   int
}{
	{"赵敏", "zhaomin", data.MemberAdmin, 0},
	{"王建国", "wangjianguo", data.MemberManager, 0},
	{"刘芳", "liufang", data.MemberManager, 0},
	{"李娜", "lina", data.MemberRep, 30},
	{"张伟", "zhangwei", data.MemberRep, 25},
	{"陈静", "chenjing", data.MemberRep, 20},
	{"杨帆", "yangfan", data.MemberRep, 15},
	{"周磊", "zhoulei", data.MemberRep, 10},
}

// IsDemoTeam reports whether the file's members are exactly the demo's team, each under its name,
// role and login: a file GenerateDemo made keeps no other mark once finished. The sign-in screen
// then shows DemoPassword, which is public; a real team (a member of its own, a renamed login) never
// matches.
func (s *Store) IsDemoTeam() bool {
	members := s.Members()
	if len(members) != len(demoTeam) {
		return false
	}
	for _, t := range demoTeam {
		if !slices.ContainsFunc(members, func(m data.Member) bool {
			return m.Name == t.name && m.Role == t.role && m.Login == t.py
		}) {
			return false
		}
	}
	return true
}

func (g *demoGen) team(s *Store) error {
	existing := s.Members()
	// The demo password is hashed once for every member: each member's own hash would cost a few
	// hundred milliseconds for nothing, since the password is public.
	hash, err := hashPassword(DemoPassword, currentParams)
	if err != nil {
		return err
	}
	withPassword := func(tx *bolt.Tx, m data.Member) error { return writeCredential(tx, m.ID, credential{Hash: hash}) }
	cum := 0
	for _, t := range demoTeam {
		phone := g.mobile()
		var m data.Member
		found := false
		for _, e := range existing {
			if e.Name == t.name && e.Role == t.role {
				m, found = e, true
				break
			}
		}
		if !found {
			var err error
			m, err = s.saveMember(data.System, data.Member{Name: t.name, Role: t.role, Phone: phone,
				Email: t.py + "@salesdesk-demo.cn", Active: true}, "", withPassword)
			if err != nil {
				return fmt.Errorf("save member %s: %w", t.name, err)
			}
		}
		switch t.role {
		case data.MemberRep:
			cum += t.weight
			g.reps = append(g.reps, m)
			g.repCum = append(g.repCum, cum)
		case data.MemberManager:
			g.mgrs = append(g.mgrs, m)
		}
	}
	if len(g.reps) == 0 || len(g.mgrs) == 0 {
		return errors.New("the demo team has no reps or no managers")
	}
	return nil
}

func (g *demoGen) owner() data.Member {
	n := g.r.IntN(g.repCum[len(g.repCum)-1])
	for i, c := range g.repCum {
		if n < c {
			return g.reps[i]
		}
	}
	return g.reps[len(g.reps)-1]
}

// ---------------------------------------------------------------------------------------------
// People, phones, mail

type demoHan struct{ han, py string }

// personName returns a Chinese name and its pinyin parts. Common surnames come up more often.
func (g *demoGen) personName() (name, surPy, givenPy string) {
	f := g.r.Float64()
	sur := demoSurnames[int(f*f*float64(len(demoSurnames)))]
	given := demoGiven[g.r.IntN(len(demoGiven))]
	return sur.han + given.han, sur.py, given.py
}

var demoMobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
	"152", "153", "155", "156", "157", "158", "159", "166", "177", "180", "181", "182", "183", "185", "186",
	"187", "188", "189", "198", "199"}

func (g *demoGen) digits(n int) {
	for range n {
		g.buf = append(g.buf, byte('0'+g.r.IntN(10)))
	}
}

// mobile returns a mainland mobile number, 1[3-9] and nine more digits.
func (g *demoGen) mobile() string {
	g.buf = append(g.buf[:0], g.pick(demoMobilePrefixes)...)
	g.digits(8)
	return string(g.buf)
}

// landline returns an office number in the city's area code, as 0571-88881234.
func (g *demoGen) landline(city demoCity) string {
	g.buf = append(append(g.buf[:0], city.area...), '-')
	switch {
	case len(city.area) == 4 && g.chance(0.3):
		g.buf = append(g.buf, "8888"...)
		g.digits(4)
	default:
		g.buf = append(g.buf, byte('2'+g.r.IntN(7)))
		g.digits(7)
	}
	return string(g.buf)
}

// companyEmail returns a work address of the person at the company's domain.
func (g *demoGen) companyEmail(surPy, givenPy, domain string) string {
	var local string
	switch g.r.IntN(5) {
	case 0:
		local = givenPy + "." + surPy
	case 1:
		local = surPy + "." + givenPy
	case 2:
		local = surPy[:1] + givenPy
	case 3:
		local = surPy + givenPy + strconv.Itoa(g.between(1, 99))
	default:
		local = surPy + givenPy
	}
	return local + "@" + domain
}

var demoMailHosts = []string{"163.com", "126.com", "qq.com", "sina.com", "foxmail.com", "139.com"}

// privateEmail returns a personal address at a common mail host.
func (g *demoGen) privateEmail(surPy, givenPy string) string {
	host := g.pick(demoMailHosts)
	if host == "qq.com" {
		g.buf = append(g.buf[:0], byte('1'+g.r.IntN(9)))
		g.digits(g.between(6, 9))
		return string(g.buf) + "@qq.com"
	}
	return surPy + givenPy + strconv.Itoa(g.between(60, 99)) + "@" + host
}

// birthday returns a date of birth; near puts it in the coming week of the demo's today.
func (g *demoGen) birthday(near bool) time.Time {
	if near {
		d := g.day(-g.r.IntN(data.BirthdayWindow))
		y := 1964 + 4*g.r.IntN(9) // a leap year, so a 29 February is a real date
		return time.Date(y, d.Month(), d.Day(), 0, 0, 0, 0, g.loc)
	}
	return time.Date(g.between(1962, 1998), 1, 1+g.r.IntN(365), 0, 0, 0, 0, g.loc)
}

// ---------------------------------------------------------------------------------------------
// One card

func (g *demoGen) card(i int, out *NewCard) {
	r := g.r
	c := &out.Customer
	person := g.chance(0.10)

	// The grade comes first; the inputs the rules read are then drawn to produce it. Person cards are
	// small buyers, so they never reach A or B: company cards get slightly more of those to keep the
	// overall shares near 8/17/35/40.
	var grade data.Grade
	switch u := r.Float64(); {
	case u < 0.089:
		grade = data.GradeA
	case u < 0.278:
		grade = data.GradeB
	case u < 0.60:
		grade = data.GradeC
	default:
		grade = data.GradeD
	}
	if person && (grade == data.GradeA || grade == data.GradeB) {
		grade = data.GradeC
	}
	// A few cards are made to show on today's agenda whatever the draw: plans due today and overdue,
	// birthdays this week. They stay active so the agenda lists them.
	dueToday := i < 1000 && i%50 == 7
	overdue := i < 1000 && i%50 == 23
	nearBirthday := i < 1000 && i%40 == 5
	special := dueToday || overdue || nearBirthday

	coopAgo := 0 // days since cooperation began; 0: none
	switch grade {
	case data.GradeA:
		c.Status = data.StatusCustomer
		c.AnnualPurchase = data.AmountFromYuan((500_000 + int64(r.ExpFloat64()*700_000)) / 10_000 * 10_000)
		coopAgo = g.between(2*366+31, 10*365)
		c.Referral = data.LevelHigh
	case data.GradeB:
		c.Status = data.StatusCustomer
		if g.chance(0.75) {
			c.AnnualPurchase = g.yuan(200_000, 499_000, 1000)
			coopAgo = g.between(366+31, 8*365)
			c.Referral = data.Levels[r.IntN(3)]
		} else if g.chance(0.5) {
			// Big buyer, but cooperating for under two years.
			c.AnnualPurchase = g.yuan(500_000, 1_500_000, 10_000)
			coopAgo = g.between(366+31, 2*365-31)
			c.Referral = data.Levels[r.IntN(3)]
		} else {
			// Big buyer of long standing who would not recommend us.
			c.AnnualPurchase = g.yuan(500_000, 1_200_000, 10_000)
			coopAgo = g.between(2*366+31, 8*365)
			c.Referral = data.Levels[1+r.IntN(2)]
		}
	case data.GradeC:
		switch {
		case g.chance(0.12) && !special:
			c.Status = data.StatusLost
			c.AnnualPurchase = g.yuan(5_000, 150_000, 100)
			coopAgo = g.between(400, 6*365)
		case g.chance(0.1):
			// New customer buying big, not yet a year in.
			c.Status = data.StatusCustomer
			c.AnnualPurchase = g.yuan(200_000, 450_000, 1000)
			coopAgo = g.between(30, 330)
		default:
			c.Status = data.StatusCustomer
			c.AnnualPurchase = g.yuan(3_000, 199_000, 100)
			coopAgo = g.between(30, 6*365)
		}
		c.Referral = data.Levels[1+r.IntN(2)]
	default:
		switch u := r.Float64(); {
		case u < 0.47 || (special && u >= 0.83):
			c.Status = data.StatusProspect
		case u < 0.83:
			c.Status = data.StatusInterested
		case u < 0.93:
			c.Status = data.StatusLost
		default:
			c.Status = data.StatusInvalid
		}
		if g.chance(0.3) {
			c.Referral = data.Levels[1+r.IntN(2)]
		}
	}
	active := c.Status != data.StatusLost && c.Status != data.StatusInvalid

	// Identity.
	var city demoCity
	var domain, personSur, personGiven string
	var ind *demoIndustry
	if person {
		c.Kind = data.KindPerson
		c.Name, personSur, personGiven = g.personName()
		city = demoCities[r.IntN(len(demoCities))]
		ind = &demoIndustries[demoPersonIndustries[r.IntN(len(demoPersonIndustries))]]
		c.Category = data.DefaultCategories[len(data.DefaultCategories)-1]
	} else {
		c.Kind = data.KindCompany
		k := (g.nameOff + g.company*g.nameStp) % g.nameN
		g.company++
		iw := demoIndustryWords[k%len(demoIndustryWords)]
		k /= len(demoIndustryWords)
		word := demoWords[k%len(demoWords)]
		city = demoCities[k/len(demoWords)]
		ind = &demoIndustries[iw.industry]
		suffix := "有限公司"
		switch u := r.Float64(); {
		case u < 0.08:
			suffix = "股份有限公司"
		case u < 0.13:
			suffix = "有限责任公司"
		case u < 0.15:
			suffix = "集团有限公司"
		}
		switch u := r.Float64(); {
		case u < 0.10:
			c.Name = word.han + iw.han + "（" + city.han + "）" + suffix
		case u < 0.35:
			c.Name = city.han + "市" + word.han + iw.han + suffix
		default:
			c.Name = city.han + word.han + iw.han + suffix
		}
		switch u := r.Float64(); {
		case u < 0.5:
			domain = word.py + iw.py + ".com"
		case u < 0.75:
			domain = word.py + iw.py + ".cn"
		default:
			domain = word.py + "-" + city.py + ".com.cn"
		}
		if g.chance(0.7) {
			c.Category = data.DefaultCategories[ind.categories[r.IntN(len(ind.categories))]]
		} else {
			c.Category = data.DefaultCategories[r.IntN(len(data.DefaultCategories))]
		}
		c.Ownership = data.Ownerships[g.weighted(demoOwnershipWeights)]
		c.Size = demoSizes[g.weighted(demoSizeWeights[gradeRank(grade)])]
		c.DecisionProcess = g.pick(demoDecisionProcesses)
	}
	c.Industry = ind.name
	c.Region = city.han

	// Contacts.
	if person {
		ct := data.Contact{Name: c.Name, Title: g.pick(demoPersonTitles), Role: data.RoleDecisionMaker, Primary: true}
		ct.Phone = g.mobile()
		if g.chance(0.7) {
			ct.Email = g.privateEmail(personSur, personGiven)
		}
		if nearBirthday || g.chance(0.5) {
			ct.Birthday = g.birthday(nearBirthday)
		}
		c.Contacts = []data.Contact{ct}
	} else {
		n := 1 + g.weighted([]int{35, 45, 20})
		c.Contacts = make([]data.Contact, n)
		for j := range c.Contacts {
			ct := &c.Contacts[j]
			name, surPy, givenPy := g.personName()
			t := demoTitles[r.IntN(len(demoTitles))]
			ct.Name, ct.Title, ct.Role = name, t.title, t.role
			if ct.Role != data.RoleDecisionMaker && g.chance(0.1) {
				ct.Role = data.RoleInsider
			}
			if g.chance(0.95) {
				if g.chance(0.2) {
					ct.Phone = g.landline(city)
				} else {
					ct.Phone = g.mobile()
				}
			}
			if g.chance(0.85) {
				ct.Email = g.companyEmail(surPy, givenPy, domain)
			}
			if (nearBirthday && j == 0) || g.chance(0.5) {
				ct.Birthday = g.birthday(nearBirthday && j == 0)
			}
			if g.chance(0.15) {
				ct.Notes = g.pick(demoContactNotes)
			}
		}
		primary := 0
		if n > 1 && g.chance(0.25) {
			primary = r.IntN(n)
		}
		c.SetPrimary(primary)
	}

	// Needs.
	if grade != data.GradeD || g.chance(0.85) {
		c.Needs = g.pick(ind.needs) + "，" + g.pick(demoConcerns)
		if g.chance(0.75) {
			c.Budget = g.yuan(20_000, 1_000_000, 10_000)
		}
		if coopAgo > 0 {
			c.NeedStage = g.pick(demoCustomerStages)
		} else {
			c.NeedStage = g.pick(demoNeedStages)
		}
	}
	if g.chance(0.5) {
		c.Preferences = g.pick(demoPreferences)
	}

	// MAN: established customers pass it; prospects are mixed; invalid cards fail it.
	switch {
	case c.Status == data.StatusInvalid:
	case grade == data.GradeA || grade == data.GradeB:
		c.MAN = data.MAN{Money: true, Authority: g.chance(0.85), Need: true}
	case grade == data.GradeC:
		c.MAN = data.MAN{Money: g.chance(0.8), Authority: g.chance(0.6), Need: c.Needs != "" && g.chance(0.7)}
	default:
		c.MAN = data.MAN{Money: g.chance(0.45), Authority: g.chance(0.4), Need: c.Needs != "" && g.chance(0.85)}
	}

	// Relationship.
	owner := g.owner()
	if overdue && i%100 == 23 && i < 500 {
		// The demo's own rep (the current user) opens it to a few late plans of their own, not none.
		owner = g.reps[0]
	}
	c.OwnerID, c.CreatedBy = owner.ID, owner.ID
	c.Source = data.Sources[g.weighted(demoSourceWeights)]
	if c.Source == data.SourceRepeatPurchase && coopAgo == 0 {
		c.Source = data.SourceProspecting
	}
	switch {
	case grade == data.GradeA:
		c.Lifecycle = data.LifecycleMaturity
		if g.chance(0.1) {
			c.Lifecycle = data.LifecycleDecline
		}
	case grade == data.GradeB:
		c.Lifecycle = []data.Lifecycle{data.LifecycleMaturity, data.LifecycleFormation}[r.IntN(2)]
	case c.Status == data.StatusLost:
		c.Lifecycle = data.LifecycleDecline
	case grade == data.GradeC:
		c.Lifecycle = data.Lifecycles[g.weighted([]int{0, 40, 40, 20})]
	case c.Status != data.StatusInvalid && g.chance(0.8):
		c.Lifecycle = data.LifecycleExploration
	}

	// When: the card was entered within the two years; an established customer's before its
	// cooperation began or, for one older than the file, during the first months of using SalesDesk.
	var createdAgo int
	switch {
	case coopAgo >= demoWindow-7:
		createdAgo = demoWindow - r.IntN(180)
	case coopAgo > 0:
		createdAgo = g.between(coopAgo+1, demoWindow)
	case !active:
		createdAgo = g.between(200, demoWindow)
	case special:
		createdAgo = g.between(30, demoWindow)
	default:
		createdAgo = g.between(1, demoWindow)
	}
	c.CreatedAt = g.at(createdAgo)
	if coopAgo > 0 {
		c.CooperationSince = g.day(coopAgo)
		c.FirstContact = g.day(coopAgo + g.between(15, 300))
	} else {
		c.FirstContact = g.day(createdAgo)
	}

	// Business.
	if coopAgo > 0 {
		c.Credit = data.Credits[g.weighted([]int{60, 30, 10})]
		c.CreditLimit = data.AmountFromYuan(int64(c.AnnualPurchase.Yuan()*(0.1+0.2*r.Float64())) / 10_000 * 10_000)
		if g.chance(0.4) {
			c.Receivables = data.AmountFromYuan(int64(c.AnnualPurchase.Yuan()*(0.02+0.18*r.Float64())) / 100 * 100)
		}
	} else if g.chance(0.2) {
		c.Credit = data.CreditFair
	}

	// Follow-ups, oldest first, between the card's creation and today (lost and invalid cards fell
	// silent months ago). Good customers are contacted more often and recently.
	var n int
	switch grade {
	case data.GradeA:
		n = g.between(5, 11)
	case data.GradeB:
		n = g.between(3, 7)
	case data.GradeC:
		n = g.between(1, 5)
	default:
		n = g.weighted([]int{15, 45, 30, 10})
	}
	if active && n == 0 && createdAgo > 60 && createdAgo%4 != 0 {
		// A prospect nobody has called yet was entered lately; only a few old ones wait for the
		// grooming list.
		createdAgo = 1 + createdAgo%60
		c.CreatedAt = g.at(createdAgo)
		c.FirstContact = g.day(createdAgo)
	}
	hi := createdAgo - 1
	lo := 0
	if !active {
		lo = min(hi, g.between(60, 300))
	} else if overdue {
		lo = 2
	}
	agos := make([]int, n)
	for j := range agos {
		agos[j] = g.between(lo, hi)
	}
	if n > 0 && active {
		// A team that uses SalesDesk daily has spoken to most of its active cards lately: the last
		// follow-up lies within weeks, and only a few cards have fallen silent for the grooming list.
		switch {
		case grade == data.GradeA || grade == data.GradeB:
			agos[0] = g.between(lo, min(hi, lo+25))
		case g.chance(0.9):
			agos[0] = g.between(lo, min(hi, lo+45))
		}
	}
	slices.SortFunc(agos, func(a, b int) int { return b - a })
	lastAgo := createdAgo
	if n > 0 {
		lastAgo = agos[n-1]
	}
	out.FollowUps = make([]data.FollowUp, n)
	for j, ago := range agos {
		g.followUp(&out.FollowUps[j], c, grade, owner, ago, j == 0 && coopAgo == 0)
	}

	// The next plan: explicit on every active card, so that the store does not derive one from a
	// follow-up long past, which would put the demo's first day months behind. A demo is a team that
	// keeps up: a few plans are late by days, the rest lie ahead.
	if active {
		switch u := r.Float64(); {
		case dueToday || (!overdue && u < 0.03):
			c.NextFollowUp = g.day(0)
		case overdue || (u < 0.015 && lastAgo >= 2):
			c.NextFollowUp = g.day(g.between(1, max(1, min(lastAgo-1, demoMostOverdue))))
		case u < 0.55:
			c.NextFollowUp = g.day(-g.between(1, 45))
		default:
			// Drawn from the card's number, not the generator, so the draws after it stay the seed's.
			c.NextFollowUp = g.day(-(1 + (i*37)%60))
		}
		c.NextAction = g.pick(demoNextActions)
		demoActivity(c)
	}

	// Overrides: a manager's judgement differs from the rules on a few cards.
	eff := grade
	if g.chance(0.02) {
		switch grade {
		case data.GradeA:
			eff = data.GradeB
		case data.GradeB:
			eff = data.GradeA
		case data.GradeC:
			eff = data.GradeB
		default:
			eff = data.GradeC
		}
		c.GradeOverride = eff
	}

	// Reviews by the grade's cadence: most cards were looked at recently, some are due.
	switch eff {
	case data.GradeA:
		if g.chance(0.8) {
			c.LastReviewed = g.at(g.between(1, 3))
		}
	case data.GradeB:
		if g.chance(0.85) {
			c.LastReviewed = g.at(g.between(1, 12))
		}
	case data.GradeC:
		if g.chance(0.8) {
			c.LastReviewed = g.at(g.between(1, 50))
		}
	default:
		if g.chance(0.3) {
			c.LastReviewed = g.at(g.between(1, 200))
		}
	}

	// Tags.
	if eff == data.GradeA || (eff == data.GradeB && g.chance(0.5)) {
		c.Tags = append(c.Tags, "重点客户")
	}
	if coopAgo >= 2*365 && g.chance(0.7) {
		c.Tags = append(c.Tags, "老客户")
	}
	if c.Source == data.SourceTradeShow && g.chance(0.8) {
		c.Tags = append(c.Tags, "展会线索")
	}
	if g.chance(0.15) {
		c.Tags = append(c.Tags, "价格敏感")
	}
	if coopAgo == 0 && active && g.chance(0.25) {
		c.Tags = append(c.Tags, "需要演示")
	}
	if coopAgo == 0 && c.Budget >= data.AmountFromYuan(300_000) && c.MAN.Need && g.chance(0.5) {
		c.Tags = append(c.Tags, "高潜力")
	}
	if c.Receivables > 0 && c.Receivables > c.CreditLimit/2 {
		c.Tags = append(c.Tags, "待回款")
	}
	if c.Ownership == data.OwnershipGovernment {
		c.Tags = append(c.Tags, "政府采购")
	}

	if g.chance(0.3) {
		c.Notes = g.pick(demoNotes)
	}
}

// followUp fills one follow-up of the card on the day ago days back.
func (g *demoGen) followUp(f *data.FollowUp, c *data.Customer, grade data.Grade, owner data.Member, ago int, first bool) {
	r := g.r
	f.Date = g.day(ago)
	f.CreatedAt = g.at(ago)
	k := g.weighted(demoMethodWeights[gradeRank(grade)])
	f.Method = data.Methods[k]
	t := &demoFollowUpTexts[k]
	if first {
		f.Topic = t.intro
	} else {
		f.Topic = g.pick(t.topics)
	}
	f.Feedback = g.pick(t.feedback)
	f.ByID = owner.ID
	if (grade == data.GradeA || grade == data.GradeB) && g.chance(0.25) {
		f.ByID = g.mgrs[r.IntN(len(g.mgrs))].ID
	}
	f.CreatedBy = f.ByID
	if len(c.Contacts) > 0 {
		k := 0
		if len(c.Contacts) > 1 && g.chance(0.4) {
			k = r.IntN(len(c.Contacts))
		}
		f.Contact = c.Contacts[k].Name
	}
	f.Proactive = g.chance(t.proactive)
	switch u := r.Float64(); {
	case u < 0.45:
		f.Action = g.pick(demoActions)
		f.Deadline = g.day(ago - g.between(2, 20))
		// Most actions are confirmed once due; a few recent ones are late, which the agenda shows.
		if !f.Deadline.After(g.day(0)) {
			if !(ago <= demoMostOverdue && g.chance(0.1)) {
				f.Result = g.pick(demoResults)
			}
		} else if g.chance(0.15) {
			f.Result = g.pick(demoResults)
		}
	case u < 0.65:
		f.Action = g.pick(demoActions)
		if g.chance(0.6) {
			f.Result = g.pick(demoResults)
		}
	}
}

func gradeRank(g data.Grade) int {
	switch g {
	case data.GradeA:
		return 0
	case data.GradeB:
		return 1
	case data.GradeC:
		return 2
	}
	return 3
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

type demoCity struct{ han, py, area string }

var demoCities = []demoCity{
	{"北京", "beijing", "010"}, {"上海", "shanghai", "021"}, {"广州", "guangzhou", "020"},
	{"深圳", "shenzhen", "0755"}, {"杭州", "hangzhou", "0571"}, {"苏州", "suzhou", "0512"},
	{"南京", "nanjing", "025"}, {"宁波", "ningbo", "0574"}, {"无锡", "wuxi", "0510"},
	{"武汉", "wuhan", "027"}, {"成都", "chengdu", "028"}, {"重庆", "chongqing", "023"},
	{"天津", "tianjin", "022"}, {"西安", "xian", "029"}, {"长沙", "changsha", "0731"},
	{"郑州", "zhengzhou", "0371"}, {"青岛", "qingdao", "0532"}, {"济南", "jinan", "0531"},
	{"厦门", "xiamen", "0592"}, {"福州", "fuzhou", "0591"}, {"合肥", "hefei", "0551"},
	{"东莞", "dongguan", "0769"}, {"佛山", "foshan", "0757"}, {"温州", "wenzhou", "0577"},
	{"常州", "changzhou", "0519"}, {"昆明", "kunming", "0871"}, {"沈阳", "shenyang", "024"},
	{"大连", "dalian", "0411"}, {"南昌", "nanchang", "0791"}, {"石家庄", "shijiazhuang", "0311"},
	{"泉州", "quanzhou", "0595"}, {"绍兴", "shaoxing", "0575"}, {"嘉兴", "jiaxing", "0573"},
	{"台州", "taizhou", "0576"}, {"金华", "jinhua", "0579"}, {"中山", "zhongshan", "0760"},
	{"珠海", "zhuhai", "0756"}, {"烟台", "yantai", "0535"}, {"潍坊", "weifang", "0536"},
	{"南通", "nantong", "0513"}, {"徐州", "xuzhou", "0516"}, {"扬州", "yangzhou", "0514"},
	{"哈尔滨", "haerbin", "0451"}, {"长春", "changchun", "0431"}, {"太原", "taiyuan", "0351"},
	{"南宁", "nanning", "0771"}, {"贵阳", "guiyang", "0851"}, {"兰州", "lanzhou", "0931"},
	{"惠州", "huizhou", "0752"}, {"芜湖", "wuhu", "0553"},
}

var demoWords = []demoHan{
	{"恒达", "hengda"}, {"华信", "huaxin"}, {"云帆", "yunfan"}, {"宏远", "hongyuan"}, {"鑫源", "xinyuan"},
	{"金泰", "jintai"}, {"瑞丰", "ruifeng"}, {"伟业", "weiye"}, {"博远", "boyuan"}, {"天成", "tiancheng"},
	{"盛世", "shengshi"}, {"永信", "yongxin"}, {"中科", "zhongke"}, {"华创", "huachuang"}, {"东方", "dongfang"},
	{"新锐", "xinrui"}, {"汇通", "huitong"}, {"德胜", "desheng"}, {"安泰", "antai"}, {"创新", "chuangxin"},
	{"佳和", "jiahe"}, {"荣盛", "rongsheng"}, {"联合", "lianhe"}, {"远航", "yuanhang"}, {"百川", "baichuan"},
	{"国泰", "guotai"}, {"海纳", "haina"}, {"明辉", "minghui"}, {"飞扬", "feiyang"}, {"凯达", "kaida"},
	{"星辰", "xingchen"}, {"宏图", "hongtu"}, {"华美", "huamei"}, {"鼎盛", "dingsheng"}, {"锦程", "jincheng"},
	{"腾飞", "tengfei"}, {"卓越", "zhuoyue"}, {"利华", "lihua"}, {"合力", "heli"}, {"同创", "tongchuang"},
	{"信达", "xinda"}, {"兴业", "xingye"}, {"宝丰", "baofeng"}, {"金鹏", "jinpeng"}, {"天宇", "tianyu"},
	{"立信", "lixin"}, {"中恒", "zhongheng"}, {"亿达", "yida"}, {"誉峰", "yufeng"}, {"方圆", "fangyuan"},
	{"海川", "haichuan"}, {"三和", "sanhe"}, {"华泰", "huatai"}, {"众诚", "zhongcheng"}, {"恒信", "hengxin"},
	{"明达", "mingda"}, {"新宇", "xinyu"}, {"康达", "kangda"}, {"顺达", "shunda"}, {"金诺", "jinnuo"},
	{"瑞达", "ruida"}, {"昌盛", "changsheng"}, {"源丰", "yuanfeng"}, {"恒升", "hengsheng"}, {"安达", "anda"},
	{"博瑞", "borui"}, {"睿智", "ruizhi"}, {"聚力", "juli"}, {"精工", "jinggong"}, {"祥瑞", "xiangrui"},
	{"中达", "zhongda"}, {"宏达", "hongda"}, {"润泽", "runze"}, {"泰和", "taihe"}, {"永兴", "yongxing"},
	{"隆鑫", "longxin"}, {"广源", "guangyuan"}, {"海博", "haibo"}, {"金石", "jinshi"}, {"嘉盛", "jiasheng"},
	{"华宇", "huayu"}, {"盛达", "shengda"}, {"新航", "xinhang"}, {"东升", "dongsheng"}, {"北辰", "beichen"},
	{"九州", "jiuzhou"}, {"环宇", "huanyu"}, {"万通", "wantong"}, {"志远", "zhiyuan"}, {"智达", "zhida"},
	{"蓝海", "lanhai"}, {"青松", "qingsong"}, {"绿源", "lvyuan"}, {"银河", "yinhe"}, {"和信", "hexin"},
	{"兆丰", "zhaofeng"}, {"富源", "fuyuan"}, {"海星", "haixing"}, {"启航", "qihang"}, {"正德", "zhengde"},
	{"信合", "xinhe"}, {"骏马", "junma"}, {"鹏程", "pengcheng"}, {"博达", "boda"}, {"凌云", "lingyun"},
	{"永恒", "yongheng"}, {"建联", "jianlian"}, {"明珠", "mingzhu"}, {"金桥", "jinqiao"}, {"华达", "huada"},
	{"天润", "tianrun"}, {"丰泽", "fengze"}, {"领航", "linghang"}, {"诚达", "chengda"}, {"正源", "zhengyuan"},
}

type demoIndustry struct {
	name       string
	needs      []string
	categories []int // indexes into DefaultCategories that suit the industry
}

var demoIndustries = []demoIndustry{
	{"制造业", []string{"新产线改造需要一批伺服电机和控制器", "计划更换老旧设备的关键零部件", "年度设备维保配件集中采购"}, []int{0, 1}},
	{"电子", []string{"需要稳定供应的电子元器件", "新产品研发需要小批量试产物料", "寻找替代进口芯片的国产方案"}, []int{0, 2}},
	{"软件与信息服务", []string{"机房扩容需要服务器和网络设备", "办公电脑批量更新换代", "需要采购正版软件授权"}, []int{1, 6}},
	{"零售", []string{"门店扩张需要采购货架和收银设备", "希望引进新品类丰富货源", "节日促销备货"}, []int{2, 3, 4}},
	{"医疗器械", []string{"新院区建设需要配套设备", "耗材年度集中采购", "需要符合GSP要求的仓储方案"}, []int{1, 3}},
	{"物流", []string{"仓库自动化改造，需要输送设备", "车队定位及温控设备更新", "需要大批量包装材料"}, []int{1, 6}},
	{"建材", []string{"工程项目需要批量采购管材", "展厅装修需要样品材料", "寻找稳定的原材料供应商"}, []int{5, 3}},
	{"汽车配件", []string{"主机厂配套项目需要认证供应商", "售后市场配件补货", "新车型配件开发需要样件"}, []int{0, 3}},
	{"食品饮料", []string{"新建灌装线需要配套设备", "包装升级需要新的包材供应商", "冷链设备采购"}, []int{1, 4}},
	{"教育培训", []string{"新校区建设需要多媒体教学设备", "在线课程录播室需要采购设备", "培训教室改造"}, []int{6, 2}},
	{"家居", []string{"新品系列需要五金配件", "门店展示道具采购", "工厂环保设备改造"}, []int{5, 3, 4}},
	{"化工", []string{"环保改造需要废气处理设备", "实验室仪器更新", "原料采购寻找第二供应商"}, []int{0, 1}},
	{"纺织服装", []string{"车间设备升级需要新型缝纫设备", "需要稳定的面料辅料供应", "仓储管理系统改造"}, []int{1, 3}},
}

// demoPersonIndustries are the trades of person cards: shopkeepers, fitters, tutors.
var demoPersonIndustries = []int{3, 3, 6, 7, 9, 10}

type demoIndustryWord struct {
	han, py  string
	industry int
}

var demoIndustryWords = []demoIndustryWord{
	{"精密机械", "jingmi", 0}, {"机械设备", "jixie", 0}, {"重工", "zhonggong", 0}, {"五金制品", "wujin", 0},
	{"模具", "muju", 0}, {"自动化设备", "zidonghua", 0},
	{"电子科技", "dianzi", 1}, {"电子", "dz", 1}, {"光电科技", "guangdian", 1}, {"半导体", "semi", 1},
	{"电气", "dianqi", 1},
	{"网络科技", "net", 2}, {"软件", "soft", 2}, {"信息技术", "it", 2}, {"数据科技", "data", 2},
	{"智能科技", "zhineng", 2},
	{"商贸", "trade", 3}, {"百货", "baihuo", 3}, {"超市", "chaoshi", 3}, {"贸易", "maoyi", 3},
	{"医疗器械", "medical", 4}, {"生物医疗", "bio", 4}, {"医疗科技", "med", 4},
	{"物流", "wuliu", 5}, {"供应链管理", "scm", 5}, {"国际货运代理", "freight", 5}, {"仓储", "cangchu", 5},
	{"建材", "jiancai", 6}, {"新型建材", "xcjc", 6}, {"装饰材料", "zhuangshi", 6}, {"管业", "guanye", 6},
	{"汽车配件", "autoparts", 7}, {"汽车零部件", "auto", 7}, {"汽配", "qipei", 7},
	{"食品", "food", 8}, {"饮料", "yinliao", 8}, {"乳业", "ruye", 8}, {"酒业", "jiuye", 8},
	{"教育科技", "edu", 9}, {"职业培训", "peixun", 9}, {"文化传播", "culture", 9},
	{"家居", "home", 10}, {"家具", "jiaju", 10}, {"家纺", "jiafang", 10}, {"卫浴", "weiyu", 10},
	{"化工", "chem", 11}, {"新材料", "xincailiao", 11}, {"涂料", "tuliao", 11},
	{"纺织", "fangzhi", 12}, {"服饰", "fushi", 12},
}

var demoSurnames = []demoHan{
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"}, {"黄", "huang"},
	{"赵", "zhao"}, {"吴", "wu"}, {"周", "zhou"}, {"徐", "xu"}, {"孙", "sun"}, {"马", "ma"}, {"朱", "zhu"},
	{"胡", "hu"}, {"郭", "guo"}, {"何", "he"}, {"高", "gao"}, {"林", "lin"}, {"罗", "luo"}, {"郑", "zheng"},
	{"梁", "liang"}, {"谢", "xie"}, {"宋", "song"}, {"唐", "tang"}, {"许", "xu"}, {"韩", "han"}, {"冯", "feng"},
	{"邓", "deng"}, {"曹", "cao"}, {"彭", "peng"}, {"曾", "zeng"}, {"肖", "xiao"}, {"田", "tian"}, {"董", "dong"},
	{"袁", "yuan"}, {"潘", "pan"}, {"于", "yu"}, {"蒋", "jiang"}, {"蔡", "cai"}, {"余", "yu"}, {"杜", "du"},
	{"叶", "ye"}, {"程", "cheng"}, {"苏", "su"}, {"魏", "wei"}, {"吕", "lv"}, {"丁", "ding"}, {"任", "ren"},
	{"沈", "shen"}, {"姚", "yao"}, {"卢", "lu"}, {"姜", "jiang"}, {"崔", "cui"}, {"钟", "zhong"}, {"谭", "tan"},
	{"陆", "lu"}, {"汪", "wang"}, {"范", "fan"}, {"金", "jin"}, {"石", "shi"}, {"廖", "liao"}, {"贾", "jia"},
	{"夏", "xia"}, {"韦", "wei"}, {"方", "fang"}, {"白", "bai"}, {"邹", "zou"}, {"孟", "meng"}, {"熊", "xiong"},
	{"秦", "qin"}, {"邱", "qiu"}, {"江", "jiang"}, {"尹", "yin"}, {"薛", "xue"}, {"段", "duan"}, {"雷", "lei"},
	{"侯", "hou"}, {"龙", "long"}, {"史", "shi"}, {"陶", "tao"}, {"黎", "li"}, {"贺", "he"}, {"顾", "gu"},
	{"毛", "mao"}, {"郝", "hao"}, {"龚", "gong"}, {"邵", "shao"}, {"万", "wan"}, {"钱", "qian"}, {"严", "yan"},
	{"武", "wu"}, {"戴", "dai"}, {"孔", "kong"}, {"汤", "tang"}, {"欧阳", "ouyang"}, {"司马", "sima"},
}

var demoGiven = []demoHan{
	{"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"敏", "min"}, {"静", "jing"}, {"丽", "li"}, {"强", "qiang"},
	{"磊", "lei"}, {"军", "jun"}, {"洋", "yang"}, {"勇", "yong"}, {"艳", "yan"}, {"杰", "jie"}, {"娟", "juan"},
	{"涛", "tao"}, {"明", "ming"}, {"超", "chao"}, {"秀英", "xiuying"}, {"霞", "xia"}, {"平", "ping"},
	{"刚", "gang"}, {"桂英", "guiying"}, {"建国", "jianguo"}, {"建华", "jianhua"}, {"志强", "zhiqiang"},
	{"海燕", "haiyan"}, {"晓明", "xiaoming"}, {"丽娟", "lijuan"}, {"文", "wen"}, {"华", "hua"}, {"红", "hong"},
	{"玉兰", "yulan"}, {"鹏", "peng"}, {"飞", "fei"}, {"斌", "bin"}, {"宇", "yu"}, {"浩", "hao"}, {"凯", "kai"},
	{"婷", "ting"}, {"雪", "xue"}, {"琳", "lin"}, {"欣", "xin"}, {"颖", "ying"}, {"佳", "jia"}, {"子涵", "zihan"},
	{"一鸣", "yiming"}, {"思远", "siyuan"}, {"俊杰", "junjie"}, {"雨桐", "yutong"}, {"嘉怡", "jiayi"},
	{"晨", "chen"}, {"慧", "hui"}, {"倩", "qian"}, {"晶", "jing"}, {"辉", "hui"}, {"波", "bo"}, {"宁", "ning"},
	{"亮", "liang"}, {"峰", "feng"}, {"春梅", "chunmei"}, {"国强", "guoqiang"}, {"永红", "yonghong"},
	{"晓燕", "xiaoyan"}, {"立新", "lixin"}, {"志刚", "zhigang"}, {"海涛", "haitao"}, {"文博", "wenbo"},
	{"佳琪", "jiaqi"}, {"梦瑶", "mengyao"}, {"子轩", "zixuan"}, {"浩然", "haoran"}, {"欣怡", "xinyi"},
	{"天宇", "tianyu"}, {"振华", "zhenhua"}, {"德明", "deming"}, {"秀兰", "xiulan"}, {"美玲", "meiling"},
	{"少华", "shaohua"}, {"国庆", "guoqing"}, {"卫东", "weidong"}, {"红梅", "hongmei"}, {"雅琴", "yaqin"},
	{"鑫", "xin"}, {"博", "bo"}, {"琦", "qi"}, {"帆", "fan"}, {"蕾", "lei"}, {"莉", "li"}, {"瑶", "yao"},
	{"昊", "hao"}, {"哲", "zhe"}, {"睿", "rui"}, {"建军", "jianjun"}, {"丽华", "lihua"}, {"志明", "zhiming"},
}

var demoTitles = []struct {
	title string
	role  data.ContactRole
}{
	{"总经理", data.RoleDecisionMaker}, {"副总经理", data.RoleDecisionMaker}, {"董事长", data.RoleDecisionMaker},
	{"采购经理", data.RoleInfluencer}, {"采购经理", data.RoleInfluencer}, {"采购专员", data.RoleUser}, {"采购专员", data.RoleUser},
	{"技术总监", data.RoleTechEvaluator}, {"工程师", data.RoleTechEvaluator}, {"财务主管", data.RoleInfluencer},
	{"行政主管", data.RoleUser}, {"项目经理", data.RoleUser}, {"生产主管", data.RoleUser}, {"运营总监", data.RoleInfluencer},
	{"店长", data.RoleDecisionMaker}, {"设备科长", data.RoleTechEvaluator}, {"总经理助理", data.RoleContactUnknown},
}

var demoPersonTitles = []string{"", "店主", "个体经营者", "装修工长", "自由职业"}

var demoSizes = []string{"20人以下", "20-50人", "50-200人", "200-500人", "500-1000人", "1000人以上"}

// demoSizeWeights by grade rank: bigger companies buy more.
var demoSizeWeights = [4][]int{
	{2, 8, 25, 30, 20, 15},
	{5, 15, 35, 25, 12, 8},
	{15, 30, 30, 15, 6, 4},
	{25, 30, 25, 12, 5, 3},
}

// demoOwnershipWeights follow Ownerships: state, collective, private, joint venture, government.
var demoOwnershipWeights = []int{15, 8, 55, 15, 7}

// demoSourceWeights follow Sources.
var demoSourceWeights = []int{18, 15, 12, 8, 7, 6, 8, 10, 6, 10}

// demoMethodWeights by grade rank follow Methods: phone, visit, email, WeChat, meeting, other.
var demoMethodWeights = [4][]int{
	{25, 35, 10, 15, 13, 2},
	{40, 20, 15, 15, 8, 2},
	{30, 10, 35, 20, 3, 2},
	{40, 5, 35, 15, 2, 3},
}

var demoConcerns = []string{"要求交期稳定", "关注售后响应速度", "希望分期付款", "对价格较敏感", "需要先提供样品测试",
	"要求提供增值税专用发票", "希望有本地技术支持", "预算有限，需分批实施", "时间紧，要求一个月内到货", "希望签订年度框架协议"}

var demoNeedStages = []string{"初步了解", "需求确认", "方案评估", "比价阶段", "等待审批", "已立项"}

var demoCustomerStages = []string{"持续采购", "扩大采购", "新项目评估", "年度续约"}

var demoPreferences = []string{"偏好国产品牌，重视性价比", "要求原厂配件，质量第一", "倾向签订长期框架协议",
	"重视售后服务网点覆盖", "希望提供定制化方案", "要求小批量多批次供货", "看重品牌知名度", "要求账期60天以上"}

var demoDecisionProcesses = []string{
	"采购部初选供应商，技术部测试样品，总经理最终审批",
	"总经理直接拍板，财务负责付款审核",
	"需经招标流程，由采购委员会评审",
	"技术总监评估方案后报董事会审批",
	"区域经理提出需求，总部统一采购",
	"使用部门提需求，采购部比价三家后下单",
	"金额超过10万元需集团审批",
}

var demoNotes = []string{"老板是行业协会副会长，人脉广", "每年3月、9月集中采购", "付款周期较长，注意回款风险",
	"竞争对手报价较低，需突出服务优势", "前任跟进人已离职，资料已交接", "对交期要求严格", "需开具增值税专用发票",
	"有意向成为区域代理", "集团采购，需走总部流程", "曾因质量问题投诉，已妥善处理"}

var demoContactNotes = []string{"喜欢喝茶，不抽烟", "周三下午不便联系", "微信回复比电话快", "老乡，关系较好",
	"说话直接，重视数据", "刚上任，需重新建立关系", "对技术细节很关注", "午休时间勿打扰"}

var demoNextActions = []string{"电话确认报价反馈", "上门演示新产品", "发送合同草案", "季度回访", "跟进样品测试结果",
	"邀请参加新品发布会", "确认年度采购计划", "催收应收账款", "发送行业白皮书", "拜访决策人", "确认招标时间"}

var demoActions = []string{"发送最新报价单", "安排技术人员上门演示", "申请特价审批", "寄送样品", "准备合同草案",
	"整理竞品对比资料", "协调仓库安排发货", "跟进财务回款", "提交售后工单", "邀请参观工厂", "准备投标文件"}

var demoResults = []string{"已完成，客户确认", "报价已发送，客户确认收到", "样品测试通过", "已签订合同", "客户暂缓决定",
	"特价审批已通过", "货已发出，客户签收", "款项已到账", "演示完成，客户满意", "问题已解决"}

type demoTexts struct {
	intro     string
	topics    []string
	feedback  []string
	proactive float64 // share of contacts of this method that the team started
}

// demoFollowUpTexts follow Methods: phone, visit, email, WeChat, meeting, other.
var demoFollowUpTexts = []demoTexts{
	{ // phone
		intro: "初次电话沟通，了解客户需求",
		topics: []string{"电话回访，了解近期采购计划", "电话确认报价反馈", "电话沟通交货期安排", "电话跟进样品测试结果",
			"电话介绍新品及促销政策", "电话确认付款进度", "节前电话问候", "电话了解竞品使用情况", "电话邀约上门拜访"},
		feedback: []string{"客户表示下季度有采购计划，需要详细报价", "对价格有异议，希望再优惠3%", "目前库存充足，暂无新需求",
			"对上批货品质量满意，交期需再提前", "负责人出差，约下周再联系", "正在内部走审批流程，预计月底有结果",
			"对新品感兴趣，要求提供技术参数", "反映售后响应慢，希望改进", "已安排财务付款，本周内到账", "客户正在比较两家供应商"},
		proactive: 0.85,
	},
	{ // visit
		intro: "首次上门拜访，了解公司基本情况",
		topics: []string{"上门拜访，介绍新产品线", "拜访总经理，洽谈年度框架协议", "现场查看设备使用情况",
			"陪同技术人员现场调研", "季度例行拜访", "高层拜访，维护战略合作关系", "上门处理质量投诉"},
		feedback: []string{"总经理认可合作方向，要求出具详细方案", "现场设备运行正常，提出两项改进建议",
			"客户计划扩产，明年采购量有望增加30%", "采购部希望统一账期为60天", "对我方服务整体满意",
			"希望我方给出更有竞争力的价格", "质量问题已确认，为运输途中破损"},
		proactive: 0.5,
	},
	{ // email
		intro: "首次邮件联系，发送产品目录",
		topics: []string{"发送季度产品更新资料", "邮件发送行业白皮书", "发送报价单及合同草案", "月度新品推荐邮件",
			"发送对账单", "发送技术方案书", "发送展会邀请函"},
		feedback: []string{"客户已回复确认收到", "暂无回复", "客户回复要求补充资质文件", "客户对方案中的交付周期提出疑问",
			"客户转发给技术部门评估", "客户回复将于下周内部讨论"},
		proactive: 0.9,
	},
	{ // WeChat
		intro: "添加微信，发送公司介绍",
		topics: []string{"微信沟通订单细节", "微信发送产品视频及案例", "微信确认发货信息", "微信回复客户技术咨询",
			"微信发送节日祝福"},
		feedback: []string{"客户确认收货地址无误", "客户看完视频后想约现场演示", "客户询问能否加急发货",
			"已解答，客户表示满意", "客户回复感谢"},
		proactive: 0.4,
	},
	{ // meeting
		intro: "展会现场初次洽谈",
		topics: []string{"参加客户招标答疑会", "双方技术交流会", "季度业务回顾会议", "展会现场洽谈", "新品发布会现场交流",
			"项目启动会"},
		feedback: []string{"客户技术团队认可我方方案", "招标文件要求本月底前投标", "确认下季度供货计划",
			"客户对新品很感兴趣，索要样品", "双方明确了项目里程碑"},
		proactive: 0.15,
	},
	{ // other
		intro:     "寄送公司宣传册",
		topics:    []string{"寄送节日礼品", "邀请参加新品发布会", "寄送生日贺卡", "寄送样品", "寄送纸质合同"},
		feedback:  []string{"客户已签收", "客户表示感谢", "客户确认参加", "客户暂未回复"},
		proactive: 0.5,
	},
}
