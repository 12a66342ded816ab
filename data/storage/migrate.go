package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"salesdesk/data"

	bolt "go.etcd.io/bbolt"
)

// migrations bring a file from one schema to the next; the schema version stored in the file is the
// number of migrations applied. Add new migrations at the end and never edit a released one.
var migrations = []func(tx *bolt.Tx, s *Store) error{
	// 1: the first schema: buckets, the format marker and default settings.
	func(tx *bolt.Tx, s *Store) error {
		for _, name := range [][]byte{bucketMeta, bucketCustomers, bucketCardNumbers, bucketFollowUps,
			bucketOpenActions, bucketMembers, bucketSettings, bucketCounters, bucketAudit} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyMagic, magicValue); err != nil {
			return err
		}
		// Each step keeps what is already there, so a file whose schema number went back is not reset.
		if meta.Get(keyCreated) == nil {
			if err := meta.Put(keyCreated, []byte(s.now().UTC().Format("2006-01-02T15:04:05Z"))); err != nil {
				return err
			}
		}
		if tx.Bucket(bucketSettings).Get(keySettings) != nil {
			return nil
		}
		raw, err := json.Marshal(data.DefaultSettings())
		if err != nil {
			return err
		}
		return tx.Bucket(bucketSettings).Put(keySettings, raw)
	},
	// 2: the list rows, so that opening reads compact rows instead of whole cards.
	func(tx *bolt.Tx, s *Store) error {
		b, err := tx.CreateBucketIfNotExists(bucketRows)
		if err != nil {
			return err
		}
		b.FillPercent = 0.9 // filled in key order
		return tx.Bucket(bucketCustomers).ForEach(func(k, v []byte) error {
			var c data.Customer
			if err := codec.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("customer %d: %w", decodeUint(k), err)
			}
			return putRecord(b, k, buildRecord(&c))
		})
	},
	// 3: the pipeline: opportunities and their stage history.
	func(tx *bolt.Tx, s *Store) error {
		for _, name := range [][]byte{bucketOpps, bucketHistory} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	},
	// 4: the deals' list rows, so that opening reads compact rows instead of whole deals.
	func(tx *bolt.Tx, s *Store) error {
		if _, err := tx.CreateBucketIfNotExists(bucketOppRows); err != nil {
			return err
		}
		return tx.Bucket(bucketOpps).ForEach(func(k, v []byte) error {
			var o data.Opportunity
			if err := codec.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("deal %d: %w", decodeUint(k), err)
			}
			return putRecord(tx.Bucket(bucketOppRows), k, dealRowOf(&o))
		})
	},
	// 5: the managers' targets and the problems and measures of each period (store_metrics.go).
	func(tx *bolt.Tx, s *Store) error {
		_, err := tx.CreateBucketIfNotExists(bucketPeriodPlans)
		return err
	},
	// 6: imports: the remembered column mappings, the imports and what undoing each needs (import.go).
	func(tx *bolt.Tx, s *Store) error {
		for _, name := range [][]byte{bucketImportMappings, bucketImports, bucketImportUndo} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	},
	// 7: planned activities: a card's next follow-up may carry a time, a kind and a reminder, and so
	// may its list row (activity.go). Nothing is converted: a plan without them reads as an all-day one
	// with no reminder. The number is what makes an older binary refuse the file (ErrTooNew) instead of
	// dropping the times when it rewrites a card.
	func(tx *bolt.Tx, s *Store) error { return nil },
	// 8: each member's saved list filters and columns (savedfilter.go).
	func(tx *bolt.Tx, s *Store) error {
		_, err := tx.CreateBucketIfNotExists(bucketSavedFilters)
		return err
	},
	// 9: sign-in (auth.go): the credentials bucket; who uses a desktop comes from the session, so the
	// settings' current_user goes; every member gets a login, and the team an administrator.
	migrateSignIn,
	// 10: the lead pool: each card's moves, each member's claims and who reviewed a card (pool.go).
	func(tx *bolt.Tx, s *Store) error {
		for _, name := range [][]byte{bucketPoolHistory, bucketPoolClaims, bucketReviews} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	},
	// 11: the audit trail's hash chain and its index (audit.go). The lines written before are kept and
	// chained now, in their order: the chain proves that no line was edited, removed or reordered
	// since this migration, not before it.
	migrateAuditChain,
	// 12: a list row's search texts hold its tags last, after hayValues, where the postings of grams
	// leave them out (grams.go). Each row is made again from its card; only those that differ are
	// written.
	func(tx *bolt.Tx, s *Store) error {
		rows := tx.Bucket(bucketRows)
		return tx.Bucket(bucketCustomers).ForEach(func(k, v []byte) error {
			var c data.Customer
			if err := codec.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("customer %d: %w", decodeUint(k), err)
			}
			raw, err := codec.Marshal(buildRecord(&c))
			if err != nil || bytes.Equal(raw, rows.Get(k)) {
				return err
			}
			return rows.Put(k, raw)
		})
	},
}

// SchemaVersion is the schema this binary writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies the missing migrations in one transaction: a file is either at its old schema or at
// the new one, never between.
func (s *Store) migrate() error {
	// An up-to-date file is not written to at all: an empty commit would still change it.
	if v, err := s.Schema(); err == nil && v == len(migrations) {
		return nil
	}
	return s.update(func(tx *bolt.Tx) (func(*index), error) {
		var from uint64
		if meta := tx.Bucket(bucketMeta); meta != nil {
			from = decodeUint(meta.Get(keySchema))
		}
		if from > uint64(len(migrations)) {
			return nil, fmt.Errorf("data: %w (schema %d)", data.ErrTooNew, from)
		}
		for i := from; i < uint64(len(migrations)); i++ {
			if err := migrations[i](tx, s); err != nil {
				return nil, fmt.Errorf("data: migration %d: %w", i+1, err)
			}
		}
		if from == uint64(len(migrations)) {
			return nil, nil
		}
		return nil, tx.Bucket(bucketMeta).Put(keySchema, encodeUint(uint64(len(migrations))))
	})
}

// Schema returns the schema version stored in the file.
func (s *Store) Schema() (int, error) {
	var v uint64
	err := s.view(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			v = decodeUint(meta.Get(keySchema))
		}
		return nil
	})
	return int(v), err
}
