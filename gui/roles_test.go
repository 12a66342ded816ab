package gui

import (
	"testing"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// newTestUIAs builds the window for member on st, a file with several members: the window's session
// acts as that member (SessionAs), the way it will after sign-in.
func newTestUIAs(t *testing.T, st *storage.Store, member data.Member) *ui {
	t.Helper()
	u := newTestUI(t, "zh")
	_ = u.file.Close()
	// The test window's own file is swapped for st, whose members are the team under test.
	sess := st.SessionAs(member.ID)
	u.file, u.store, u.local, u.now = st, sess, sess, st.Now
	u.customers.reload()
	u.pipeline.reload()
	return u
}

// A rep's list and board hold its own cards and deals, not another rep's, and not the pool's.
func TestRepListAndBoardShowOnlyOwnCards(t *testing.T) {
	u0 := newTestUI(t, "zh")
	st := u0.file
	var reps []data.Member
	for _, n := range []string{"李娜", "张伟"} {
		m, err := st.SaveMember(data.System, data.Member{Name: n, Role: data.MemberRep, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, m)
	}
	mine, theirs := reps[0], reps[1]
	for _, c := range []struct {
		name  string
		owner uint64
	}{{"北京科技有限公司", mine.ID}, {"上海贸易有限公司", theirs.ID}, {"广州公海有限公司", 0}} {
		cust, err := st.CreateCustomer(data.System, data.Customer{Kind: data.KindCompany, Name: c.name, Status: data.StatusProspect, OwnerID: c.owner})
		if err != nil {
			t.Fatal(err)
		}
		if c.owner == 0 {
			continue
		}
		if _, err := st.CreateOpportunity(data.System, data.Opportunity{CustomerID: cust.ID, Title: c.name + "项目", OwnerID: c.owner,
			Amount: data.AmountFromYuan(100_000), CloseDate: fixedNow.AddDate(0, 1, 0),
			Scores: data.LeadScores{Budget: 12, Urgency: 9, Authority: 8}}); err != nil {
			t.Fatal(err)
		}
	}

	u := newTestUIAs(t, st, mine)
	if got := u.customers.shown(); len(got) != 1 || got[0].Name != "北京科技有限公司" {
		t.Fatalf("the rep's list = %v, want only its own card", names(got))
	}
	lead := u.pipeline.column("lead")
	if len(lead.deals) != 1 || lead.deals[0].OwnerID != mine.ID {
		t.Fatalf("the rep's board holds %d deals in the lead column", len(lead.deals))
	}
	// The other rep's card is not_yours when opened by id, and the window words it by its code.
	_, err := u.store.Customer(u0.file.Customers(data.CustomerFilter{OwnerID: theirs.ID})[0].ID)
	if data.ErrorCode(err) != data.CodeNotYours || errorText(err) != T("roles.err.not_yours") {
		t.Fatalf("another rep's card: %v → %q", err, errorText(err))
	}
	// A refusal says who may do it.
	_, err = u.local.ExportJSON(nil, data.JSONExportOptions{})
	if got, want := errorText(err), Tf("roles.err.forbidden", T("roles.who.manager"), T("roles.perm.export")); got != want {
		t.Fatalf("refused export says %q, want %q", got, want)
	}
}

func names(rows []*data.CustomerRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return out
}
