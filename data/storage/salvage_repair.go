package storage

import (
	"bytes"
	"fmt"
	"salesdesk/data"

	bolt "go.etcd.io/bbolt"
)

// repairSalvage makes a salvaged copy hold together where that takes no guessing: what the lost pages
// leave dangling (a list row, card number, follow-up, open action, deal, deal row or stage history
// whose card or deal was lost) is left out of the copy and counted in res.Lost, and what is derived
// from a card or a deal that survived (its list row, its card number, its open action, its deal row)
// is made again from it. The damaged file keeps everything; the copy is a new file. What would need a
// guess stays for `salesdesk check` to list: an owner or author that was lost, a deal's lost history.
func repairSalvage(out *bolt.DB, res *SalvageResult) error {
	return out.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil {
			return nil // not recognisably SalesDesk's: nothing to hold together
		}
		dropped := map[string]int{}
		// dropWhere removes the records of b that orphan tells, counted as what.
		dropWhere := func(b *bolt.Bucket, what string, orphan func(k, v []byte) bool) error {
			var keys [][]byte
			_ = b.ForEach(func(k, v []byte) error {
				if orphan(k, v) {
					keys = append(keys, bytes.Clone(k))
				}
				return nil
			})
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			dropped[what] += len(keys)
			return nil
		}
		customers := map[uint64]*data.Customer{}
		if b := tx.Bucket(bucketCustomers); b != nil {
			_ = b.ForEach(func(k, v []byte) error {
				var c data.Customer
				if codec.Unmarshal(v, &c) == nil && c.ID == decodeUint(k) {
					customers[c.ID] = &c
				}
				return nil
			})
		}
		// Rows and card numbers: each for a card that is there, and one for every card.
		if b := tx.Bucket(bucketRows); b != nil {
			if err := dropWhere(b, "list rows", func(k, v []byte) bool {
				return customers[decodeUint(k)] == nil
			}); err != nil {
				return err
			}
			for id, c := range customers {
				if b.Get(encodeUint(id)) == nil {
					if err := putRecord(b, encodeUint(id), buildRecord(c)); err != nil {
						return err
					}
				}
			}
		}
		if b := tx.Bucket(bucketCardNumbers); b != nil {
			if err := dropWhere(b, "card numbers", func(k, v []byte) bool {
				c := customers[decodeUint(v)]
				return c == nil || c.CardNo != string(k)
			}); err != nil {
				return err
			}
			for id, c := range customers {
				if b.Get([]byte(c.CardNo)) == nil {
					if err := b.Put([]byte(c.CardNo), encodeUint(id)); err != nil {
						return err
					}
				}
			}
		}
		// Follow-ups of cards that are there, and the agenda's open actions of those.
		followUps := map[uint64]*data.FollowUp{}
		if b := tx.Bucket(bucketFollowUps); b != nil {
			if err := dropWhere(b, "follow-ups", func(k, v []byte) bool {
				var f data.FollowUp
				if len(k) != 16 || customers[decodeUint(k[:8])] == nil || codec.Unmarshal(v, &f) != nil {
					return true
				}
				followUps[f.ID] = &f
				return false
			}); err != nil {
				return err
			}
		}
		if b := tx.Bucket(bucketOpenActions); b != nil {
			if err := dropWhere(b, "open actions", func(k, v []byte) bool {
				f := followUps[decodeUint(k)]
				return f == nil || !f.OpenAction()
			}); err != nil {
				return err
			}
			for id, f := range followUps {
				if f.OpenAction() && b.Get(encodeUint(id)) == nil {
					oa := OpenAction{FollowUpID: f.ID, CustomerID: f.CustomerID, Deadline: f.Deadline, Action: f.Action}
					if err := putRecord(b, encodeUint(id), oa); err != nil {
						return err
					}
				}
			}
		}
		// Deals of cards that are there, their rows and their history.
		deals := map[uint64]*data.Opportunity{}
		if b := tx.Bucket(bucketOpps); b != nil {
			if err := dropWhere(b, "deals", func(k, v []byte) bool {
				var o data.Opportunity
				if codec.Unmarshal(v, &o) != nil || customers[o.CustomerID] == nil {
					return true
				}
				deals[o.ID] = &o
				return false
			}); err != nil {
				return err
			}
		}
		if b := tx.Bucket(bucketOppRows); b != nil {
			if err := dropWhere(b, "deal rows", func(k, v []byte) bool {
				return deals[decodeUint(k)] == nil
			}); err != nil {
				return err
			}
			for id, o := range deals {
				if err := putRecord(b, encodeUint(id), dealRowOf(o)); err != nil {
					return err
				}
			}
		}
		if b := tx.Bucket(bucketHistory); b != nil {
			if err := dropWhere(b, "stage history lines", func(k, v []byte) bool {
				return len(k) != 16 || deals[decodeUint(k[:8])] == nil
			}); err != nil {
				return err
			}
		}
		for _, what := range []string{"list rows", "card numbers", "follow-ups", "open actions", "deals", "deal rows", "stage history lines"} {
			if n := dropped[what]; n > 0 {
				res.Lost = append(res.Lost, fmt.Sprintf("%d %s left out: what they belong to was on a damaged page", n, what))
			}
		}
		return nil
	})
}
