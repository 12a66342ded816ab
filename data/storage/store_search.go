package storage

import (
	"fmt"
	"salesdesk/data"
)

// SearchHits tells, for each of the given cards, which field the query matched: the first term the
// name does not hold decides. The search itself only keeps a bitset of matching cards, so that a
// keystroke over a large file allocates nothing per card; the list asks this for the few rows it
// shows, at the cost of reading their stored rows once.
func (s *Store) SearchHits(ids []uint64, query string) (map[uint64]data.SearchHit, error) {
	terms := searchTerms(query)
	out := make(map[uint64]data.SearchHit, len(ids))
	if len(terms) == 0 {
		return out, nil
	}
	err := s.eachRowRecord(ids, func(id uint64, rec *rowRecord) { out[id] = hitOf(rec, terms) })
	if err != nil {
		return nil, fmt.Errorf("data: search hits: %w", err)
	}
	return out, nil
}
