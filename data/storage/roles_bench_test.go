package storage

import (
	"salesdesk/data"
	"testing"
)

// Search per keystroke through a Session (the window's path), on the 100k demo: for a manager, who
// sees every card, and for a rep who owns 5,000 of them (the demo's cards moved to a new rep), whose
// list is filtered by owner in the same scan. Target: ≤16 ms each (one frame).
func BenchmarkSearchKeystrokeManager100k(b *testing.B) {
	s := openBench(b, bench100k(b), true)
	var mgr data.Member
	for _, m := range s.Members() {
		if m.Role == data.MemberManager {
			mgr = m
			break
		}
	}
	benchSessionSearch(b, s.SessionAs(mgr.ID))
}

func BenchmarkSearchKeystrokeRep5kOf100k(b *testing.B) {
	s := openBench(b, copyDB(b, bench100k(b)), false)
	rep, err := s.SaveMember(data.System, data.Member{Name: "基准销售", Role: data.MemberRep, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	rows := s.Customers(data.CustomerFilter{Sort: data.SortName})
	ids := make([]uint64, 0, 5000)
	for i := 0; i < len(rows) && len(ids) < 5000; i += len(rows) / 5000 {
		ids = append(ids, rows[i].ID)
	}
	if _, err := s.BulkSetOwner(data.System, ids, rep.ID); err != nil {
		b.Fatal(err)
	}
	sess := s.SessionAs(rep.ID)
	if p, _ := sess.Customers(data.CustomerFilter{}); p.Total != 5000 {
		b.Fatalf("the rep owns %d cards, want 5000", p.Total)
	}
	benchSessionSearch(b, sess)
}

func benchSessionSearch(b *testing.B, sess *Session) {
	sess.Customers(data.CustomerFilter{Sort: data.SortName, Limit: 1})
	for _, query := range keystrokeQueries {
		b.Run(query, func(b *testing.B) {
			var n int
			timed(b, func(int) {
				// Each keystroke is a new filter: the session's list cache must not answer it.
				dropListCache(sess)
				p, _ := sess.Customers(data.CustomerFilter{Search: query, Sort: data.SortName})
				n = p.Total
			})
			b.ReportMetric(float64(n), "rows")
		})
	}
}

// dropListCache forgets the session's last lists, as a new filter would.
func dropListCache(sess *Session) {
	sess.cacheMu.Lock()
	sess.cache = listCache{}
	sess.cacheMu.Unlock()
}
