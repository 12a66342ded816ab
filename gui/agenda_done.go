package gui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// doneForm marks a planned activity done: its result, and optionally the next activity, saved in one
// step (data.Store.CompleteActivity).
type doneForm struct {
	act                          data.Activity
	result, nextDate, nextAction *textEntry
	next                         activityInputs
	fields                       map[string]*field
	order                        []*field
	save                         *widget.Button
	dialog                       *dialog.CustomDialog
}

// onMarkDone opens the mark-done form for an activity of the agenda.
func (s *agendaScreen) onMarkDone(act data.Activity) {
	f := &doneForm{act: act, result: newEntry(""), nextDate: newDateEntry(zeroTime), nextAction: newEntry(""),
		next: newActivityInputs(data.NextPlan{Kind: act.Kind}), fields: map[string]*field{}}
	f.nextDate.SetPlaceHolder(T("hint.next_by_plan"))
	what := widget.NewLabel(activityWhen(act) + "  " + act.Row.Name + "  ·  " + s.actionText(act.Text))
	what.Wrapping = proseWrap()
	for _, p := range []struct {
		key string
		o   fyne.CanvasObject
	}{{"result", f.result}, {"next_date", f.nextDate}, {"next_time", f.next.time}, {"next_kind", f.next.kind},
		{"next_remind", f.next.remind}, {"next_action_plan", f.nextAction}} {
		fl := newField(p.key, p.o)
		if p.key == "result" {
			fl.label.SetText(T("agenda.done_result")) // what came of it, not the confirmation of an action
		}
		f.fields[p.key] = fl
		f.order = append(f.order, fl)
	}
	f.save = widget.NewButton(T("action.save"), func() { s.saveDone(f) })
	f.save.Importance = widget.HighImportance
	cancel := widget.NewButton(T("action.cancel"), func() { f.dialog.Hide() })
	body := container.NewBorder(what, container.NewHBox(layout.NewSpacer(), cancel, f.save), nil, nil,
		container.NewVScroll(formGrid(f.order...)))
	f.dialog = dialog.NewCustomWithoutButtons(T("agenda.done_title"), body, s.u.win)
	f.dialog.Resize(fyne.NewSize(560, 460))
	f.dialog.SetOnClosed(func() {
		if s.done == f {
			s.done = nil
		}
	})
	s.done = f
	s.u.track(f.dialog)
	f.dialog.Show()
	s.u.win.Canvas().Focus(f.result)
}

// saveDone saves the form; a refusal keeps it open with what was typed, the problem at its field.
func (s *agendaScreen) saveDone(f *doneForm) {
	var fe data.FieldErrors
	var next data.NextPlan
	var err error
	if next.Date, err = parseOptionalDate(f.nextDate.Text); err != nil {
		fe.Add("next_date", err)
	}
	next.Action = strings.TrimSpace(f.nextAction.Text)
	f.next.read(&next, &fe)
	if strings.TrimSpace(f.result.Text) == "" {
		fe.Add("result", data.ErrRequired)
	}
	if fe.Any() {
		s.showDoneProblems(f, fe)
		return
	}
	done, act, st := data.ActivityDone{Topic: s.actionText(f.act.Text), Result: f.result.Text, Next: next}, f.act, s.u.store
	s.u.write(f.save, func() error {
		_, _, err := st.CompleteActivity(act, done)
		return err
	}, func(err error) {
		var fe data.FieldErrors
		switch {
		case errors.As(err, &fe):
			s.showDoneProblems(f, fe)
		case errors.Is(err, data.ErrPlanChanged):
			f.dialog.Hide()
			s.u.showError(s.u.win, err)
			s.u.refreshAll()
		case err != nil:
			s.u.showError(s.u.win, err)
		default:
			s.showDoneProblems(f, nil)
			f.dialog.Hide()
			s.u.refreshAll()
		}
	})
}

func (s *agendaScreen) showDoneProblems(f *doneForm, fe data.FieldErrors) {
	for _, fl := range f.order {
		fl.setError(fe.For(fl.key))
	}
}
