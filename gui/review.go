package gui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// reviewScreen is the manager's weekly review (团队): one line per rep, and the chosen rep's cards
// due for review, each opened from the list and marked reviewed from its card.
type reviewScreen struct {
	u       *ui
	content fyne.CanvasObject

	table    *widget.Table
	lines    []data.RepReview
	due      *widget.List
	dueRows  []*data.CustomerRow
	picked   int
	dueTitle *widget.Card
	handBtn  *widget.Button
	message  *widget.Label
}

var reviewColumns = []string{"review.rep", "review.cards", "review.due", "review.reviewed_week", "review.last_activity", "review.overdue", "review.idle_deals"}

func newReviewScreen(u *ui) *reviewScreen {
	s := &reviewScreen{u: u, picked: -1}
	s.buildUI()
	return s
}

func (s *reviewScreen) buildUI() {
	s.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.lines), len(reviewColumns) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < len(s.lines) {
				o.(*widget.Label).SetText(s.cell(s.lines[id.Row], id.Col))
			}
		})
	s.table.ShowHeaderColumn = false
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			o.(*widget.Label).SetText(T(reviewColumns[id.Col]))
		}
	}
	for i, w := range []float32{110, 70, 90, 100, 110, 100, 90} {
		s.table.SetColumnWidth(i, w)
	}
	s.table.OnSelected = func(id widget.TableCellID) { s.pick(id.Row) }
	s.due = widget.NewList(func() int { return len(s.dueRows) },
		func() fyne.CanvasObject { return newFitLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(s.dueRows) {
				r := s.dueRows[i]
				last := T("agenda.never_reviewed")
				if !r.LastReviewed.IsZero() {
					last = Tf("agenda.last_reviewed", formatDate(r.LastReviewed.Time()))
				}
				o.(*fitLabel).SetText(r.Name + "  ·  " + string(r.Grade) + "  ·  " + last)
			}
		})
	s.due.OnSelected = func(i widget.ListItemID) {
		s.due.UnselectAll()
		if i < len(s.dueRows) {
			s.u.openCard(s.dueRows[i].ID)
		}
	}
	s.dueTitle = widget.NewCard("", T("review.pick_rep"), s.due)
	s.handBtn = widget.NewButton(T("handover.button"), s.onHandover)
	s.handBtn.Disable()
	s.message = widget.NewLabel("")
	head := container.NewBorder(nil, nil, nil, s.handBtn,
		widget.NewLabelWithStyle(T("review.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	split := container.NewVSplit(s.table, s.dueTitle)
	split.Offset = 0.45
	s.content = container.NewBorder(head, s.message, nil, nil, split)
}

func (s *reviewScreen) cell(l data.RepReview, col int) string {
	switch col {
	case 0:
		return l.Member.Name
	case 1:
		return strconv.Itoa(l.Cards)
	case 2:
		return strconv.Itoa(l.Due)
	case 3:
		return strconv.Itoa(l.ReviewedThisWeek)
	case 4:
		if l.LastActivity.IsZero() {
			return "—"
		}
		return formatDate(l.LastActivity)
	case 5:
		return strconv.Itoa(l.OverdueFollowUps)
	case 6:
		return strconv.Itoa(l.IdleDeals)
	}
	return ""
}

func (s *reviewScreen) reload() {
	if !s.u.store.Can(data.PermReview) {
		return
	}
	s.u.background(func() {
		lines, err := s.u.store.WeeklyReview()
		fyne.Do(func() {
			if err != nil {
				s.message.SetText(poolErrorText(err))
				return
			}
			s.lines = lines
			s.table.Refresh()
			if s.picked >= 0 && s.picked < len(lines) {
				s.pick(s.picked)
			}
		})
	})
}

func (s *reviewScreen) pick(row int) {
	// A rep picked before the lines arrive is shown when they do (reload), not dropped.
	s.picked = row
	if row < 0 || row >= len(s.lines) {
		return
	}
	m := s.lines[row].Member
	s.handBtn.SetText(Tf("handover.button_of", m.Name))
	setEnabled(s.handBtn, s.u.store.Can(data.PermHandover) && s.lines[row].Cards > 0)
	s.u.background(func() {
		rows, err := s.u.store.ReviewCards(m.ID, 0)
		fyne.Do(func() {
			if err != nil {
				s.message.SetText(poolErrorText(err))
				return
			}
			s.dueRows = rows
			s.dueTitle.SetSubTitle(Tf("review.due_of", m.Name, len(rows)))
			s.due.Refresh()
		})
	})
}

func (s *reviewScreen) onHandover() {
	if s.picked >= 0 && s.picked < len(s.lines) {
		s.u.showHandover(s.lines[s.picked].Member.ID)
	}
}
