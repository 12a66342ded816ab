package gui

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// poolPageSize is how many pool cards one page lists.
const poolPageSize = 50

// poolScreen is the lead pool (公海): the cards without an owner, which any rep may claim.
type poolScreen struct {
	u       *ui
	content fyne.CanvasObject

	search         *widget.Entry
	grade, status  *widget.Select
	days           *widget.Entry
	list           *widget.List
	total          *widget.Label
	prev, next     *widget.Button
	claimBtn       *widget.Button
	assignBtn      *widget.Button
	history        *widget.Label
	message        *widget.Label
	page           data.PoolPage
	offset         int
	selected       int // index in page.Rows, -1 for none
	lastClaimError error
}

func newPoolScreen(u *ui) *poolScreen {
	s := &poolScreen{u: u, selected: -1}
	s.buildUI()
	return s
}

func (s *poolScreen) buildUI() {
	all := T("filter.all")
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(T("pool.search"))
	s.search.OnChanged = func(string) { s.offset = 0; s.reload() }
	s.grade = newSelect(append([]string{all}, "A", "B", "C", "D"), func(string) { s.offset = 0; s.reload() })
	s.status = newSelect(labels(all, "status", data.Statuses), func(string) { s.offset = 0; s.reload() })
	s.grade.Selected, s.status.Selected = all, all
	s.days = widget.NewEntry()
	s.days.SetPlaceHolder(T("pool.min_days"))
	s.days.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return nil
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n < 0 {
			return errNotANumber
		}
		return nil
	}
	s.days.OnChanged = func(string) { s.offset = 0; s.reload() }
	s.list = widget.NewList(func() int { return len(s.page.Rows) },
		func() fyne.CanvasObject { return newFitLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(s.page.Rows) {
				o.(*fitLabel).SetText(s.rowText(s.page.Rows[i]))
			}
		})
	s.list.OnSelected = s.onSelected
	s.list.OnUnselected = func(widget.ListItemID) { s.selected = -1; s.refreshButtons() }
	s.total = widget.NewLabel("")
	s.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.offset = max(0, s.offset-poolPageSize); s.reload() })
	s.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.offset += poolPageSize; s.reload() })
	s.claimBtn = widget.NewButtonWithIcon(T("pool.claim"), theme.ContentAddIcon(), s.onClaim)
	s.claimBtn.Importance = widget.HighImportance
	s.assignBtn = widget.NewButton(T("pool.assign"), s.onAssign)
	s.history = widget.NewLabel("")
	s.history.Wrapping = proseWrap()
	s.message = widget.NewLabel("")
	s.message.Wrapping = proseWrap()
	// The explanation wraps: on one line the English one alone would make the window 900 px wide.
	explain := widget.NewLabel(T("pool.explain"))
	explain.Wrapping = proseWrap()
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(s.grade, s.status, container.NewGridWrap(fyne.NewSize(170, s.days.MinSize().Height), s.days)), s.search)
	head := container.NewVBox(widget.NewLabelWithStyle(T("pool.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		explain, filters)
	rules := widget.NewButtonWithIcon(T("pool.set.title"), theme.SettingsIcon(), s.onRules)
	rules.Importance = widget.LowImportance
	foot := container.NewBorder(nil, nil, container.NewHBox(s.prev, s.total, s.next), container.NewHBox(rules, s.assignBtn, s.claimBtn), s.message)
	side := widget.NewCard("", T("pool.history"), container.NewVScroll(s.history))
	split := container.NewHSplit(s.list, side)
	split.Offset = 0.62
	s.content = container.NewBorder(head, foot, nil, nil, split)
	s.refreshButtons()
}

func (s *poolScreen) rowText(p data.PoolRow) string {
	r := p.Row
	parts := []string{r.CardNo, r.Name}
	if r.Grade != "" {
		parts = append(parts, string(r.Grade))
	}
	parts = append(parts, enumLabel("status", r.Status))
	if r.Industry != "" {
		parts = append(parts, r.Industry)
	}
	parts = append(parts, Tf("pool.days_in_pool", p.Days))
	if p.LastOwner != 0 {
		parts = append(parts, Tf("pool.last_owner", s.u.memberName(p.LastOwner)))
	}
	return strings.Join(parts, "  ·  ")
}

func (s *poolScreen) filter() data.PoolFilter {
	f := data.PoolFilter{Search: s.search.Text, Limit: poolPageSize, Offset: s.offset,
		Status: pick(s.status, "status", data.Statuses)}
	if g := data.Grade(s.grade.Selected); g != data.Grade(T("filter.all")) {
		f.Grade = g
	}
	if n, err := strconv.Atoi(strings.TrimSpace(s.days.Text)); err == nil && n > 0 {
		f.MinDays = n
	}
	return f
}

// reload lists the pool off the UI thread.
func (s *poolScreen) reload() {
	f := s.filter()
	s.u.background(func() {
		page, err := s.u.store.PoolCards(f)
		fyne.Do(func() {
			if err != nil {
				s.message.SetText(poolErrorText(err))
				return
			}
			s.page = page
			s.selected = -1
			s.list.UnselectAll()
			s.list.Refresh()
			from := 0
			if len(page.Rows) > 0 {
				from = f.Offset + 1
			}
			s.total.SetText(Tf("pool.count", from, f.Offset+len(page.Rows), page.Total))
			setEnabled(s.prev, f.Offset > 0)
			setEnabled(s.next, f.Offset+len(page.Rows) < page.Total)
			s.history.SetText("")
			s.refreshButtons()
		})
	})
}

func (s *poolScreen) refreshButtons() {
	on := s.selected >= 0 && s.selected < len(s.page.Rows)
	setEnabled(s.claimBtn, on)
	setEnabled(s.assignBtn, on && s.u.store.Can(data.PermPoolAssign))
	if !s.u.store.Can(data.PermPoolAssign) {
		s.assignBtn.Hide()
	}
}

func (s *poolScreen) onSelected(i widget.ListItemID) {
	if i >= len(s.page.Rows) {
		return
	}
	s.selected = i
	s.refreshButtons()
	id := s.page.Rows[i].Row.ID
	s.u.background(func() {
		h, err := s.u.store.PoolHistory(id)
		fyne.Do(func() {
			if err != nil {
				s.history.SetText(poolErrorText(err))
				return
			}
			s.history.SetText(s.u.poolHistoryText(h))
		})
	})
}

func (s *poolScreen) selectedID() uint64 {
	if s.selected < 0 || s.selected >= len(s.page.Rows) {
		return 0
	}
	return s.page.Rows[s.selected].Row.ID
}

// onClaim takes the selected card; a refusal (a limit, a card someone took first) says why.
func (s *poolScreen) onClaim() {
	id := s.selectedID()
	if id == 0 {
		return
	}
	var c data.Customer
	st := s.u.store
	s.u.write(s.claimBtn, func() (err error) {
		c, err = st.Claim(id)
		return err
	}, func(err error) {
		s.lastClaimError = err
		if err != nil {
			s.message.SetText(poolErrorText(err))
			s.message.Importance = widget.DangerImportance
			s.message.Refresh()
			s.refreshButtons()
			return
		}
		s.message.Importance = widget.SuccessImportance
		s.message.SetText(Tf("pool.claimed", c.Name))
		s.reload()
	})
}

func (s *poolScreen) onAssign() {
	id := s.selectedID()
	if id == 0 {
		return
	}
	var members []data.Member
	for _, m := range s.u.members() {
		if m.Active {
			members = append(members, m)
		}
	}
	names := make([]string, len(members))
	for i, m := range members {
		names[i] = m.Name
	}
	to := newDialogSelect(names, nil)
	d := dialog.NewForm(T("pool.assign_title"), T("pool.assign"), T("action.cancel"),
		[]*widget.FormItem{widget.NewFormItem(T("pool.assign_to"), to)}, func(ok bool) {
			if !ok || to.SelectedIndex() < 0 {
				return
			}
			m, st := members[to.SelectedIndex()], s.u.store
			var c data.Customer
			s.u.write(s.assignBtn, func() (err error) {
				c, err = st.Assign(id, m.ID)
				return err
			}, func(err error) {
				if err != nil {
					s.message.SetText(poolErrorText(err))
					s.refreshButtons()
					return
				}
				s.message.SetText(Tf("pool.assigned", c.Name, m.Name))
				s.reload()
			})
		}, s.u.win)
	s.u.track(d)
	d.Show()
}

// onRules shows the pool's rules; only who may change the settings may save them.
func (s *poolScreen) onRules() {
	d := dialog.NewCustom(T("pool.set.title"), T("action.close"), s.u.poolSettingsCard(), s.u.win)
	d.Resize(fyne.NewSize(520, 520))
	s.u.track(d)
	d.Show()
}

// poolHistoryText is a card's moves through the pool, newest first.
func (u *ui) poolHistoryText(h []data.PoolMove) string {
	if len(h) == 0 {
		return T("pool.no_history")
	}
	who := func(id uint64) string {
		if id == 0 {
			return T("pool.the_pool")
		}
		return u.memberName(id)
	}
	lines := make([]string, 0, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		m := h[i]
		by := u.memberName(m.By)
		if by == "" {
			by = T("pool.by_rules")
		}
		line := formatDateTime(m.At) + "  " + T(poolActionKeys[m.Action]) + "  " + who(m.From) + " → " + who(m.To) + "  (" + by + ")"
		switch {
		case m.Action == data.PoolReturn && m.IdleDays > 0:
			line += "\n    " + Tf("pool.return_reason", m.IdleDays)
		case m.Reason != "":
			line += "\n    " + Tf("pool.reason_is", m.Reason)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

var limitKeys = map[string]string{"claims_per_day": "pool.err.limit_claims_per_day",
	"max_owned": "pool.err.limit_max_owned", "no_reclaim_days": "pool.err.limit_no_reclaim_days"}

var poolActionKeys = map[data.PoolAction]string{data.PoolClaim: "pool.action.claim", data.PoolRelease: "pool.action.release",
	data.PoolAssign: "pool.action.assign", data.PoolReturn: "pool.action.return", data.PoolHandover: "pool.action.handover"}

// poolErrorText translates a pool call's error by its stable code.
func poolErrorText(err error) string {
	var le *data.LimitError
	if errors.As(err, &le) {
		if key, ok := limitKeys[le.Limit]; ok {
			return Tf(key, le.Max)
		}
	}
	var ref *data.Refusal
	if errors.As(err, &ref) {
		if data.LeastRole(ref.Perm) == data.MemberManager {
			return T("pool.err.managers_only")
		}
		return T("pool.err.admins_only")
	}
	switch data.ErrorCode(err) {
	case data.CodeTaken:
		return T("pool.err.taken")
	case data.CodeNotYours:
		return T("pool.err.not_yours")
	case data.CodeInactive:
		return T("pool.err.inactive")
	}
	return errorText(err)
}

// poolNoticeText is the agenda's line about the member's cards that return to the pool soon.
func poolNoticeText(due []data.PoolDueCard, days int) string {
	if len(due) == 0 {
		return ""
	}
	names := make([]string, 0, min(len(due), 5))
	for i, d := range due {
		if i == 5 {
			names = append(names, "…")
			break
		}
		names = append(names, d.Row.Name+" ("+formatDate(d.ReturnsOn)+")")
	}
	return Tf("pool.notice", len(due), days) + strings.Join(names, T("pool.list_sep"))
}

// releaseButton is the card header's button that gives the owner's card back to the pool.
func (cw *cardWindow) releaseButton() *widget.Button {
	b := widget.NewButtonWithIcon(T("pool.release"), theme.MoveUpIcon(), cw.onRelease)
	cw.releaseBtn = b
	if cw.c.ID == 0 || cw.c.OwnerID == 0 || cw.c.OwnerID != cw.u.store.Me().ID || cw.c.Archived {
		b.Hide()
	}
	return b
}

// onRelease asks for the reason, then gives the card back; the window closes, since the card is
// then nobody's and its form would otherwise save the old owner back.
func (cw *cardWindow) onRelease() {
	if cw.dirty() {
		d := dialog.NewInformation(T("pool.release"), T("pool.save_first"), cw.win)
		cw.u.track(d)
		d.Show()
		return
	}
	reason := widget.NewMultiLineEntry()
	reason.SetPlaceHolder(T("pool.reason_hint"))
	reason.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return data.ErrRequired
		}
		return nil
	}
	d := dialog.NewForm(T("pool.release_title"), T("pool.release"), T("action.cancel"),
		[]*widget.FormItem{widget.NewFormItem(T("pool.reason"), reason)}, func(ok bool) {
			if !ok {
				return
			}
			id, text, st := cw.c.ID, reason.Text, cw.u.store
			cw.u.write(cw.releaseBtn, func() error {
				_, err := st.Release(id, text)
				return err
			}, func(err error) {
				if err != nil {
					cw.u.showError(cw.win, errors.New(poolErrorText(err)))
					return
				}
				showToast(cw.u.win.Canvas(), Tf("pool.released", cw.c.Name))
				cw.win.Close()
				cw.u.refreshAll()
			})
		}, cw.win)
	d.Resize(fyne.NewSize(420, 240))
	cw.u.track(d)
	d.Show()
}

// sweepPool applies the pool's return rules off the UI thread: at start and then once a day.
func (u *ui) sweepPool() {
	var n int
	st := u.store
	u.write(nil, func() (err error) {
		n, err = st.SweepPool()
		return err
	}, func(err error) {
		if err != nil || n == 0 {
			return // the next day's sweep tries again; a failed sweep wrote nothing
		}
		showToast(u.win.Canvas(), Tf("pool.swept", n))
		u.refreshAll()
	})
}

// startPoolSweeps sweeps now and then each day after midnight, for a window left open overnight.
func (u *ui) startPoolSweeps() {
	u.sweepPool()
	var next func()
	next = func() {
		now := time.Now()
		midnight := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 5, 0, 0, now.Location())
		time.AfterFunc(midnight.Sub(now), func() {
			fyne.Do(func() {
				u.sweepPool()
				next()
			})
		})
	}
	next()
}

// showPoolNotice fills the agenda's line about the member's cards that return to the pool soon.
func (s *agendaScreen) showPoolNotice() {
	me := s.u.store.Me().ID
	if me == 0 {
		s.poolNotice.Hide()
		return
	}
	days := s.u.teamSettings().Pool.NoticeDays
	s.u.background(func() {
		due, err := s.u.store.PoolDue(me)
		fyne.Do(func() {
			if text := poolNoticeText(due, days); err == nil && text != "" {
				s.poolNotice.SetText(text)
				s.poolNotice.Show()
				return
			}
			s.poolNotice.Hide()
		})
	})
}

// poolSettingsForm edits the pool's limits and return rules, saved on their own.
type poolSettingsForm struct {
	u       *ui
	entries map[string]*textEntry // by setting key
	message *widget.Label
	save    *widget.Button
}

var poolSettingKeys = []string{"pool_claims_per_day", "pool_max_owned", "pool_no_reclaim_days",
	"pool_return_prospect", "pool_return_interested", "pool_return_customer", "pool_notice_days"}

func (u *ui) poolSettingsCard() fyne.CanvasObject {
	f := &poolSettingsForm{u: u, entries: map[string]*textEntry{}}
	p := u.teamSettings().Pool
	values := f.values(p)
	items := make([]*widget.FormItem, len(poolSettingKeys))
	labels := map[string]string{"pool_claims_per_day": T("pool.set.claims_per_day"), "pool_max_owned": T("pool.set.max_owned"),
		"pool_no_reclaim_days": T("pool.set.no_reclaim_days"), "pool_return_prospect": T("pool.set.return_prospect"),
		"pool_return_interested": T("pool.set.return_interested"), "pool_return_customer": T("pool.set.return_customer"),
		"pool_notice_days": T("pool.set.notice_days")}
	for i, k := range poolSettingKeys {
		e := newEntry(strconv.Itoa(values[k]))
		f.entries[k] = e
		items[i] = widget.NewFormItem(labels[k], e)
	}
	f.message = widget.NewLabel("")
	f.message.Wrapping = proseWrap()
	f.save = widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), f.onSave)
	if !u.store.Can(data.PermSettings) {
		f.save.Disable()
	}
	return widget.NewCard(T("pool.set.title"), T("pool.set.hint"), container.NewVBox(widget.NewForm(items...), f.message, container.NewHBox(f.save)))
}

func (f *poolSettingsForm) values(p data.PoolSettings) map[string]int {
	return map[string]int{"pool_claims_per_day": p.ClaimsPerDay, "pool_max_owned": p.MaxOwned, "pool_no_reclaim_days": p.NoReclaimDays,
		"pool_return_prospect": p.ReturnAfter[data.StatusProspect], "pool_return_interested": p.ReturnAfter[data.StatusInterested],
		"pool_return_customer": p.ReturnAfter[data.StatusCustomer], "pool_notice_days": p.NoticeDays}
}

// onSave saves the pool's settings; a wrong number is named and the typing stays.
func (f *poolSettingsForm) onSave() {
	n := map[string]int{}
	for _, k := range poolSettingKeys {
		v, err := strconv.Atoi(strings.TrimSpace(f.entries[k].Text))
		if err != nil || v < 0 {
			f.message.SetText(Tf("pool.set.bad_number", f.label(k)))
			return
		}
		n[k] = v
	}
	st := f.u.teamSettings()
	p := st.Pool
	p.ClaimsPerDay, p.MaxOwned, p.NoReclaimDays, p.NoticeDays = n["pool_claims_per_day"], n["pool_max_owned"], n["pool_no_reclaim_days"], n["pool_notice_days"]
	ra := map[data.Status]int{}
	for k, v := range p.ReturnAfter {
		ra[k] = v
	}
	ra[data.StatusProspect], ra[data.StatusInterested], ra[data.StatusCustomer] = n["pool_return_prospect"], n["pool_return_interested"], n["pool_return_customer"]
	p.ReturnAfter = ra
	st.Pool = p
	svc := f.u.store
	f.u.write(f.save, func() error { return svc.SaveSettings(st) }, func(err error) {
		if err != nil {
			f.message.SetText(poolErrorText(err))
			return
		}
		f.message.SetText(T("pool.set.saved"))
	})
}

func (f *poolSettingsForm) label(k string) string {
	for _, it := range []struct{ k, key string }{{"pool_claims_per_day", "pool.set.claims_per_day"}, {"pool_max_owned", "pool.set.max_owned"},
		{"pool_no_reclaim_days", "pool.set.no_reclaim_days"}, {"pool_return_prospect", "pool.set.return_prospect"},
		{"pool_return_interested", "pool.set.return_interested"}, {"pool_return_customer", "pool.set.return_customer"},
		{"pool_notice_days", "pool.set.notice_days"}} {
		if it.k == k {
			return T(it.key)
		}
	}
	return k
}
