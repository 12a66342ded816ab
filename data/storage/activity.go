package storage

import (
	"salesdesk/data"
)

// rowActivity packs a row's plan details into four bytes (CustomerRow is kept lean, see index.go).
type rowActivity struct {
	time   data.TimeOfDay
	kind   uint8 // index in activityKindsAll
	remind uint8 // index in Reminders
}

var activityKindsAll = append([]data.ActivityKind{""}, data.ActivityKinds...)

func packActivity(t data.TimeOfDay, k data.ActivityKind, r data.Reminder) rowActivity {
	return rowActivity{time: t, kind: enumIndex(activityKindsAll, k), remind: enumIndex(data.Reminders, r)}
}

// NextTime, NextKind and NextRemind are the card's planned next follow-up's details.
func (r *indexRow) NextTime() data.TimeOfDay    { return r.next.time }
func (r *indexRow) NextKind() data.ActivityKind { return activityKindsAll[r.next.kind] }
func (r *indexRow) NextRemind() data.Reminder   { return data.Reminders[r.next.remind] }

// activityOf is a row's planned activity; the caller checks the row has one.
func activityOf(r *indexRow) data.Activity {
	return data.Activity{Row: r.public(), Day: r.NextFollowUp.Time(), Time: r.NextTime(), Kind: r.NextKind(),
		Remind: r.NextRemind(), Text: r.NextAction}
}
