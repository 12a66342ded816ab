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

// SearchTexts calls fn with every card's search texts as the postings index them (lower-cased text,
// ASCII keys, fields ended by NUL): the records data/perf gives other engines to compare with.
func (s *Store) SearchTexts(fn func(id uint64, text, keys string)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for id := range s.idx.grams.where {
		if text, keys, ok := s.idx.grams.texts(uint64(id)); ok {
			fn(uint64(id), string(text), string(keys))
		}
	}
}
