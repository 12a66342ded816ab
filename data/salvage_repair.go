package data

import (
	"bytes"
	"fmt"

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
		drop := func(b *bolt.Bucket, keys [][]byte, what string) error {
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			dropped[what] += len(keys)
			return nil
		}
		customers := map[uint64]*Customer{}
		if b := tx.Bucket(bucketCustomers); b != nil {
			_ = b.ForEach(func(k, v []byte) error {
				var c Customer
				if codec.Unmarshal(v, &c) == nil && c.ID == decodeUint(k) {
					customers[c.ID] = &c
				}
				return nil
			})
		}
		// Rows and card numbers: each for a card that is there, and one for every card.
		if b := tx.Bucket(bucketRows); b != nil {
			var orphans [][]byte
			_ = b.ForEach(func(k, _ []byte) error {
				if customers[decodeUint(k)] == nil {
					orphans = append(orphans, bytes.Clone(k))
				}
				return nil
			})
			if err := drop(b, orphans, "list rows"); err != nil {
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
			var orphans [][]byte
			_ = b.ForEach(func(k, v []byte) error {
				if c := customers[decodeUint(v)]; c == nil || c.CardNo != string(k) {
					orphans = append(orphans, bytes.Clone(k))
				}
				return nil
			})
			if err := drop(b, orphans, "card numbers"); err != nil {
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
		followUps := map[uint64]*FollowUp{}
		if b := tx.Bucket(bucketFollowUps); b != nil {
			var orphans [][]byte
			_ = b.ForEach(func(k, v []byte) error {
				var f FollowUp
				if len(k) != 16 || customers[decodeUint(k[:8])] == nil || codec.Unmarshal(v, &f) != nil {
					orphans = append(orphans, bytes.Clone(k))
					return nil
				}
				followUps[f.ID] = &f
				return nil
			})
			if err := drop(b, orphans, "follow-ups"); err != nil {
				return err
			}
		}
		if b := tx.Bucket(bucketOpenActions); b != nil {
			var orphans [][]byte
			_ = b.ForEach(func(k, _ []byte) error {
				if f := followUps[decodeUint(k)]; f == nil || !f.OpenAction() {
					orphans = append(orphans, bytes.Clone(k))
				}
				return nil
			})
			if err := drop(b, orphans, "open actions"); err != nil {
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
		deals := map[uint64]*Opportunity{}
		if b := tx.Bucket(bucketOpps); b != nil {
			var orphans [][]byte
			_ = b.ForEach(func(k, v []byte) error {
				var o Opportunity
				if codec.Unmarshal(v, &o) != nil || customers[o.CustomerID] == nil {
					orphans = append(orphans, bytes.Clone(k))
					return nil
				}
				deals[o.ID] = &o
				return nil
			})
			if err := drop(b, orphans, "deals"); err != nil {
				return err
			}
		}
		if b := tx.Bucket(bucketOppRows); b != nil {
			var orphans [][]byte
			_ = b.ForEach(func(k, _ []byte) error {
				if deals[decodeUint(k)] == nil {
					orphans = append(orphans, bytes.Clone(k))
				}
				return nil
			})
			if err := drop(b, orphans, "deal rows"); err != nil {
				return err
			}
			for id, o := range deals {
				if err := putRecord(b, encodeUint(id), dealRowOf(o)); err != nil {
					return err
				}
			}
		}
		if b := tx.Bucket(bucketHistory); b != nil {
			var orphans [][]byte
			_ = b.ForEach(func(k, _ []byte) error {
				if len(k) != 16 || deals[decodeUint(k[:8])] == nil {
					orphans = append(orphans, bytes.Clone(k))
				}
				return nil
			})
			if err := drop(b, orphans, "stage history lines"); err != nil {
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
