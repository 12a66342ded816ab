package office

import (
	"errors"
	"math"
	"sort"
	"time"

	"salesdesk/data"
	"salesdesk/data/office/officepb"
)

// The generated conversions (wire_gen.go) lean on these: a nil slice or map stays nil, a nil pointer
// stays nil, and a time crosses as Unix nanoseconds.

func mapSlice[A, B any](in []A, f func(A) B) []B {
	if in == nil {
		return nil
	}
	out := make([]B, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func mapMap[K1 comparable, V1 any, K2 comparable, V2 any](in map[K1]V1, fk func(K1) K2, fv func(V1) V2) map[K2]V2 {
	if in == nil {
		return nil
	}
	out := make(map[K2]V2, len(in))
	for k, v := range in {
		out[fk(k)] = fv(v)
	}
	return out
}

func optToPB[T, M any](v *T, f func(T) *M) *M {
	if v == nil {
		return nil
	}
	return f(*v)
}

func optFromPB[M, T any](p *M, f func(*M) T) *T {
	if p == nil {
		return nil
	}
	v := f(p)
	return &v
}

type scalar interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// optConv is an optional number in another type of the same kind: data.Amount and int64.
func optConv[P, T scalar](v *T) *P {
	if v == nil {
		return nil
	}
	p := P(*v)
	return &p
}

// The nanoseconds of an int64 reach from 1678 to 2262; a time outside (a mistyped year) saturates
// rather than wrapping round to another date.
var (
	minWireTime = time.Unix(0, math.MinInt64+1)
	maxWireTime = time.Unix(0, math.MaxInt64)
)

// timeToPB is t in Unix nanoseconds, 0 for the zero time (which "not set" means throughout the data).
func timeToPB(t time.Time) int64 {
	switch {
	case t.IsZero():
		return 0
	case t.Before(minWireTime):
		return math.MinInt64 + 1
	case t.After(maxWireTime):
		return math.MaxInt64
	}
	if n := t.UnixNano(); n != 0 {
		return n
	}
	return 1 // the epoch itself would read as "not set"
}

// timeFromPB is the desktop's local time of n: the data layer reads days in local time.
func timeFromPB(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// remoteError is an error of a call as the host reported it: its stable code and text, and the
// sentinels and typed errors it wraps, so that errors.Is, errors.As and data.ErrorCode read it on the
// desktop as they read the error beside the file.
type remoteError struct {
	code, msg string
	wrapped   []error
}

func (e *remoteError) Error() string   { return e.msg }
func (e *remoteError) Code() string    { return e.code }
func (e *remoteError) Unwrap() []error { return e.wrapped }

// errToPB describes err for the wire. Only the data layer's own errors are named; any other text is
// sent as it is, under the internal code.
func errToPB(err error) *officepb.WireError {
	if err == nil {
		return nil
	}
	w := &officepb.WireError{Code: data.ErrorCode(err), Message: err.Error()}
	for _, name := range sentinelNames {
		if errors.Is(err, sentinels[name]) {
			w.Sentinels = append(w.Sentinels, name)
		}
	}
	var fe data.FieldErrors
	if errors.As(err, &fe) {
		w.FieldErrors = mapSlice(fe, fieldErrorToPB)
	}
	var r *data.Refusal
	if errors.As(err, &r) {
		w.Refusal = refusalToPB(*r)
	}
	var le *data.LimitError
	if errors.As(err, &le) {
		w.LimitError = limitErrorToPB(*le)
	}
	var uc *data.UndoConflictError
	if errors.As(err, &uc) {
		w.UndoConflictError = undoConflictErrorToPB(*uc)
	}
	var sd *data.SlowDown
	if errors.As(err, &sd) {
		w.SlowDown = slowDownToPB(*sd)
	}
	return w
}

// errFromPB is the desktop's error for w; an unknown sentinel name (a newer host) is left out, and
// the code still says what happened.
func errFromPB(w *officepb.WireError) error {
	if w == nil {
		return nil
	}
	e := &remoteError{code: w.GetCode(), msg: w.GetMessage()}
	if e.code == "" {
		e.code = data.CodeInternal
	}
	for _, name := range w.GetSentinels() {
		if s, ok := sentinels[name]; ok {
			e.wrapped = append(e.wrapped, s)
		}
	}
	if len(w.GetFieldErrors()) > 0 {
		e.wrapped = append(e.wrapped, data.FieldErrors(mapSlice(w.GetFieldErrors(), fieldErrorFromPB)))
	}
	if w.GetRefusal() != nil {
		r := refusalFromPB(w.GetRefusal())
		e.wrapped = append(e.wrapped, &r)
	}
	if w.GetLimitError() != nil {
		le := limitErrorFromPB(w.GetLimitError())
		e.wrapped = append(e.wrapped, &le)
	}
	if w.GetUndoConflictError() != nil {
		uc := undoConflictErrorFromPB(w.GetUndoConflictError())
		e.wrapped = append(e.wrapped, &uc)
	}
	if w.GetSlowDown() != nil {
		sd := slowDownFromPB(w.GetSlowDown())
		e.wrapped = append(e.wrapped, &sd)
	}
	return e
}

// sentinelNames are the sentinels' names in a fixed order, so that a reply lists them alike each time.
var sentinelNames = func() []string {
	out := make([]string, 0, len(sentinels))
	for name := range sentinels {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}()
