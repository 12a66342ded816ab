package gui

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// settingsScreen holds the team (who "owner" points at), the grade thresholds, the contact caps, the
// business categories and the language.
type settingsScreen struct {
	backup  *backupPanel
	u       *ui
	content fyne.CanvasObject

	language *widget.Select
	me       *widget.Select
	members  []data.Member
	// team is a row per member, not a list: a list scrolls on its own inside Settings' scroll.
	team *fyne.Container

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
	st := s.u.store.Settings()
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

	s.members = s.u.store.Members()
	s.me = newSelect(nil, s.onMeChanged)
	s.fillMe()
	s.team = container.NewVBox()
	s.fillTeam()
	addMember := widget.NewButtonWithIcon(T("action.add_member"), theme.ContentAddIcon(), func() {
		s.editMember(data.Member{Role: data.MemberRep, Active: true})
	})

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
		s.add("categories", s.categories))
	s.backup = newBackupPanel(s.u)
	left := container.NewVBox(
		widget.NewCard(T("settings.desktop"), "", formGrid(newField("language", s.language), newField("theme", newThemeSelect(s.u.app)), newField("current_user", s.me))),
		widget.NewCard(T("settings.team"), T("settings.team_hint"), container.NewVBox(s.team, addMember)),
		s.backup.content,
	)
	s.stages = newStageEditor(st.Stages, func(key string) bool {
		return len(s.u.store.Opportunities(data.OpportunityFilter{Stage: key})) > 0
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

// fillTeam shows a row per member with its edit button.
func (s *settingsScreen) fillTeam() {
	s.team.RemoveAll()
	for _, m := range s.members {
		text := m.Name + "  ·  " + enumLabel("role", m.Role)
		if !m.Active {
			text += "  (" + T("member.inactive") + ")"
		}
		edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { s.editMember(m) })
		s.team.Add(container.NewBorder(nil, nil, nil, edit, newFitLabel(text)))
	}
	s.team.Refresh()
}

func (s *settingsScreen) fillMe() {
	names := make([]string, len(s.members))
	cur := s.u.store.Settings().CurrentUser
	sel := -1
	for i, m := range s.members {
		names[i] = m.Name
		if m.ID == cur {
			sel = i
		}
	}
	s.me.Options = names
	if sel >= 0 {
		s.me.Selected = names[sel]
	}
	s.me.Refresh()
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

func (s *settingsScreen) onMeChanged(name string) {
	for _, m := range s.members {
		if m.Name == name && m.ID != s.u.store.Settings().CurrentUser {
			st := s.u.store.Settings()
			st.CurrentUser = m.ID
			if err := s.u.store.SaveSettings(st); err != nil {
				s.u.showError(s.u.win, err)
				return
			}
			s.u.win.SetTitle(T("app.title") + " — " + m.Name)
			s.u.customers.fillChoices() // the list offers this member's saved filters and columns
			s.u.refreshAll()
			return
		}
	}
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
	st := s.u.store.Settings()
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
	if err := s.u.store.SaveSettings(st); err != nil {
		s.u.showError(s.u.win, err)
		return
	}
	// The board's columns come from the settings: build the screens again, back on this one, where
	// the user was.
	offset := s.scroll.scroll.Offset
	s.u.buildUI()
	s.u.tabs.SelectIndex(tabSettings)
	s.u.settings.scroll.scroll.ScrollToOffset(offset)
	showToast(s.u.win.Canvas(), T("settings.saved"))
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

// editMember adds or edits a team member. Members are never deleted: cards point at them.
func (s *settingsScreen) editMember(m data.Member) {
	name, phone, email := newEntry(m.Name), newEntry(m.Phone), newEntry(m.Email)
	role := newEnumSelect("role", data.MemberRoles, false, m.Role)
	active := widget.NewCheck(T("member.active"), nil)
	active.SetChecked(m.Active)
	fields := []*field{newField("member_name", name), newField("member_role", role), newField("phone", phone),
		newField("email", email), newField("active", active)}
	var d *dialog.CustomDialog
	save := widget.NewButton(T("action.save"), func() {
		m.Name, m.Phone, m.Email, m.Role, m.Active = name.Text, phone.Text, email.Text, role.value(), active.Checked
		saved, err := s.u.store.SaveMember(m)
		var fe data.FieldErrors
		if errors.As(err, &fe) {
			keys := map[string]string{"name": "member_name", "role": "member_role"}
			for _, f := range fields {
				f.setError(nil)
			}
			for _, e := range fe {
				k := e.Field
				if mk, ok := keys[k]; ok {
					k = mk
				}
				for _, f := range fields {
					if f.key == k {
						f.setError(e.Err)
					}
				}
			}
			return
		}
		if err != nil {
			s.u.showError(s.u.win, err)
			return
		}
		if s.u.store.Settings().CurrentUser == 0 {
			st := s.u.store.Settings()
			st.CurrentUser = saved.ID
			_ = s.u.store.SaveSettings(st)
		}
		s.members = s.u.store.Members()
		s.fillTeam()
		s.fillMe()
		s.u.customers.fillChoices()
		d.Hide()
	})
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(T("action.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("member.title"), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), cancel, save), nil, nil, container.NewVScroll(formGrid(fields...))), s.u.win)
	d.Resize(fyne.NewSize(460, 360))
	s.u.track(d)
	d.Show()
}
