package data

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Sentinels for field messages that are not about a parser; the GUI translates each by identity.
var (
	ErrRequired         = errors.New("required")
	ErrChoiceInvalid    = errors.New("not one of the choices")
	ErrNegativeNumber   = errors.New("must not be negative")
	ErrAThresholdBelowB = errors.New("grade A's threshold must not be below grade B's")
	ErrDateInFuture     = errors.New("must not be in the future")
	ErrTooLong          = errors.New("too long")
	ErrUnknownMember    = errors.New("not a member of the team")
)

// FieldError ties a problem to the form field it belongs to, so the message shows where it is wrong.
type FieldError struct {
	Field string // e.g. "name", "contacts.1.phone"
	Err   error
}

// FieldErrors collects every problem of one form, in form order.
type FieldErrors []FieldError

// Add records a problem at a field.
func (fe *FieldErrors) Add(field string, err error) { *fe = append(*fe, FieldError{field, err}) }

// Any reports whether there is a problem.
func (fe FieldErrors) Any() bool { return len(fe) > 0 }

// For returns the first problem at a field, or nil.
func (fe FieldErrors) For(field string) error {
	for _, e := range fe {
		if e.Field == field {
			return e.Err
		}
	}
	return nil
}

func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Field + ": " + e.Err.Error()
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Is lets errors.Is(err, ErrRequired) find a sentinel inside the collection.
func (fe FieldErrors) Is(target error) bool {
	for _, e := range fe {
		if errors.Is(e.Err, target) {
			return true
		}
	}
	return false
}

// ContactField names a field of the i-th contact.
func ContactField(i int, name string) string { return "contacts." + strconv.Itoa(i) + "." + name }

const MaxText = 20_000

// ValidateCustomer checks a card before it is saved; now bounds dates that cannot lie ahead.
func ValidateCustomer(c *Customer, now time.Time) FieldErrors {
	var fe FieldErrors
	if strings.TrimSpace(c.Name) == "" {
		fe.Add("name", ErrRequired)
	} else if len([]rune(c.Name)) > 200 {
		fe.Add("name", ErrTooLong)
	}
	switch c.Kind {
	case KindCompany, KindPerson:
	default:
		fe.Add("kind", ErrChoiceInvalid)
	}
	if !ValidChoice(c.Status, Statuses) {
		fe.Add("status", ErrChoiceInvalid)
	}
	if c.GradeOverride != GradeNone && !ValidChoice(c.GradeOverride, Grades) {
		fe.Add("grade_override", ErrChoiceInvalid)
	}
	if c.Ownership != OwnershipNone && !ValidChoice(c.Ownership, Ownerships) {
		fe.Add("ownership", ErrChoiceInvalid)
	}
	if c.Source != SourceNone && !ValidChoice(c.Source, Sources) {
		fe.Add("source", ErrChoiceInvalid)
	}
	for _, a := range []struct {
		field string
		v     Amount
	}{{"budget", c.Budget}, {"annual_purchase", c.AnnualPurchase}, {"credit_limit", c.CreditLimit}, {"receivables", c.Receivables}} {
		if a.v < 0 {
			fe.Add(a.field, ErrAmountNegative)
		}
	}
	today := DateOf(now)
	if !c.FirstContact.IsZero() && DateOf(c.FirstContact).After(today) {
		fe.Add("first_contact", ErrDateInFuture)
	}
	if !c.CooperationSince.IsZero() && DateOf(c.CooperationSince).After(today) {
		fe.Add("cooperation_since", ErrDateInFuture)
	}
	for i, ct := range c.Contacts {
		if strings.TrimSpace(ct.Name) == "" {
			fe.Add(ContactField(i, "name"), ErrRequired)
		}
		if ct.Phone != "" {
			if _, err := ParsePhone(ct.Phone); err != nil {
				fe.Add(ContactField(i, "phone"), err)
			}
		}
		if ct.Email != "" {
			if _, err := ValidateEmail(ct.Email); err != nil {
				fe.Add(ContactField(i, "email"), err)
			}
		}
		if !ct.Birthday.IsZero() && DateOf(ct.Birthday).After(today) {
			fe.Add(ContactField(i, "birthday"), ErrDateInFuture)
		}
	}
	for _, f := range []struct {
		field, v string
	}{{"needs", c.Needs}, {"notes", c.Notes}, {"preferences", c.Preferences}, {"decision_process", c.DecisionProcess}} {
		if len(f.v) > MaxText {
			fe.Add(f.field, ErrTooLong)
		}
	}
	return fe
}

// ValidateFollowUp checks a follow-up before it is logged.
func ValidateFollowUp(f *FollowUp, now time.Time) FieldErrors {
	var fe FieldErrors
	if f.Date.IsZero() {
		fe.Add("date", ErrDateEmpty)
	} else if DateOf(f.Date).After(DateOf(now)) {
		fe.Add("date", ErrDateInFuture)
	}
	if !ValidChoice(f.Method, Methods) {
		fe.Add("method", ErrChoiceInvalid)
	}
	if strings.TrimSpace(f.Topic) == "" {
		fe.Add("topic", ErrRequired)
	}
	if !f.Deadline.IsZero() && !f.Date.IsZero() && DateOf(f.Deadline).Before(DateOf(f.Date)) {
		fe.Add("deadline", ErrDeadlineBeforeDate)
	}
	return fe
}

// ErrDeadlineBeforeDate refuses an action deadline before the follow-up itself.
var ErrDeadlineBeforeDate = errors.New("must not be before the follow-up's date")

func ValidChoice[T comparable](v T, choices []T) bool {
	for _, c := range choices {
		if c == v {
			return true
		}
	}
	return false
}
