package gui

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// settingsScreen holds the team (who "owner" points at), the grade thresholds, the contact caps, the
// business categories and the language.
type settingsScreen struct {
	backup  *backupPanel
	share   *sharePanel
	u       *ui
	content fyne.CanvasObject

	language *widget.Select
	// members is the team: every member sees it, admins edit it (members.go).
	members *membersPanel
	// signedIn says who is signed in on this window.
	signedIn *widget.Label
	idleLock *textEntry

	aAnnual, aYears, bAnnual, bYears, perMonth, aPerWeek, lostAfter *textEntry
	aHighRP                                                         *widget.Check
	categories                                                      *textEntry
	fields                                                          map[string]*field
	// order is the fields top to bottom, so a save's first problem is the one scrolled to.
	order   []*field
	saveBtn *widget.Button
	scroll  *reflowScroll

	stages                        *stageEditor
	qBudget, qUrgency, qAuthority *textEntry
	lostReasons                   *textEntry
}

func newSettingsScreen(u *ui) *settingsScreen {
	s := &settingsScreen{u: u, fields: map[string]*field{}}
	s.buildUI()
	return s
}

func (s *settingsScreen) add(key string, o fyne.CanvasObject) *field {
	f := newField(key, o)
	s.fields[key] = f
	s.order = append(s.order, f)
	return f
}

func (s *settingsScreen) buildUI() {
	st := s.u.teamSettings()
	s.language = newSelect([]string{T("lang.system"), "中文", "English"}, nil)
	switch s.u.app.Preferences().String(prefLanguage) {
	case "zh":
		s.language.SetSelectedIndex(1)
	case "en":
		s.language.SetSelectedIndex(2)
	default:
		s.language.SetSelectedIndex(0)
	}
	s.language.OnChanged = func(string) { s.onLanguageChanged() }

	s.members = newMembersPanel(s.u)
	me := s.u.store.Me()
	s.signedIn = widget.NewLabel(Tf("signin.signed_in_as", me.Name, enumLabel("role", me.Role)))
	account := container.NewVBox(s.signedIn, container.NewHBox(
		widget.NewButton(T("signin.change_menu"), func() { s.u.changePassword() }),
		widget.NewButton(T("signin.sign_out"), s.u.signOut)))
	s.idleLock = newEntry(strconv.Itoa(st.IdleLockMinutes))

	r := st.GradeRules
	s.aAnnual = newAmountEntry(r.AMinAnnual)
	s.aYears = newEntry(strconv.Itoa(r.AMinYears))
	s.aHighRP = widget.NewCheck("", nil) // the field's label says what it is
	s.aHighRP.SetChecked(r.ARequiresHighRP)
	s.bAnnual = newAmountEntry(r.BMinAnnual)
	s.bYears = newEntry(strconv.Itoa(r.BMinYears))
	s.perMonth = newEntry(strconv.Itoa(st.Caps.PerMonth))
	s.aPerWeek = newEntry(strconv.Itoa(st.Caps.APerWeek))
	s.lostAfter = newEntry(strconv.Itoa(st.LostAfterDays))
	s.categories = newGrowingMultiLine(strings.Join(st.Categories, "\n"), 5)
	s.saveBtn = widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), s.onSave)
	s.u.allowIf(s.saveBtn, data.PermSettings)
	s.saveBtn.Importance = widget.HighImportance

	rules := formGrid(s.add("a_min_annual", s.aAnnual), s.add("a_min_years", s.aYears),
		s.add("a_requires_high_referral", s.aHighRP), s.add("b_min_annual", s.bAnnual), s.add("b_min_years", s.bYears),
		s.add("per_month", s.perMonth), s.add("a_per_week", s.aPerWeek), s.add("lost_after_days", s.lostAfter),
		s.add("categories", s.categories), s.add("idle_lock_minutes", s.idleLock))
	s.backup = newBackupPanel(s.u)
	s.share = newSharePanel(s.u)
	left := container.NewVBox(
		widget.NewCard(T("settings.desktop"), "", formGrid(newField("language", s.language), newField("theme", newThemeSelect(s.u.app)))),
		widget.NewCard(T("signin.account"), "", account),
		s.share.content,
		widget.NewCard(T("members.title"), T("settings.team_hint"), s.members.content),
		s.backup.content,
	)
	s.stages = newStageEditor(st.Stages, func(key string) bool {
		page, err := s.u.store.Opportunities(data.OpportunityFilter{Stage: key, Limit: 1})
		return err != nil || page.Total > 0 // when unsure, keep the stage
	})
	s.qBudget = newEntry(strconv.Itoa(st.Qualify.Budget))
	s.qUrgency = newEntry(strconv.Itoa(st.Qualify.Urgency))
	s.qAuthority = newEntry(strconv.Itoa(st.Qualify.Authority))
	s.lostReasons = newGrowingMultiLine(strings.Join(st.LostReasons, "\n"), 3)
	pipeline := container.NewVBox(s.stages.content(), formGrid(s.add("qualify_budget", s.qBudget),
		s.add("qualify_urgency", s.qUrgency), s.add("qualify_authority", s.qAuthority), s.add("lost_reasons", s.lostReasons)))
	right := container.NewVBox(
		widget.NewCard(T("settings.rules"), T("settings.rules_hint"), rules),
		widget.NewCard(T("settings.pipeline"), T("settings.pipeline_hint"), pipeline),
		container.NewHBox(s.saveBtn))
	// Two columns on a wide window, one under the other on a small one, in Settings' only scroll.
	s.scroll = newReflowScroll(left, right)
	s.content = s.scroll
}

func (s *settingsScreen) onLanguageChanged() {
	code := ""
	switch s.language.SelectedIndex() {
	case 1:
		code = "zh"
	case 2:
		code = "en"
	}
	s.u.app.Preferences().SetString(prefLanguage, code)
	setLanguage(code)
	// The screens are built again in the new language; what was typed and not yet saved goes with
	// them into the new Settings.
	typed := map[string]string{}
	for key, f := range s.fields {
		if f.entry != nil {
			typed[key] = f.entry.Text
		}
	}
	s.u.buildUI()
	for key, text := range typed {
		if f, ok := s.u.settings.fields[key]; ok && f.entry != nil && f.entry.Text != text {
			f.entry.SetText(text)
		}
	}
	s.u.tabs.SelectIndex(tabSettings)
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, errNotANumber
	}
	if n < 0 {
		return 0, data.ErrNegativeNumber
	}
	return n, nil
}

// errNotANumber is translated by errorText like the data layer's errors.
var errNotANumber = errors.New("not a whole number")

func (s *settingsScreen) onSave() {
	st := s.u.teamSettings()
	var fe data.FieldErrors
	amount := func(key string, e *textEntry) data.Amount {
		a, err := data.ParseAmount(e.Text)
		if err != nil {
			fe.Add(key, err)
		}
		return a
	}
	count := func(key string, e *textEntry) int {
		n, err := parseCount(e.Text)
		if err != nil {
			fe.Add(key, err)
		}
		return n
	}
	st.GradeRules = data.GradeRules{
		AMinAnnual: amount("a_min_annual", s.aAnnual), AMinYears: count("a_min_years", s.aYears),
		ARequiresHighRP: s.aHighRP.Checked,
		BMinAnnual:      amount("b_min_annual", s.bAnnual), BMinYears: count("b_min_years", s.bYears),
	}
	st.Caps = data.ContactCaps{PerMonth: count("per_month", s.perMonth), APerWeek: count("a_per_week", s.aPerWeek)}
	st.LostAfterDays = count("lost_after_days", s.lostAfter)
	st.IdleLockMinutes = count("idle_lock_minutes", s.idleLock)
	st.Categories = nil
	for _, line := range strings.Split(s.categories.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			st.Categories = append(st.Categories, line)
		}
	}
	st.Stages = s.stages.value(st.Stages)
	st.Qualify = data.QualifyThresholds{Budget: count("qualify_budget", s.qBudget), Urgency: count("qualify_urgency", s.qUrgency),
		Authority: count("qualify_authority", s.qAuthority)}
	st.LostReasons = nil
	for _, line := range strings.Split(s.lostReasons.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			st.LostReasons = append(st.LostReasons, line)
		}
	}
	fe = mergeProblems(fe, st.Validate())
	s.stages.show(fe)
	for _, f := range s.fields {
		f.setError(fe.For(f.key))
	}
	if fe.Any() {
		s.showFirstProblem(fe)
		return
	}
	svc := s.u.store
	s.u.write(s.saveBtn, func() error { return svc.SaveSettings(st) }, func(err error) {
		var fe data.FieldErrors
		switch {
		case errors.As(err, &fe):
			s.stages.show(fe)
			for _, f := range s.fields {
				f.setError(fe.For(f.key))
			}
			s.showFirstProblem(fe)
			return
		case err != nil:
			s.u.showError(s.u.win, err) // what was typed stays
			return
		}
		// The board's columns come from the settings: build the screens again, back on this one,
		// where the user was.
		offset := s.scroll.scroll.Offset
		s.u.buildUI()
		s.u.tabs.SelectIndex(tabSettings)
		s.u.settings.scroll.scroll.ScrollToOffset(offset)
		showToast(s.u.win.Canvas(), T("settings.saved"))
	})
}

// showFirstProblem scrolls the topmost refused field into view and puts the cursor in it: its message
// may lie far above the Save button just pressed, or in the other column.
func (s *settingsScreen) showFirstProblem(fe data.FieldErrors) {
	d := fyne.CurrentApp().Driver()
	var at fyne.CanvasObject
	var entry fyne.Focusable
	consider := func(o fyne.CanvasObject, e fyne.Focusable) {
		if at == nil || d.AbsolutePositionForObject(o).Y < d.AbsolutePositionForObject(at).Y {
			at, entry = o, e
		}
	}
	for _, f := range s.order {
		if fe.For(f.key) != nil {
			e, _ := f.input.(fyne.Focusable)
			consider(f.label, e)
		}
	}
	if s.stages.msg.Visible() {
		consider(s.stages.msg, nil)
	}
	if at == nil {
		return
	}
	scrollTo(s.scroll.scroll, at)
	if entry != nil {
		if c := d.CanvasForObject(at); c != nil {
			c.Focus(entry)
		}
	}
}
