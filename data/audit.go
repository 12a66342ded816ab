package data

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// Change is one line of the audit trail: every write leaves one, in the same transaction, so that each
// change is traceable to who made it (seed 004).
type Change struct {
	At       time.Time `json:"at" msgpack:"t"`
	ActorID  uint64    `json:"actor_id" msgpack:"a"`
	Actor    string    `json:"actor" msgpack:"n"`
	Action   string    `json:"action" msgpack:"x"`
	Entity   string    `json:"entity" msgpack:"e"`
	EntityID uint64    `json:"entity_id" msgpack:"i"`
}

func audit(tx *bolt.Tx, at time.Time, by Actor, action, entity string, id uint64) error {
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putRecord(b, encodeUint(seq), Change{At: at, ActorID: by.MemberID, Actor: by.Name, Action: action, Entity: entity, EntityID: id})
}

// Changes returns the newest audit entries about one entity (or all when entity is empty), newest first.
func (s *Store) Changes(entity string, id uint64, limit int) ([]Change, error) {
	var out []Change
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var ch Change
			if err := codec.Unmarshal(v, &ch); err != nil {
				return err
			}
			if entity == "" || (ch.Entity == entity && ch.EntityID == id) {
				out = append(out, ch)
			}
		}
		return nil
	})
	return out, err
}
