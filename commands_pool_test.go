package main

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// poolDB is a file with a manager, two reps, two pool cards and one card of rep 张三.
func poolDB(t *testing.T) (path string, pool []uint64, owned uint64) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "pool.db")
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []uint64
	for _, m := range []data.Member{{Name: "经理", Login: "boss", Role: data.MemberManager, Active: true},
		{Name: "张三", Login: "zhang", Role: data.MemberRep, Active: true}, {Name: "李四", Login: "li", Role: data.MemberRep, Active: true}} {
		saved, err := s.SaveMember(data.System, m)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SessionAs(saved.ID).ChangePassword("", "pool-password"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, saved.ID)
	}
	t.Setenv(passwordEnv, "pool-password")
	for i, n := range []string{"公海甲", "公海乙", "张三的"} {
		c := data.Customer{Kind: data.KindCompany, Name: n, Status: data.StatusProspect}
		if i == 2 {
			c.OwnerID = ids[1]
		}
		saved, err := s.CreateCustomer(data.System, c)
		if err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			pool = append(pool, saved.ID)
		} else {
			owned = saved.ID
		}
	}
	return path, pool, owned
}

func TestPoolCommands(t *testing.T) {
	path, pool, owned := poolDB(t)
	id := func(v uint64) string { return strconv.FormatUint(v, 10) }
	code, out, errOut := runCmd("pool", "list", "--db", path, "--user", "zhang", "--format", "json")
	if code != 0 {
		t.Fatalf("pool list: %d %s", code, errOut)
	}
	var page struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal([]byte(out), &page); err != nil || page.Total != 2 {
		t.Fatalf("pool list json: %v total %d\n%s", err, page.Total, out)
	}
	if code, out, errOut = runCmd("pool", "claim", id(pool[0]), "--db", path, "--user", "zhang"); code != 0 || !strings.Contains(out, "张三") {
		t.Fatalf("claim: %d %q %q", code, out, errOut)
	}
	if code, _, errOut = runCmd("pool", "claim", id(pool[0]), "--db", path, "--user", "li"); code == 0 || !strings.Contains(errOut, "no longer in the pool") {
		t.Fatalf("second claim: %d %q", code, errOut)
	}
	if code, _, _ = runCmd("pool", "release", id(owned), "--db", path, "--user", "zhang"); code != exitBadUsage {
		t.Fatalf("release without a reason exits %d, want %d", code, exitBadUsage)
	}
	if code, _, errOut = runCmd("pool", "release", id(owned), "--reason", "无需求", "--db", path, "--user", "zhang"); code != 0 {
		t.Fatalf("release: %d %q", code, errOut)
	}
	if code, _, errOut = runCmd("pool", "assign", id(pool[1]), "--to", "li", "--db", path, "--user", "zhang"); code == 0 || !strings.Contains(errOut, "manager") {
		t.Fatalf("rep assigns: %d %q", code, errOut)
	}
	if code, _, errOut = runCmd("pool", "assign", id(pool[1]), "--to", "li", "--db", path, "--user", "boss"); code != 0 {
		t.Fatalf("manager assigns: %d %q", code, errOut)
	}
	code, out, _ = runCmd("pool", "history", id(owned), "--db", path, "--user", "boss")
	if code != 0 || !strings.Contains(out, "release") || !strings.Contains(out, "无需求") {
		t.Fatalf("history: %d %q", code, out)
	}

	// Handover: a preview without --yes writes nothing; with --yes the cards move.
	code, out, errOut = runCmd("handover", "--from", "zhang", "--to", "li", "--db", path, "--user", "boss")
	if code != 0 || !strings.Contains(out, "would move 1 customers") {
		t.Fatalf("handover preview: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCmd("handover", "--from", "zhang", "--pool", "--yes", "--db", path, "--user", "boss")
	if code != 0 || !strings.Contains(out, "moved 1 customers") {
		t.Fatalf("handover: %d %q %q", code, out, errOut)
	}
	if code, _, errOut = runCmd("handover", "--from", "li", "--to", "zhang", "--db", path, "--user", "zhang"); code == 0 {
		t.Fatalf("a rep's handover preview succeeded: %q", errOut)
	}
	if code, out, _ = runCmd("pool", "sweep", "--db", path, "--user", "boss"); code != 0 || !strings.Contains(out, "0 cards") {
		t.Fatalf("sweep: %d %q", code, out)
	}
}
