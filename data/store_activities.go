package data

// ActivityDone is what the rep says on marking a planned activity done.
type ActivityDone struct {
	// Topic is the follow-up's topic; empty takes the planned action. The window gives a maintenance
	// plan's action (a key such as "plan.b") in words.
	Topic  string
	Result string
	// Next is the next activity; a zero one lets the grade's maintenance plan choose.
	Next NextPlan
}
