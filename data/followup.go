package data

import "time"

// Method is how a follow-up was made (template 3 of seed 000).
type Method string

const (
	MethodPhone   Method = "phone"
	MethodVisit   Method = "visit"
	MethodEmail   Method = "email"
	MethodWeChat  Method = "wechat"
	MethodMeeting Method = "meeting"
	MethodOther   Method = "other"
)

// Methods lists the choices in display order.
var Methods = []Method{MethodPhone, MethodVisit, MethodEmail, MethodWeChat, MethodMeeting, MethodOther}

// FollowUp is one contact with a customer (回访记录).
type FollowUp struct {
	ID         uint64    `json:"id" msgpack:"id"`
	CustomerID uint64    `json:"customer_id" msgpack:"ci"`
	Date       time.Time `json:"date" msgpack:"d"`
	Method     Method    `json:"method" msgpack:"m"`
	ByID       uint64    `json:"by_id" msgpack:"by"`
	Contact    string    `json:"contact" msgpack:"cn"`
	Topic      string    `json:"topic" msgpack:"t"`
	Feedback   string    `json:"feedback" msgpack:"f"`
	Action     string    `json:"action" msgpack:"a"`
	Deadline   time.Time `json:"deadline" msgpack:"dl"`
	Result     string    `json:"result" msgpack:"r"`
	// Proactive marks a push the team started (a marketing call, a mailing) rather than a reply; only
	// those count against the contact caps of seed 000.
	Proactive bool      `json:"proactive" msgpack:"p"`
	CreatedAt time.Time `json:"created_at" msgpack:"ct"`
	CreatedBy uint64    `json:"created_by" msgpack:"cb"`
}

// NextPlan is the next follow-up the rep sets when logging one. A zero plan lets the grade's
// maintenance plan choose.
type NextPlan struct {
	Date   time.Time
	Action string
	// Time, Kind and Remind make the plan a timed activity with a reminder (activity.go); a plan
	// without a time is all day.
	Time   TimeOfDay
	Kind   ActivityKind
	Remind Reminder
}

// OpenAction reports whether the follow-up's action still waits for its result by a deadline.
func (f *FollowUp) OpenAction() bool {
	return !f.Deadline.IsZero() && f.Result == ""
}
