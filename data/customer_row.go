package data

// CustomerRow is one card as the list, search, the agenda, the pool and the review show it: a plain
// value with nothing shared with the store's index, so that it can travel in a reply of office mode
// (issue 12) as it is. The store keeps a leaner form of it in memory (indexRow).
type CustomerRow struct {
	ID, OwnerID        uint64
	CardNo, Name       string
	SortName           string // the name's pinyin, so Chinese names sort as Chinese users expect
	Kind               CustomerKind
	Status             Status
	Source             Source
	Industry, Category string
	NextAction         string
	Tags               []string
	LastFollowUp       Day
	NextFollowUp       Day
	// NextTime, NextKind and NextRemind are the planned next follow-up's details.
	NextTime     TimeOfDay
	NextKind     ActivityKind
	NextRemind   Reminder
	LastReviewed Day
	FirstContact Day
	Completeness int8
	Archived     bool
	Overridden   bool
	Grade        Grade // in force: the override, else the suggestion
	Suggested    Grade
}
