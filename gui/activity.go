package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// activityInputs are the time, kind and reminder of a planned follow-up, as the follow-up form and
// the mark-done form ask for them.
type activityInputs struct {
	time   *textEntry
	kind   *enumSelect[data.ActivityKind]
	remind *escSelect
}

func newActivityInputs(p data.NextPlan) activityInputs {
	in := activityInputs{
		time: newParsedEntry(p.Time.String(), "hint.time_of_day", func(s string) error { _, err := data.ParseTimeOfDay(s); return err }),
		kind: newEnumSelect("activity", data.ActivityKinds, true, p.Kind),
	}
	opts := make([]string, len(data.Reminders))
	for i, r := range data.Reminders {
		opts[i] = reminderLabel(r)
	}
	in.remind = newDialogSelect(opts, nil)
	in.remind.SetSelected(reminderLabel(p.Remind))
	return in
}

// read puts what was typed into next; a time that cannot be read is a problem at its field.
func (in activityInputs) read(next *data.NextPlan, fe *data.FieldErrors) {
	t, err := data.ParseTimeOfDay(in.time.Text)
	if err != nil {
		fe.Add("next_time", err)
	}
	next.Time, next.Kind = t, in.kind.value()
	if i := in.remind.SelectedIndex(); i >= 0 && i < len(data.Reminders) {
		next.Remind = data.Reminders[i]
	}
}

func reminderLabel(r data.Reminder) string {
	if r == data.RemindNone {
		return T("remind.none")
	}
	return T("remind." + string(r))
}

// activityWhen is an activity's time and kind as a list shows them: "14:30 拜访", "全天 电话".
func activityWhen(a data.Activity) string {
	when := a.Time.String()
	if a.Time.IsZero() {
		when = T("activity.all_day")
	}
	if a.Kind != "" {
		when += " " + enumLabel("activity", a.Kind)
	}
	return when
}

// hoverLine is a list row that cuts its text with an ellipsis and hands the whole of it to show
// while the pointer is over it, and may carry a button at its end.
type hoverLine struct {
	widget.BaseWidget
	label  *widget.Label
	button *widget.Button
	show   func(string) // shows the whole text on hover, "" on leaving
}

func newHoverLine(show func(string), button *widget.Button) *hoverLine {
	l := &hoverLine{label: widget.NewLabel(""), button: button, show: show}
	l.label.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

func (l *hoverLine) CreateRenderer() fyne.WidgetRenderer {
	var end fyne.CanvasObject
	if l.button != nil {
		end = l.button
	}
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, end, l.label))
}

func (l *hoverLine) MouseIn(*desktop.MouseEvent) {
	if l.show != nil {
		l.show(l.label.Text)
	}
}

func (l *hoverLine) MouseMoved(*desktop.MouseEvent) {}

func (l *hoverLine) MouseOut() {
	if l.show != nil {
		l.show("")
	}
}

// minHeightLayout gives its content the height of a number of list rows at least.
type minHeightLayout struct {
	rows int
	item float32
}

func (l *minHeightLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objects {
		min = min.Max(o.MinSize())
	}
	return fyne.NewSize(min.Width, max(min.Height, float32(l.rows)*(l.item+theme.SeparatorThicknessSize())))
}

func (l *minHeightLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}
