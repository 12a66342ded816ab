package storage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"salesdesk/data"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The crash test: a writer process is killed (SIGKILL: no deferred code, no flush) at random moments
// while it creates customers, logs follow-ups and moves deals, many times over on the same file. A
// change the writer reported as committed must be in the file afterwards, and the file must pass
// Check. `SALESDESK_KILLTEST=200 go test -run TestKillWriter -v ./data/` runs the long version;
// SALESDESK_KILLTEST_SEED repeats a run's random choices.

// killChildEnv names the file the test binary, started again as the writer, writes to.
const killChildEnv = "SALESDESK_KILLTEST_CHILD"

// killActor is the team member the writer acts as: a manager, who may move any deal on.
var killActor = data.Actor{Name: "崩溃测试"}

// TestKillWriterChild is the writer. It prints "ready" once the store is open, then one line per
// change after the store call returned: "c ID" a customer, "f CUSTOMER FOLLOWUP" a follow-up,
// "d ID VERSION STAGE" a deal as created or moved. It runs until it is killed.
func TestKillWriterChild(t *testing.T) {
	path := os.Getenv(killChildEnv)
	if path == "" {
		t.Skip("the writer of TestKillWriter")
	}
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(3)
	}
	seed, _ := strconv.ParseUint(os.Getenv(killChildEnv+"_SEED"), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 7))
	members := s.Members()
	if len(members) == 0 {
		fmt.Fprintln(os.Stderr, "no team member")
		os.Exit(3)
	}
	by := killActor
	by.MemberID = members[0].ID
	customers := rowIDs(s.Customers(data.CustomerFilter{}))
	stages := s.Settings().Stages
	next := map[string]string{}
	for i := 0; i+1 < len(stages); i++ {
		if stages[i].Kind != data.StageWon && stages[i].Kind != data.StageLost && stages[i+1].Kind != data.StageLost {
			next[stages[i].Key] = stages[i+1].Key
		}
	}
	type deal struct{ id, version uint64 }
	var open []deal
	for _, o := range s.Opportunities(data.OpportunityFilter{}) {
		if next[o.Stage] != "" {
			open = append(open, deal{o.ID, o.Version})
		}
	}
	fmt.Println("ready")
	fail := func(what string, err error) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		os.Exit(4)
	}
	for n := 0; ; n++ {
		switch op := rng.IntN(100); {
		case op < 35 || len(customers) == 0:
			c, err := s.CreateCustomer(by, company(fmt.Sprintf("崩溃测试客户%d-%d", seed, n), withContact("王五", "13900139000", "")))
			if err != nil {
				fail("create customer", err)
			}
			customers = append(customers, c.ID)
			fmt.Printf("c %d\n", c.ID)
		case op < 70:
			cid := customers[rng.IntN(len(customers))]
			f, _, err := s.LogFollowUp(by, data.FollowUp{CustomerID: cid, Date: time.Now(), ByID: by.MemberID, Method: data.MethodPhone, Topic: "回访"}, data.NextPlan{})
			if err != nil {
				fail("log follow-up", err)
			}
			fmt.Printf("f %d %d\n", cid, f.ID)
		case op < 82 || len(open) == 0:
			cid := customers[rng.IntN(len(customers))]
			o, err := s.CreateOpportunity(by, data.Opportunity{CustomerID: cid, Title: "崩溃测试商机", Amount: data.AmountFromYuan(int64(1000 + n)),
				OwnerID: by.MemberID, Scores: data.LeadScores{Budget: 12, Urgency: 10, Authority: 9}})
			if err != nil {
				fail("create deal", err)
			}
			open = append(open, deal{o.ID, o.Version})
			fmt.Printf("d %d %d %s\n", o.ID, o.Version, o.Stage)
		default:
			i := rng.IntN(len(open))
			d := open[i]
			cur, ok := s.Opportunity(d.id)
			if !ok {
				fail("read deal", fmt.Errorf("deal %d is gone", d.id))
			}
			o, err := s.MoveStage(by, data.Move{ID: d.id, Version: cur.Version, To: next[cur.Stage]})
			if err != nil {
				fail("move deal", err)
			}
			if next[o.Stage] == "" {
				open = slices.Delete(open, i, i+1)
			} else {
				open[i].version = o.Version
			}
			fmt.Printf("d %d %d %s\n", o.ID, o.Version, o.Stage)
		}
	}
}

// committed is what the writers reported, over all rounds.
type committed struct {
	customers map[uint64]bool
	followUps map[[2]uint64]bool
	deals     map[uint64]dealState
	lines     int
}

type dealState struct {
	version uint64
	stage   string
}

func (c *committed) add(line string) error {
	f := strings.Fields(line)
	num := func(i int) uint64 {
		if i >= len(f) {
			return 0
		}
		n, _ := strconv.ParseUint(f[i], 10, 64)
		return n
	}
	switch {
	case len(f) == 2 && f[0] == "c" && num(1) > 0:
		c.customers[num(1)] = true
	case len(f) == 3 && f[0] == "f" && num(2) > 0:
		c.followUps[[2]uint64{num(1), num(2)}] = true
	case len(f) == 4 && f[0] == "d" && num(2) > 0:
		if num(2) >= c.deals[num(1)].version {
			c.deals[num(1)] = dealState{num(2), f[3]}
		}
	default:
		return fmt.Errorf("unexpected line %q", line)
	}
	c.lines++
	return nil
}

// verify opens the file as the window would and checks it holds every reported change.
func (c *committed) verify(t *testing.T, path string) (verified int) {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("open after the kill: %v", err)
	}
	defer s.Close()
	if r, err := s.Check(); err != nil || !r.OK() {
		t.Fatalf("Check after the kill: %v %q", err, r.Problems)
	}
	for id := range c.customers {
		if _, err := s.Customer(id); err != nil {
			t.Errorf("customer %d was reported committed and is gone: %v", id, err)
			continue
		}
		verified++
	}
	byCustomer := map[uint64]map[uint64]bool{}
	for k := range c.followUps {
		if byCustomer[k[0]] == nil {
			fus, err := s.FollowUps(k[0])
			if err != nil {
				t.Fatal(err)
			}
			byCustomer[k[0]] = map[uint64]bool{}
			for _, f := range fus {
				byCustomer[k[0]][f.ID] = true
			}
		}
		if !byCustomer[k[0]][k[1]] {
			t.Errorf("follow-up %d of customer %d was reported committed and is gone", k[1], k[0])
			continue
		}
		verified++
	}
	for id, want := range c.deals {
		o, ok := s.Opportunity(id)
		switch {
		case !ok:
			t.Errorf("deal %d was reported committed and is gone", id)
		case o.Version < want.version || (o.Version == want.version && o.Stage != want.stage):
			// a later move may have committed unreported, never an earlier state
			t.Errorf("deal %d is at version %d %s, reported %d %s", id, o.Version, o.Stage, want.version, want.stage)
		default:
			verified++
		}
	}
	return verified
}

func TestKillWriter(t *testing.T) {
	if os.Getenv(killChildEnv) != "" {
		t.Skip("in the writer")
	}
	kills := 5
	if v := os.Getenv("SALESDESK_KILLTEST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SALESDESK_KILLTEST=%q: want a number of kills", v)
		}
		kills = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("SALESDESK_KILLTEST_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d (SALESDESK_KILLTEST_SEED repeats the run's choices; the kill moments still vary)", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	// Given a database with a team member
	path := filepath.Join(t.TempDir(), "kill.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveMember(killActor, data.Member{Name: "崩溃测试", Role: data.MemberManager, Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	c := &committed{customers: map[uint64]bool{}, followUps: map[[2]uint64]bool{}, deals: map[uint64]dealState{}}
	verified := 0
	start := time.Now()
	for round := range kills {
		// When a writer is killed at a random moment after it opened the file
		delay := time.Duration(rng.Int64N(int64(600 * time.Millisecond)))
		lines, stderr := runAndKill(t, path, rng.Uint64(), delay)
		for _, l := range lines {
			if err := c.add(l); err != nil {
				t.Fatalf("round %d: %v (stderr: %s)", round, err, stderr)
			}
		}

		// Then the file opens, passes Check and holds every change reported so far
		verified = c.verify(t, path)
		if t.Failed() {
			t.Fatalf("round %d (killed after %v, %d lines): the file lost committed writes", round, delay, len(lines))
		}
	}
	t.Logf("%d kills in %v: %d writes reported committed, %d records verified present "+
		"(%d customers, %d follow-ups, %d deals at their last reported version or later)",
		kills, time.Since(start).Round(time.Millisecond), c.lines, verified, len(c.customers), len(c.followUps), len(c.deals))
	if c.lines == 0 {
		t.Errorf("no writer reported a write before it was killed: the test tested nothing")
	}
}

// runAndKill starts the writer on path, kills it delay after it said it is ready, and returns the
// complete lines it printed (a line cut by the kill is not a report) and its stderr.
func runAndKill(t *testing.T, path string, seed uint64, delay time.Duration) (lines []string, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKillWriterChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path, killChildEnv+"_SEED="+strconv.FormatUint(seed, 10))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errBuf strings.Builder
	cmd.Stderr = &errBuf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	kill := func() { once.Do(func() { _ = cmd.Process.Kill() }) }
	r := bufio.NewReader(out)
	ready := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("read the writer's output: %v", err)
			}
			break // a partial last line was cut by the kill: not a report
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "ready" && !ready:
			ready = true
			time.AfterFunc(delay, kill)
		case ready && (strings.HasPrefix(line, "c ") || strings.HasPrefix(line, "f ") || strings.HasPrefix(line, "d ")):
			lines = append(lines, line)
		}
	}
	kill() // the writer ended on its own or its output broke: make sure it is gone
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != -1 || !ready {
		t.Fatalf("the writer was to be killed, it ended with %v (ready %v); stderr:\n%s", err, ready, errBuf.String())
	}
	return lines, errBuf.String()
}
