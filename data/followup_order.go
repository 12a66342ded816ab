package data

import "sort"

// SortNewestFirst orders a timeline, newest first; same-day entries by the order they were logged.
func SortNewestFirst(fs []FollowUp) {
	sort.SliceStable(fs, func(i, j int) bool {
		if !fs[i].Date.Equal(fs[j].Date) {
			return fs[i].Date.After(fs[j].Date)
		}
		return fs[i].ID > fs[j].ID
	})
}
