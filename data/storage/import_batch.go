package storage

import (
	"fmt"
	"regexp"
	"salesdesk/data"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// One batch of an import: its rows prepared, validated and written in one transaction, with the undo
// entries for what they created or changed. A row is all or nothing: its customer, deal and
// follow-up are each prepared and checked first, and written only if none of them has a problem.

// batch is what one transaction of an import did.
type batch struct {
	rows                       int
	customers, opps, followUps data.ImportCounts
	rejected                   []data.RejectedRow
	warnings                   []data.RowProblem
	outcomes                   []data.RowOutcome
	record                     data.ImportRecord
	newRecord                  bool
	cards                      map[uint64]*custState
	order                      []uint64
	deals                      []data.Opportunity
	openPut                    []OpenAction
	openDel                    []uint64
	rowsForIndex               []*indexRow
}

func (b *batch) empty() bool {
	return b.customers.Created+b.customers.Updated+b.opps.Created+b.opps.Updated+
		b.followUps.Created+b.followUps.Updated == 0
}

// apply changes memory after the batch's commit.
func (b *batch) apply(ix *index) {
	if len(b.rowsForIndex) > 64 {
		ix.putMany(b.rowsForIndex)
	} else {
		for _, r := range b.rowsForIndex {
			ix.put(r)
		}
	}
	for i := range b.deals {
		ix.putDeal(&b.deals[i])
	}
	for _, oa := range b.openPut {
		ix.openActions[oa.FollowUpID] = oa
	}
	for _, id := range b.openDel {
		delete(ix.openActions, id)
	}
}

// custState is a card the batch writes: loaded (or created) once, written once at the batch's end.
type custState struct {
	c          data.Customer
	isNew      bool   // created in this batch
	version    uint64 // the stored version it was loaded at
	oldCardNo  string
	keepAction string // an action the row gave without a date, kept over the grade's plan
	changed    bool
	// prev is the card as stored before this import first touched it; nil for a card the import made.
	prev []byte
}

// batch applies rows in tx. A row with a problem is rejected whole: nothing of it is written.
func (im *importer) batch(tx *bolt.Tx, rows []*rowPlan) (*batch, error) {
	b := &batch{cards: map[uint64]*custState{}, record: im.rec}
	if b.record.ID == 0 {
		id, err := tx.Bucket(bucketImports).NextSequence()
		if err != nil {
			return nil, err
		}
		b.record = data.ImportRecord{ID: id, File: im.rep.File, At: im.now, ByID: im.by.MemberID, By: im.by.Name, OnDuplicate: im.opt.OnDuplicate}
		b.newRecord = true
	}
	im.id = b.record.ID
	for i, p := range rows {
		if i&63 == 0 && im.ctx.Err() != nil {
			return nil, data.ErrImportCancelled
		}
		b.rows++
		if err := im.row(tx, b, p); err != nil {
			return nil, err
		}
	}
	if err := im.flush(tx, b); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *batch) reject(p *rowPlan) {
	b.rejected = append(b.rejected, data.RejectedRow{Sheet: p.sheet.name, Row: p.src.Row, Cells: p.src.Cells, Problems: p.problems})
}

func (b *batch) outcome(p *rowPlan, rec data.FieldGroup, action string, id uint64, label, by string) {
	b.outcomes = append(b.outcomes, data.RowOutcome{Sheet: p.sheet.name, Row: p.src.Row, Record: rec, Action: action, ID: id, Label: label, MatchedBy: by})
	counts := &b.customers
	switch rec {
	case data.GroupOpportunity:
		counts = &b.opps
	case data.GroupFollowUp:
		counts = &b.followUps
	}
	switch action {
	case ActionCreated:
		counts.Created++
	case ActionUpdated:
		counts.Updated++
	default:
		counts.Skipped++
	}
}

// rowWork is a row's records prepared and validated, ready to be written.
type rowWork struct {
	name       string // the customer's normalised name
	custAction string
	custID     uint64
	custBy     string
	cust       data.Customer
	oppAction  string
	oppID      uint64
	oppBy      string
	opp        data.Opportunity
	oppStage   string
	fuAction   string
	fuBy       string
	fu         data.FollowUp
	// setNextPlan: the row set the card's next follow-up, which a follow-up must not replan;
	// actionOnly: it gave an action without a date, kept when the grade's plan picks the date.
	setNextPlan, actionOnly bool
}

// row prepares every record of a row, and writes them only if all of them are valid.
func (im *importer) row(tx *bolt.Tx, b *batch, p *rowPlan) error {
	if len(p.problems) > 0 {
		b.reject(p)
		return nil
	}
	var w rowWork
	if p.defines {
		if err := im.prepareCustomer(tx, b, p, &w); err != nil {
			return err
		}
	} else if id, err := im.link(tx, p); err != nil {
		p.problem(nil, err)
	} else {
		w.custID = id
	}
	// A deal or follow-up is not added to an archived card: it is read-only until restored.
	if len(p.problems) == 0 && (p.hasOpp || p.hasFU) && w.custID != 0 && w.custAction != ActionCreated {
		cs, err := im.loadCustomer(tx, b, w.custID)
		if err != nil {
			return err
		}
		if cs.c.Archived && (w.custAction != ActionUpdated || w.cust.Archived) {
			p.problem(nil, fmt.Errorf("%s: %w", cs.c.Name, data.ErrArchived))
		}
	}
	if len(p.problems) == 0 && p.hasOpp {
		if err := im.prepareOpportunity(tx, p, &w); err != nil {
			return err
		}
	}
	if len(p.problems) == 0 && p.hasFU {
		if err := im.prepareFollowUp(tx, b, p, &w); err != nil {
			return err
		}
	}
	if len(p.problems) > 0 {
		b.reject(p)
		return nil
	}
	b.warnings = append(b.warnings, p.warnings...)
	if err := im.writeCustomerPart(tx, b, p, &w); err != nil {
		return err
	}
	if err := im.writeOpportunityPart(tx, b, p, &w); err != nil {
		return err
	}
	return im.writeFollowUpPart(tx, b, p, &w)
}

// match finds the stored card a customer row is a duplicate of: by card number first, then by the
// normalised name, a phone or an email (Store.Duplicates' rules), preferring a card this import wrote.
func (im *importer) match(tx *bolt.Tx, p *rowPlan, c *data.Customer, name string) (uint64, string) {
	if p.cardNo != "" {
		if id := im.cardNos[p.cardNo]; id != 0 {
			return id, "card_no"
		}
		if v := tx.Bucket(bucketCardNumbers).Get([]byte(p.cardNo)); v != nil {
			return decodeUint(v), "card_no"
		}
	}
	if name != "" {
		if id := im.recent[name]; id != 0 {
			return id, "name"
		}
		if ids := im.names[name]; len(ids) > 0 {
			return ids[0], "name"
		}
	}
	for _, ct := range c.Contacts {
		if k := contactPhoneKey(ct.Phone); k != "" {
			if ids := im.keys[k]; len(ids) > 0 {
				return ids[0], "phone"
			}
		}
		if k := data.NormalizeEmail(ct.Email); k != "" {
			if ids := im.keys[k]; len(ids) > 0 {
				return ids[0], "email"
			}
		}
	}
	return 0, ""
}

// contactPhoneKey is the duplicate key of a stored contact's phone: normalizeCustomer already wrote a
// valid phone in its normalised form, so only another spelling needs NormalizePhone's digits.
func contactPhoneKey(phone string) string {
	for i := 0; i < len(phone); i++ {
		if c := phone[i]; (c < '0' || c > '9') && c != '-' && c != '+' {
			return data.NormalizePhone(phone)
		}
	}
	return phone
}

// link finds the customer a deal or follow-up row belongs to: by card number, else by name — a card
// this import wrote first, then a stored one if exactly one has that name.
func (im *importer) link(tx *bolt.Tx, p *rowPlan) (uint64, error) {
	if p.cardNo != "" {
		if id := im.cardNos[p.cardNo]; id != 0 {
			return id, nil
		}
		if v := tx.Bucket(bucketCardNumbers).Get([]byte(p.cardNo)); v != nil {
			return decodeUint(v), nil
		}
	}
	if p.name == "" {
		return 0, data.ErrCustomerNotFound
	}
	n := data.NormalizeName(p.name)
	if id := im.recent[n]; id != 0 {
		return id, nil
	}
	switch ids := im.names[n]; len(ids) {
	case 0:
		return 0, data.ErrCustomerNotFound
	case 1:
		return ids[0], nil
	default:
		return 0, data.ErrCustomerAmbiguous
	}
}

// loadCustomer returns the batch's copy of a card, reading it (and, the first time this import
// touches it, keeping its stored form for undo) when the batch has not yet.
func (im *importer) loadCustomer(tx *bolt.Tx, b *batch, id uint64) (*custState, error) {
	if cs, ok := b.cards[id]; ok {
		return cs, nil
	}
	key := encodeUint(id)
	raw := tx.Bucket(bucketCustomers).Get(key)
	if raw == nil {
		return nil, fmt.Errorf("customer %d: %w", id, data.ErrNotFound)
	}
	cs := &custState{}
	if err := codec.Unmarshal(raw, &cs.c); err != nil {
		return nil, fmt.Errorf("customer %d: %w: %w", id, data.ErrDamaged, err)
	}
	cs.version, cs.oldCardNo = cs.c.Version, cs.c.CardNo
	if !im.created[id] && !im.touched[string(undoKey(im.id, undoCustomer, key))] {
		cs.prev = slices.Clone(raw)
	}
	b.cards[id] = cs
	b.order = append(b.order, id)
	return cs, nil
}

// notePrev keeps a record's stored form the first time the import changes it.
func (im *importer) notePrev(tx *bolt.Tx, kind byte, key, raw []byte) error {
	k := undoKey(im.id, kind, key)
	if im.touched[string(k)] {
		return nil
	}
	im.touched[string(k)] = true
	return putRecord(tx.Bucket(bucketImportUndo), k, undoEntry{Prev: slices.Clone(raw)})
}

// noteAfter records what the import left a record at; created marks a record the import made.
func (im *importer) noteAfter(tx *bolt.Tx, kind byte, key []byte, created bool, after uint64) error {
	k := undoKey(im.id, kind, key)
	b := tx.Bucket(bucketImportUndo)
	var e undoEntry
	if im.touched[string(k)] {
		if err := getRecord(b, k, &e); err != nil {
			return err
		}
	} else {
		im.touched[string(k)] = true
		e.Created = created
	}
	e.After = after
	return putRecord(b, k, e)
}

func (im *importer) prepareCustomer(tx *bolt.Tx, b *batch, p *rowPlan, w *rowWork) error {
	fresh, ce := p.fresh, p.ce
	w.name = p.freshName
	id, by := im.match(tx, p, &fresh, w.name)
	if id != 0 && im.opt.OnDuplicate == data.DuplicateSkip {
		w.custAction, w.custID, w.custBy = ActionSkipped, id, by
		return nil
	}
	if id != 0 && im.opt.OnDuplicate == data.DuplicateUpdate {
		cs, err := im.loadCustomer(tx, b, id)
		if err != nil {
			return err
		}
		c := cs.c
		c.Contacts, c.Tags = slices.Clone(c.Contacts), slices.Clone(c.Tags)
		var e custExtras
		p.quietly(func() {
			e = p.applyCustomer(&c, im.x)
			p.finishCustomer(&c, &e, im.x, true)
		})
		// An archived card is read-only until restored, by the window and by an import alike: a row
		// may restore it (已归档 = 否) and change it, but not change it while it stays archived.
		if cs.c.Archived && c.Archived {
			p.problem(nil, fmt.Errorf("%s: %w", cs.c.Name, data.ErrArchived))
			return nil
		}
		if c.OwnerID == 0 {
			c.OwnerID = im.x.defaultOwner
		}
		normalizeCustomer(&c)
		fe := data.ValidateCustomer(&c, im.now)
		im.s.checkMember(&fe, "owner", c.OwnerID)
		if fe.Any() {
			p.fieldErrorProblems(fe, data.GroupCustomer)
			return nil
		}
		w.custAction, w.custID, w.custBy, w.cust = ActionUpdated, id, by, c
		if c.Name != fresh.Name {
			w.name = data.NormalizeName(c.Name)
		}
		w.setNextPlan = e.nextRaw != "" || e.nextAction != ""
		w.actionOnly = w.setNextPlan && c.NextFollowUp.IsZero()
		return nil
	}
	if fresh.OwnerID == 0 {
		fresh.OwnerID = im.x.defaultOwner
	}
	fe := p.freshErrs
	im.s.checkMember(&fe, "owner", fresh.OwnerID)
	if fe.Any() {
		p.fieldErrorProblems(fe, data.GroupCustomer)
		return nil
	}
	w.custAction, w.cust = ActionCreated, fresh
	w.setNextPlan = ce.nextRaw != "" || ce.nextAction != ""
	w.actionOnly = w.setNextPlan && fresh.NextFollowUp.IsZero()
	return nil
}

var (
	cardNoRe = regexp.MustCompile(`^KH(\d{4})-(\d{5,9})$`)
	oppNoRe  = regexp.MustCompile(`^XS(\d{4})(\d{2})(\d{4,9})$`)
)

// keepNumber tells whether a record may keep the number the file gives it: well formed and free. The
// year's (or month's) counter is then raised past it, so that numbers issued later never collide.
func keepNumber(tx *bolt.Tx, counterKey string, n uint64) error {
	b := tx.Bucket(bucketCounters)
	if decodeUint(b.Get([]byte(counterKey))) >= n {
		return nil
	}
	return b.Put([]byte(counterKey), encodeUint(n))
}

func (im *importer) writeCustomerPart(tx *bolt.Tx, b *batch, p *rowPlan, w *rowWork) error {
	switch w.custAction {
	case ActionSkipped:
		b.outcome(p, data.GroupCustomer, ActionSkipped, w.custID, p.name, w.custBy)
		im.remember(p, w.custID, nil, w.name)
		return nil
	case ActionUpdated:
		cs := b.cards[w.custID]
		cs.c, cs.changed = w.cust, true
		cs.keepAction = ""
		if w.actionOnly {
			cs.keepAction = cs.c.NextAction
		}
		b.outcome(p, data.GroupCustomer, ActionUpdated, w.custID, cs.c.CardNo+" "+cs.c.Name, w.custBy)
		im.remember(p, w.custID, &cs.c, w.name)
		return nil
	case ActionCreated:
	default:
		return nil
	}
	c := w.cust
	cb := tx.Bucket(bucketCustomers)
	cb.FillPercent = 0.9
	tx.Bucket(bucketRows).FillPercent = 0.9
	id, err := cb.NextSequence()
	if err != nil {
		return err
	}
	c.ID, c.Version, c.CreatedAt, c.CreatedBy = id, 1, im.now, im.by.MemberID
	c.CardNo = ""
	if m := cardNoRe.FindStringSubmatch(p.cardNo); m != nil && im.cardNos[p.cardNo] == 0 &&
		tx.Bucket(bucketCardNumbers).Get([]byte(p.cardNo)) == nil {
		n, _ := strconv.ParseUint(m[2], 10, 64)
		if err := keepNumber(tx, "card:"+m[1], n); err != nil {
			return err
		}
		c.CardNo = p.cardNo
	}
	if c.CardNo == "" {
		if c.CardNo, err = nextCardNo(tx, im.now); err != nil {
			return err
		}
	}
	cs := &custState{c: c, isNew: true, changed: true}
	if w.actionOnly {
		cs.keepAction = c.NextAction
	}
	b.cards[id] = cs
	b.order = append(b.order, id)
	im.created[id] = true
	w.custID = id
	b.outcome(p, data.GroupCustomer, ActionCreated, id, c.CardNo+" "+c.Name, w.custBy)
	im.remember(p, id, &cs.c, w.name)
	return nil
}

// remember makes a customer this import wrote (or matched) findable by the rows below it.
func (im *importer) remember(p *rowPlan, id uint64, c *data.Customer, name string) {
	if p.cardNo != "" {
		im.cardNos[p.cardNo] = id
	}
	if name != "" {
		im.recent[name] = id
		if !slices.Contains(im.names[name], id) {
			im.names[name] = append(im.names[name], id)
		}
	}
	if c == nil {
		return
	}
	im.cardNos[c.CardNo] = id
	for _, ct := range c.Contacts {
		for _, k := range []string{contactPhoneKey(ct.Phone), data.NormalizeEmail(ct.Email)} {
			if k != "" && !slices.Contains(im.keys[k], id) {
				im.keys[k] = append(im.keys[k], id)
			}
		}
	}
}

func (im *importer) prepareOpportunity(tx *bolt.Tx, p *rowPlan, w *rowWork) error {
	o := p.opp
	o.Milestones = slices.Clone(o.Milestones)
	oe := p.oe
	stage := oe.stage
	if stage == "" {
		stage = im.lead.Key
	}
	// A stored deal of the same number, or of the same customer and title, is a duplicate.
	var dupID uint64
	by := ""
	if w.custAction != ActionCreated {
		if oe.number != "" {
			if id := im.oppNumbers[oe.number]; id != 0 {
				dupID, by = id, "number"
			}
		} else if o.Title != "" {
			if id := im.oppTitles[oppTitleKey(w.custID, o.Title)]; id != 0 {
				dupID, by = id, "title"
			}
		}
	}
	if dupID != 0 && im.opt.OnDuplicate == data.DuplicateSkip {
		w.oppAction, w.oppID, w.oppBy = ActionSkipped, dupID, by
		return nil
	}
	if dupID != 0 && im.opt.OnDuplicate == data.DuplicateUpdate {
		var old data.Opportunity
		if err := getRecord(tx.Bucket(bucketOpps), encodeUint(dupID), &old); err != nil {
			return fmt.Errorf("deal %d: %w", dupID, err)
		}
		upd := old
		upd.Milestones = slices.Clone(old.Milestones)
		var e oppExtras
		p.quietly(func() { e = p.applyOpportunity(&upd, im.x) })
		upd.CustomerID = old.CustomerID
		fe := data.ValidateOpportunity(&upd, old.CreatedAt)
		im.s.checkMember(&fe, "owner", upd.OwnerID)
		if fe.Any() {
			p.fieldErrorProblems(fe, data.GroupOpportunity)
			return nil
		}
		w.oppAction, w.oppID, w.oppBy, w.opp = ActionUpdated, dupID, by, upd
		w.oppStage = e.stage
		if e.stage == old.Stage {
			w.oppStage = ""
		}
		if !e.won.IsZero() {
			w.opp.WonDate = e.won
		}
		return nil
	}
	def, _ := im.st.Stage(stage)
	created, given := oe.created, !oe.created.IsZero()
	if !given {
		// A deal of the past (closed or won before today) existed by then: its creation is put at the
		// earliest of its dates, so that the close date is not before it and the period reports count it
		// in its own time.
		created = im.now
		for _, d := range []time.Time{o.CloseDate, oe.won} {
			if !d.IsZero() && data.DateOf(d).Before(data.DateOf(created)) {
				created = d
			}
		}
	}
	o.Stage, o.StageSince, o.LastActivity = stage, created, created
	o.CreatedAt, o.CreatedBy, o.UpdatedAt, o.Version = created, im.by.MemberID, im.now, 1
	o.Unqualified = false
	if def.Kind == data.StageWon {
		o.WonDate = oe.won
		if o.WonDate.IsZero() {
			o.WonDate = o.CloseDate
		}
		if o.WonDate.IsZero() {
			o.WonDate = data.DateOf(im.now)
		}
	} else {
		o.WonDate = time.Time{}
	}
	if o.Title == "" {
		o.Title = firstNonEmpty(oe.number, p.name, p.cardNo)
	}
	o.CustomerID = max(w.custID, 1) // the id of a customer created with the row is not issued yet
	fe := data.ValidateOpportunity(&o, created)
	im.s.checkMember(&fe, "owner", o.OwnerID)
	if fe.Any() {
		p.fieldErrorProblems(fe, data.GroupOpportunity)
		return nil
	}
	w.oppAction, w.opp = ActionCreated, o
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func (im *importer) writeOpportunityPart(tx *bolt.Tx, b *batch, p *rowPlan, w *rowWork) error {
	label := func(o *data.Opportunity) string { return o.Number + " " + o.Title }
	switch w.oppAction {
	case ActionSkipped:
		b.outcome(p, data.GroupOpportunity, ActionSkipped, w.oppID, p.oe.number, w.oppBy)
		return nil
	case ActionUpdated:
		o := w.opp
		key := encodeUint(o.ID)
		if !im.oppCreated[o.ID] {
			if err := im.notePrev(tx, undoOpportunity, key, tx.Bucket(bucketOpps).Get(key)); err != nil {
				return err
			}
		}
		if w.oppStage != "" {
			seq, err := tx.Bucket(bucketHistory).NextSequence()
			if err != nil {
				return err
			}
			ch := data.StageChange{At: im.now, From: o.Stage, To: w.oppStage, By: im.by.MemberID}
			if err := putRecord(tx.Bucket(bucketHistory), pairKey(o.ID, seq), ch); err != nil {
				return err
			}
			if err := im.noteAfter(tx, undoHistory, pairKey(o.ID, seq), true, 0); err != nil {
				return err
			}
			o.Stage, o.StageSince = w.oppStage, im.now
			if def, _ := im.st.Stage(o.Stage); def.Kind == data.StageWon && o.WonDate.IsZero() {
				o.WonDate = data.DateOf(im.now)
			}
		}
		o.Version++
		o.UpdatedAt, o.LastActivity = im.now, im.now
		if err := putDeal(tx, &o); err != nil {
			return err
		}
		if err := im.noteAfter(tx, undoOpportunity, key, im.oppCreated[o.ID], o.Version); err != nil {
			return err
		}
		b.deals = append(b.deals, o)
		b.outcome(p, data.GroupOpportunity, ActionUpdated, o.ID, label(&o), w.oppBy)
		return nil
	case ActionCreated:
	default:
		return nil
	}
	o := w.opp
	o.CustomerID = w.custID
	bo := tx.Bucket(bucketOpps)
	bo.FillPercent = 0.9
	id, err := bo.NextSequence()
	if err != nil {
		return err
	}
	o.ID = id
	if m := oppNoRe.FindStringSubmatch(p.oe.number); m != nil && im.oppNumbers[p.oe.number] == 0 {
		n, _ := strconv.ParseUint(m[3], 10, 64)
		if err := keepNumber(tx, "opp:"+m[1]+m[2], n); err != nil {
			return err
		}
		o.Number = p.oe.number
	} else if o.Number, err = nextOpportunityNumber(tx, o.CreatedAt); err != nil {
		return err
	}
	if err := putDeal(tx, &o); err != nil {
		return err
	}
	if err := putHistory(tx, o.ID, data.StageChange{At: o.CreatedAt, To: o.Stage, By: im.by.MemberID}); err != nil {
		return err
	}
	if err := im.noteAfter(tx, undoOpportunity, encodeUint(id), true, o.Version); err != nil {
		return err
	}
	im.oppCreated[id] = true
	im.oppNumbers[o.Number] = id
	im.oppTitles[oppTitleKey(o.CustomerID, o.Title)] = id
	b.deals = append(b.deals, o)
	b.outcome(p, data.GroupOpportunity, ActionCreated, id, label(&o), "")
	return nil
}

func (im *importer) prepareFollowUp(tx *bolt.Tx, b *batch, p *rowPlan, w *rowWork) error {
	f := p.fu
	fe := data.ValidateFollowUp(&f, im.now)
	im.s.checkMember(&fe, "by", f.ByID)
	if fe.Any() {
		p.fieldErrorProblems(fe, data.GroupFollowUp)
		return nil
	}
	if w.custAction != ActionCreated && w.custID != 0 {
		existing, err := followUpsOf(tx, w.custID)
		if err != nil {
			return err
		}
		for i := range existing {
			old := &existing[i]
			if data.DayOf(old.Date) != data.DayOf(f.Date) || data.FoldChoice(old.Topic) != data.FoldChoice(f.Topic) {
				continue
			}
			switch im.opt.OnDuplicate {
			case data.DuplicateSkip:
				w.fuAction, w.fuBy, w.fu = ActionSkipped, "date", *old
				return nil
			case data.DuplicateUpdate:
				upd := *old
				p.quietly(func() { p.applyFollowUp(&upd, im.x) })
				if fe := data.ValidateFollowUp(&upd, im.now); fe.Any() {
					p.fieldErrorProblems(fe, data.GroupFollowUp)
					return nil
				}
				w.fuAction, w.fuBy, w.fu = ActionUpdated, "date", upd
				return nil
			}
		}
	}
	w.fuAction, w.fu = ActionCreated, f
	return nil
}

func (im *importer) writeFollowUpPart(tx *bolt.Tx, b *batch, p *rowPlan, w *rowWork) error {
	label := func(f *data.FollowUp) string { return data.FormatDate(f.Date) + " " + f.Topic }
	fb, ob := tx.Bucket(bucketFollowUps), tx.Bucket(bucketOpenActions)
	switch w.fuAction {
	case ActionSkipped:
		b.outcome(p, data.GroupFollowUp, ActionSkipped, w.fu.ID, label(&w.fu), w.fuBy)
		return nil
	case ActionUpdated:
		f := w.fu
		key := pairKey(f.CustomerID, f.ID)
		undoK := undoKey(im.id, undoFollowUp, key)
		created := false
		if im.touched[string(undoK)] {
			var e undoEntry
			if err := getRecord(tx.Bucket(bucketImportUndo), undoK, &e); err != nil {
				return err
			}
			created = e.Created
		} else if err := im.notePrev(tx, undoFollowUp, key, fb.Get(key)); err != nil {
			return err
		}
		if err := im.putFollowUp(tx, b, w, &f, key, created); err != nil {
			return err
		}
		b.outcome(p, data.GroupFollowUp, ActionUpdated, f.ID, label(&f), w.fuBy)
		return nil
	case ActionCreated:
	default:
		return nil
	}
	f := w.fu
	fb.FillPercent, ob.FillPercent = 0.9, 0.9
	fid, err := fb.NextSequence()
	if err != nil {
		return err
	}
	f.ID, f.CustomerID = fid, w.custID
	f.CreatedAt, f.CreatedBy = im.now, im.by.MemberID
	if err := im.putFollowUp(tx, b, w, &f, pairKey(f.CustomerID, f.ID), true); err != nil {
		return err
	}
	b.outcome(p, data.GroupFollowUp, ActionCreated, f.ID, label(&f), "")
	return nil
}

// putFollowUp writes a follow-up the import creates or changes, with what goes with it in the same
// transaction: the agenda's open action, the undo entry's checksum and the card's last follow-up.
func (im *importer) putFollowUp(tx *bolt.Tx, b *batch, w *rowWork, f *data.FollowUp, key []byte, created bool) error {
	raw, err := codec.Marshal(f)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketFollowUps).Put(key, raw); err != nil {
		return err
	}
	if err := im.syncOpenAction(tx.Bucket(bucketOpenActions), b, f); err != nil {
		return err
	}
	if err := im.noteAfter(tx, undoFollowUp, key, created, checksum(raw)); err != nil {
		return err
	}
	return im.followUpTouchesCard(tx, b, f, w)
}

// syncOpenAction keeps the agenda's index of open actions in step with a follow-up written.
func (im *importer) syncOpenAction(ob *bolt.Bucket, b *batch, f *data.FollowUp) error {
	if f.OpenAction() {
		oa := OpenAction{FollowUpID: f.ID, CustomerID: f.CustomerID, Deadline: f.Deadline, Action: f.Action}
		b.openPut = append(b.openPut, oa)
		return putRecord(ob, encodeUint(f.ID), oa)
	}
	b.openDel = append(b.openDel, f.ID)
	return ob.Delete(encodeUint(f.ID))
}

// followUpTouchesCard moves the card's first and last follow-up as LogFollowUp does, and plans the
// next one from the grade unless the row set it.
func (im *importer) followUpTouchesCard(tx *bolt.Tx, b *batch, f *data.FollowUp, w *rowWork) error {
	cs, err := im.loadCustomer(tx, b, f.CustomerID)
	if err != nil {
		return err
	}
	c := &cs.c
	changed := false
	if f.Date.After(c.LastFollowUp) {
		c.LastFollowUp = f.Date
		if !w.setNextPlan {
			plan := data.MaintenancePlanFor(c.Grade(im.st.GradeRules, im.now))
			c.NextFollowUp, c.NextAction = plan.NextDue(f.Date), plan.Action
			c.DropActivityDetails()
			cs.keepAction = ""
		}
		changed = true
	}
	if c.FirstContact.IsZero() || f.Date.Before(c.FirstContact) {
		c.FirstContact = data.DateOf(f.Date)
		changed = true
	}
	cs.changed = cs.changed || changed
	return nil
}

// flush writes every card the batch changed, once, with its list row, and notes it for undo.
func (im *importer) flush(tx *bolt.Tx, b *batch) error {
	rules := im.st.GradeRules
	for _, id := range b.order {
		cs := b.cards[id]
		if !cs.changed {
			continue
		}
		c := &cs.c
		planNext(c, rules, im.now)
		if cs.keepAction != "" {
			c.NextAction = cs.keepAction
		}
		c.Version = cs.version + 1
		if cs.isNew {
			c.Version = 1
		}
		c.UpdatedAt, c.UpdatedBy = im.now, im.by.MemberID
		row, err := im.s.writeCustomer(tx, c, cs.oldCardNo, rules, im.now)
		if err != nil {
			return err
		}
		key := encodeUint(id)
		if cs.prev != nil {
			if err := im.notePrev(tx, undoCustomer, key, cs.prev); err != nil {
				return err
			}
		}
		if err := im.noteAfter(tx, undoCustomer, key, im.created[id], c.Version); err != nil {
			return err
		}
		b.rowsForIndex = append(b.rowsForIndex, row)
	}
	return nil
}
