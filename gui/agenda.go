package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// agendaScreen is the start screen: what is due today, what is overdue, whose card needs a review,
// whose birthday is coming.
type agendaScreen struct {
	u       *ui
	content fyne.CanvasObject

	scope    *widget.RadioGroup
	summary  *widget.Label
	sections []*agendaSection
	agenda   data.Agenda
	// hint shows the whole of the row under the pointer, which the lists cut with an ellipsis.
	hint *widget.Label
	// day is the day's agenda, week the week view; viewBtn switches between them.
	day       fyne.CanvasObject
	dayScroll *container.Scroll
	week      *weekView
	viewBtn   *widget.Button
	// done is the open mark-done form, for tests.
	done *doneForm
	// poolNotice names the member's cards that return to the pool within the notice days.
	poolNotice *widget.Label
	// gen counts the reloads, whose reads run off the UI thread: an older reply is dropped.
	gen int
}

// agendaSection is one card of the agenda with its list.
type agendaSection struct {
	title *widget.Card
	list  *widget.List
	items []data.AgendaItem
	line  func(it data.AgendaItem) (string, bool) // text, and whether to mark it
	key   string
}

func newAgendaScreen(u *ui) *agendaScreen {
	s := &agendaScreen{u: u}
	s.buildUI()
	s.reload()
	return s
}

func (s *agendaScreen) buildUI() {
	s.summary = widget.NewLabel("")
	s.summary.TextStyle.Bold = true
	s.scope = widget.NewRadioGroup([]string{T("agenda.mine"), T("agenda.team")}, func(string) { s.reload() })
	s.scope.Horizontal = true
	s.scope.Selected = T("agenda.mine")

	name := func(it data.AgendaItem) string { return it.Row.Name + "  ·  " + string(it.Row.Grade) }
	s.sections = []*agendaSection{
		{key: "agenda.due_today", line: func(it data.AgendaItem) (string, bool) {
			return activityWhen(*it.Activity) + "  " + name(it) + "  ·  " + s.actionText(it.Text), false
		}},
		{key: "agenda.overdue", line: func(it data.AgendaItem) (string, bool) {
			kind := ""
			if k := it.Activity.Kind; k != "" {
				kind = enumLabel("activity", k) + " "
			}
			return Tf("agenda.overdue_days", it.Days) + "  " + kind + name(it) + "  ·  " + s.actionText(it.Text), true
		}},
		{key: "agenda.actions", line: func(it data.AgendaItem) (string, bool) {
			if it.Days > 0 {
				return Tf("agenda.overdue_days", it.Days) + "  " + name(it) + "  ·  " + it.Text, true
			}
			return name(it) + "  ·  " + it.Text, false
		}},
		{key: "agenda.reviews", line: func(it data.AgendaItem) (string, bool) {
			last := T("agenda.never_reviewed")
			if !it.Date.IsZero() {
				last = Tf("agenda.last_reviewed", formatDate(it.Date))
			}
			return name(it) + "  ·  " + last, false
		}},
		{key: "agenda.stale", line: func(it data.AgendaItem) (string, bool) {
			return Tf("agenda.silent_days", it.Days) + "  " + name(it) + "  ·  " + enumLabel("status", it.Row.Status), false
		}},
		{key: "agenda.deals", line: func(it data.AgendaItem) (string, bool) {
			what := Tf("agenda.deal_idle", it.Days)
			if it.Milestone {
				what = T("agenda.milestone_due") + " " + it.Text
				if it.Days > 0 {
					what = Tf("agenda.overdue_days", it.Days) + " " + it.Text
				}
			}
			return what + "  ·  " + it.Deal.Number + " " + it.Deal.Title + "  ·  " + it.Row.Name, it.Days > 0
		}},
		{key: "agenda.birthdays", line: func(it data.AgendaItem) (string, bool) {
			when := T("agenda.today")
			if it.Days > 0 {
				when = formatDate(it.Date)
			}
			return when + "  " + it.Contact + "  ·  " + it.Row.Name, it.Days == 0
		}},
	}
	cards := make([]fyne.CanvasObject, 0, len(s.sections))
	for _, sec := range s.sections {
		sec := sec
		sec.list = widget.NewList(
			func() int { return len(sec.items) },
			func() fyne.CanvasObject {
				done := widget.NewButton(T("agenda.done"), nil)
				done.Importance = widget.LowImportance
				return newHoverLine(s.showHint, done)
			},
			func(i widget.ListItemID, o fyne.CanvasObject) {
				if i >= len(sec.items) {
					return
				}
				row := o.(*hoverLine)
				l := row.label
				it := sec.items[i]
				text, mark := sec.line(it)
				l.SetText(text)
				if mark {
					l.Importance = widget.DangerImportance
				} else {
					l.Importance = widget.MediumImportance
				}
				l.Refresh()
				if it.Activity != nil {
					act := *it.Activity
					row.button.OnTapped = func() { s.onMarkDone(act) }
					row.button.Show()
				} else {
					row.button.OnTapped = nil
					row.button.Hide()
				}
			})
		sec.list.OnSelected = func(i widget.ListItemID) {
			sec.list.UnselectAll()
			if i < len(sec.items) {
				if it := sec.items[i]; it.Deal != nil {
					s.u.openDealID(it.Deal.ID)
				} else {
					s.u.openCard(it.Row.ID)
				}
			}
		}
		// The section name is a subtitle, not a title: a title's large type would make the two columns,
		// and so the window, too wide for a small laptop screen.
		// Three rows at least, else a short window shows a row and a half of each section: the agenda
		// scrolls instead.
		rows := container.New(&minHeightLayout{rows: 3, item: sec.list.CreateItem().MinSize().Height}, sec.list)
		sec.title = widget.NewCard("", T(sec.key), rows)
		cards = append(cards, sec.title)
	}
	s.hint = widget.NewLabel(" ")
	s.hint.Wrapping = proseWrap()
	s.day = container.NewGridWithColumns(2, cards...)
	s.dayScroll = container.NewVScroll(s.day)
	s.week = newWeekView(s.u, s.owner, s.showHint)
	s.week.content.Hide()
	s.viewBtn = widget.NewButton(T("agenda.week_view"), s.onSwitchView)
	s.summary.Truncation = fyne.TextTruncateEllipsis
	s.poolNotice = widget.NewLabel("")
	s.poolNotice.Importance = widget.WarningImportance
	s.poolNotice.Truncation = fyne.TextTruncateEllipsis
	s.poolNotice.Hide()
	head := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(s.viewBtn, s.scope), s.summary), s.poolNotice)
	s.content = container.NewBorder(head, s.hint, nil, nil, container.NewStack(s.dayScroll, s.week.content))
}

// owner is whose agenda is shown: the signed-in rep's, or 0 for the whole team.
func (s *agendaScreen) owner() uint64 {
	if s.scope.Selected == T("agenda.team") {
		return 0
	}
	return s.u.me().MemberID
}

func (s *agendaScreen) showHint(text string) {
	if text == "" {
		text = " " // keeps the line's height, so the lists above do not jump
	}
	s.hint.SetText(text)
}

// onSwitchView shows the week view instead of the day's agenda, and back.
func (s *agendaScreen) onSwitchView() {
	if s.week.content.Visible() {
		s.week.content.Hide()
		s.dayScroll.Show()
		s.viewBtn.SetText(T("agenda.week_view"))
		s.reload()
		return
	}
	s.dayScroll.Hide()
	s.week.content.Show()
	s.viewBtn.SetText(T("agenda.day_view"))
	s.week.reload()
}

// actionText shows a maintenance-plan key translated and a rep's own words as typed.
func (s *agendaScreen) actionText(a string) string {
	if len(a) > 5 && a[:5] == "plan." {
		return T(a)
	}
	return a
}

func (s *agendaScreen) reload() {
	if s.week.content.Visible() {
		s.week.reload()
	}
	s.gen++
	gen, st, now, owner := s.gen, s.u.store, s.u.now(), s.owner()
	s.u.background(func() {
		a, err := st.Agenda(now, owner)
		fyne.Do(func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.u.showError(s.u.win, err)
				return
			}
			s.show(a)
		})
	})
}

// show lays out the agenda read by reload.
func (s *agendaScreen) show(a data.Agenda) {
	s.agenda = a
	lists := [][]data.AgendaItem{s.agenda.DueToday, s.agenda.Overdue, s.agenda.Actions, s.agenda.Reviews, s.agenda.Stale, s.agenda.Deals, s.agenda.Birthdays}
	for i, sec := range s.sections {
		sec.items = lists[i]
		if sec.key == "agenda.deals" && s.agenda.DealsPending {
			// The window opened before the deals were read; ui.loadDeals fills the section in.
			sec.title.SetSubTitle(T("agenda.deals_loading"))
		} else {
			sec.title.SetSubTitle(Tf("agenda.section_count", T(sec.key), len(sec.items)))
		}
		sec.list.Refresh()
	}
	s.showPoolNotice()
	s.summary.SetText(Tf("agenda.summary", formatDate(s.u.now()), s.u.me().Name,
		len(s.agenda.DueToday), len(s.agenda.Overdue)))
}
