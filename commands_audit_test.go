package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// auditDB is a file with a manager and a rep whose card the rep edited once.
func auditDB(t *testing.T) (path string, cardID uint64) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "a.db")
	s, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	boss, err := s.SessionAs(0).SaveMember(data.Member{Name: "王经理", Login: "wang", Role: data.MemberAdmin, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.SessionAs(boss.ID).SaveMember(data.Member{Name: "李销售", Login: "li", Role: data.MemberRep, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []uint64{boss.ID, rep.ID} { // TestMain's SALESDESK_PASSWORD signs them in
		if err := s.SessionAs(id).ChangePassword("", storage.DemoPassword); err != nil {
			t.Fatal(err)
		}
	}
	me := s.SessionAs(rep.ID)
	c, err := me.CreateCustomer(data.Customer{Kind: data.KindCompany, Name: "星河贸易", Status: data.StatusProspect, OwnerID: rep.ID})
	if err != nil {
		t.Fatal(err)
	}
	c.Name = "星河贸易有限公司"
	if _, err := me.UpdateCustomer(c); err != nil {
		t.Fatal(err)
	}
	return path, c.ID
}

func TestAuditCommand(t *testing.T) {
	path, id := auditDB(t)
	code, out, errOut := runCmd("audit", "--db", path, "--user", "wang", "--customer", "1", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var lines []map[string]any
	if err := json.Unmarshal([]byte(out), &lines); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(lines) != 2 || lines[0]["action"] != "update" || lines[0]["member"] != "李销售" || lines[0]["customer_id"] != float64(id) {
		t.Fatalf("lines = %v, want the rep's update then create", lines)
	}
	if !strings.Contains(out, `"field": "name"`) || !strings.Contains(out, `"old": "星河贸易"`) || !strings.Contains(out, `"new": "星河贸易有限公司"`) {
		t.Errorf("the update's name change is missing:\n%s", out)
	}

	// A rep reads its own card's history, not the whole trail.
	if code, out, _ := runCmd("audit", "--db", path, "--user", "li", "--customer", "1", "--format", "csv"); code != 0 ||
		!strings.Contains(out, "name,星河贸易,星河贸易有限公司") {
		t.Errorf("the rep's card history: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCmd("audit", "--db", path, "--user", "li"); code == 0 || !strings.Contains(errOut, "manager") {
		t.Errorf("the rep's whole trail: exit %d, %q; want a refusal naming the manager", code, errOut)
	}
	if code, _, _ := runCmd("audit", "--db", path, "--since", "yesterday-ish"); code != 2 {
		t.Errorf("a bad --since: exit %d, want 2", code)
	}
}
