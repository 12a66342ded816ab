package gui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// weekView shows a rep's planned activities of one week, Monday to Sunday, a column a day, each
// day's timed ones first in time order, then the all-day ones. A tap opens the customer's card.
type weekView struct {
	u *ui
	// gen counts the reloads, whose reads run off the UI thread: an older reply is dropped.
	gen     int
	owner   func() uint64
	hint    func(string)
	content fyne.CanvasObject

	monday           time.Time
	title            *widget.Label
	prev, next, this *widget.Button
	days             [7]*weekDay
}

type weekDay struct {
	title *widget.Label
	list  *widget.List
	items []data.Activity
}

func newWeekView(u *ui, owner func() uint64, hint func(string)) *weekView {
	w := &weekView{u: u, owner: owner, hint: hint, monday: data.WeekOf(u.now())}
	w.buildUI()
	return w
}

func (w *weekView) buildUI() {
	w.title = widget.NewLabel("")
	w.title.TextStyle.Bold = true
	w.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), w.onPrevWeek)
	w.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), w.onNextWeek)
	w.this = widget.NewButton(T("week.this_week"), w.onThisWeek)
	cols := make([]fyne.CanvasObject, 7)
	for i := range w.days {
		d := &weekDay{title: widget.NewLabel("")}
		d.title.TextStyle.Bold = true
		d.title.Truncation = fyne.TextTruncateEllipsis
		d.list = widget.NewList(
			func() int { return len(d.items) },
			func() fyne.CanvasObject {
				when := newHoverLine(w.hint, nil)
				when.label.TextStyle.Bold = true
				return container.NewVBox(when, newHoverLine(w.hint, nil))
			},
			func(i widget.ListItemID, o fyne.CanvasObject) {
				if i >= len(d.items) {
					return
				}
				a := d.items[i]
				rows := o.(*fyne.Container).Objects
				rows[0].(*hoverLine).label.SetText(activityWhen(a))
				who := a.Row.Name + "  ·  " + w.u.agenda.actionText(a.Text)
				if rep := w.u.memberName(a.Row.OwnerID); w.owner() == 0 && rep != "" {
					who = rep + "  ·  " + who // the team's week: whose it is
				}
				rows[1].(*hoverLine).label.SetText(who)
			})
		d.list.OnSelected = func(i widget.ListItemID) {
			d.list.UnselectAll()
			if i < len(d.items) {
				w.u.openCard(d.items[i].Row.ID)
			}
		}
		w.days[i] = d
		cols[i] = widget.NewCard("", "", container.NewBorder(d.title, nil, nil, nil, d.list))
	}
	head := container.NewBorder(nil, nil, container.NewHBox(w.prev, w.this, w.next), nil, w.title)
	w.content = container.NewBorder(head, nil, nil, nil, container.NewGridWithColumns(7, cols...))
}

func (w *weekView) onPrevWeek() { w.monday = w.monday.AddDate(0, 0, -7); w.reload() }
func (w *weekView) onNextWeek() { w.monday = w.monday.AddDate(0, 0, 7); w.reload() }
func (w *weekView) onThisWeek() { w.monday = data.WeekOf(w.u.now()); w.reload() }

// reload reads the week's activities off the UI thread and shows them by day.
func (w *weekView) reload() {
	w.gen++
	gen, st, f := w.gen, w.u.store, data.ActivityFilter{From: w.monday, To: w.monday.AddDate(0, 0, 7), OwnerID: w.owner()}
	w.u.background(func() {
		page, err := st.Activities(f)
		fyne.Do(func() {
			if gen != w.gen {
				return
			}
			if err != nil {
				w.u.showError(w.u.win, err)
			}
			w.show(page.Items)
		})
	})
}

// show lays out the week's activities read by reload.
func (w *weekView) show(acts []data.Activity) {
	today := data.DateOf(w.u.now())
	for _, d := range w.days {
		d.items = d.items[:0]
	}
	// One pass: the activities come sorted by day and time, so each column keeps that order.
	for _, a := range acts {
		if i := int(data.DayOf(a.Day) - data.DayOf(w.monday)); i >= 0 && i < len(w.days) {
			w.days[i].items = append(w.days[i].items, a)
		}
	}
	for i, d := range w.days {
		day := w.monday.AddDate(0, 0, i)
		title := T("week.day."+day.Weekday().String()[:3]) + " " + shortDate(day)
		d.title.Importance = widget.MediumImportance
		if data.DayOf(day) == data.DayOf(today) {
			d.title.Importance = widget.HighImportance // today's column stands out without a longer title
		}
		d.title.SetText(title)
		d.list.Refresh()
	}
	w.title.SetText(Tf("week.title", formatDate(w.monday), formatDate(w.monday.AddDate(0, 0, 6)), len(acts)))
}

// shortDate is a column's date: 11-23 in Chinese, 23 in English (the week's title has the month).
func shortDate(t time.Time) string {
	if currentLanguage() == "en" {
		return t.Format("2")
	}
	return t.Format("01-02")
}
