package data

import (
	"fmt"
	"time"
)

// ActivityDone is what the rep says on marking a planned activity done.
type ActivityDone struct {
	// Topic is the follow-up's topic; empty takes the planned action. The window gives a maintenance
	// plan's action (a key such as "plan.b") in words.
	Topic  string
	Result string
	// Next is the next activity; a zero one lets the grade's maintenance plan choose.
	Next NextPlan
}

// ErrPlanChanged refuses to mark an activity done when the card's plan moved since it was shown.
var ErrPlanChanged = fmt.Errorf("the planned follow-up was changed meanwhile: %w", ErrConflict)

// WeekOf is the Monday that starts t's week.
func WeekOf(t time.Time) time.Time {
	d := DateOf(t)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}
