package data

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SearchHits tells, for each of the given cards, which field the query matched: the first term the
// name does not hold decides. The search itself only keeps a bitset of matching cards, so that a
// keystroke over a large file allocates nothing per card; the list asks this for the few rows it
// shows, at the cost of reading their stored rows once.
func (s *Store) SearchHits(ids []uint64, query string) (map[uint64]SearchHit, error) {
	terms := searchTerms(query)
	out := make(map[uint64]SearchHit, len(ids))
	if len(terms) == 0 {
		return out, nil
	}
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRows)
		for _, id := range ids {
			var rec rowRecord
			if err := getRecord(b, encodeUint(id), &rec); err != nil {
				return fmt.Errorf("customer %d: %w", id, err)
			}
			out[id] = hitOf(&rec, terms)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data: search hits: %w", err)
	}
	return out, nil
}
