package gui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// membersPanel is Settings' 团队成员: every member sees the team; an admin (data.PermMembers) adds
// members, resets passwords, deactivates, unlocks and changes roles. The buttons are only offered to
// admins: the data layer refuses the calls to anyone else anyway, and the refusal is shown by code.
type membersPanel struct {
	u       *ui
	content fyne.CanvasObject
	// rows is a row per member, not a list: a list scrolls on its own inside Settings' scroll.
	rows     *fyne.Container
	statuses []data.MemberStatus
	add      *widget.Button
	// deactivating is the last question before a deactivation, for tests.
	deactivating *deactivateAsk
}

func newMembersPanel(u *ui) *membersPanel {
	p := &membersPanel{u: u, rows: container.NewVBox()}
	p.add = widget.NewButtonWithIcon(T("action.add_member"), theme.ContentAddIcon(), func() { p.addMember() })
	if !u.store.Can(data.PermMembers) {
		p.add.Hide()
	}
	p.content = container.NewVBox(p.rows, container.NewHBox(p.add))
	p.fill()
	return p
}

// session is the signed-in member's service, nil while nobody is signed in.
func (p *membersPanel) session() data.Service {
	if p.u.session == nil {
		return nil
	}
	return p.u.store
}

// load is the team with each member's sign-in state; a member the state does not cover (a non-admin
// sees no sign-in states) shows as a plain member.
func (p *membersPanel) load() []data.MemberStatus {
	byID := map[uint64]data.MemberStatus{}
	if s := p.session(); s != nil && s.Can(data.PermMembers) {
		if sts, err := s.MemberStatuses(); err == nil {
			for _, st := range sts {
				byID[st.ID] = st
			}
		}
	}
	var out []data.MemberStatus
	for _, m := range p.u.members() {
		st, ok := byID[m.ID]
		if !ok {
			st = data.MemberStatus{Member: m}
		}
		st.Member = m // as stored now
		out = append(out, st)
	}
	return out
}

// rowText is a member's line: login, name, role, and what keeps the member from signing in.
func rowText(m data.MemberStatus) string {
	parts := []string{m.Name}
	if m.Login != "" {
		parts = append(parts, m.Login)
	}
	parts = append(parts, enumLabel("role", m.Role))
	if !m.Active {
		parts = append(parts, T("member.inactive"))
	} else {
		parts = append(parts, T("members.active"))
	}
	if m.Locked {
		parts = append(parts, T("members.locked"))
	}
	return strings.Join(parts, "  ·  ")
}

func (p *membersPanel) fill() {
	p.statuses = p.load()
	p.rows.RemoveAll()
	admin := p.u.store.Can(data.PermMembers)
	for _, m := range p.statuses {
		label := newFitLabel(rowText(m))
		if !admin {
			if p.u.store.Can(data.PermHandover) { // a manager hands a rep's cards over
				p.rows.Add(container.NewBorder(nil, nil, nil, p.u.handoverButton(m.Member), label))
			} else {
				p.rows.Add(label)
			}
			continue
		}
		edit := widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() { p.editMember(m.Member) })
		reset := widget.NewButton(T("members.reset"), func() { p.resetPassword(m.Member) })
		activeText := T("members.deactivate")
		if !m.Active {
			activeText = T("members.reactivate")
		}
		var active, unlock *widget.Button
		active = widget.NewButton(activeText, func() { p.setActive(m.Member, !m.Active, active) })
		buttons := container.NewHBox(p.u.handoverButton(m.Member), edit, reset, active)
		if m.Locked {
			unlock = widget.NewButton(T("members.unlock"), func() { p.unlock(m.Member, unlock) })
			buttons.Add(unlock)
		}
		p.rows.Add(container.NewBorder(nil, nil, nil, buttons, label))
	}
	p.rows.Refresh()
}

// changed shows a member's change everywhere members are named (owners, filters, the title).
func (p *membersPanel) changed() {
	p.fill()
	if p.u.customers != nil {
		p.u.customers.fillChoices()
	}
	p.u.win.SetTitle(T("app.title") + " — " + p.u.me().Name)
}

// run does a member's change off the UI thread with ctl (the button that asked) disabled, and shows
// its refusal by code, or refreshes the rows.
func (p *membersPanel) run(ctl fyne.Disableable, call func() error, done func(error)) {
	p.u.write(ctl, call, func(err error) {
		if done != nil {
			done(err)
		}
		if err != nil {
			if done == nil {
				p.showRefusal(err)
			}
			return
		}
		p.changed()
	})
}

func (p *membersPanel) showRefusal(err error) {
	d := dialog.NewError(textError{signInErrorText(err)}, p.u.win)
	p.u.track(d)
	d.Show()
}

// memberForm is the add and edit dialog, held for tests.
type memberForm struct {
	fields                    map[string]*field
	name, login, phone, email *textEntry
	password                  *textEntry
	role                      *enumSelect[data.MemberRole]
	save                      *escButton
	d                         *dialog.CustomDialog
	msg                       *widget.Label
}

func (p *membersPanel) memberDialog(m data.Member, isNew bool) *memberForm {
	f := &memberForm{fields: map[string]*field{}, name: newEntry(m.Name), login: newEntry(m.Login), phone: newEntry(m.Phone),
		email: newEntry(m.Email), password: newPasswordEntry(), role: newEnumSelect("role", data.MemberRoles, false, m.Role), msg: newFormMessage()}
	var list []*field
	add := func(key string, o fyne.CanvasObject) {
		fl := newField(key, o)
		f.fields[key] = fl
		list = append(list, fl)
	}
	add("login", f.login)
	add("member_name", f.name)
	add("member_role", f.role)
	if isNew {
		add("password", f.password)
	} else {
		// The login is what the member signs in with: changed only by adding a member anew.
		f.login.Disable()
	}
	add("phone", f.phone)
	add("email", f.email)
	f.save = newDialogButton(T("action.save"), func() { p.saveMember(f, m, isNew) })
	f.save.Importance = widget.HighImportance
	cancel := newDialogButton(T("action.cancel"), func() { f.d.Hide() })
	title := T("member.title")
	if isNew {
		title = T("action.add_member")
	}
	f.d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil,
		container.NewVBox(f.msg, container.NewHBox(layout.NewSpacer(), cancel, f.save)), nil, nil, container.NewVScroll(formGrid(list...))), p.u.win)
	f.d.Resize(fyne.NewSize(480, 440))
	p.u.track(f.d)
	f.d.Show()
	return f
}

func (p *membersPanel) addMember() *memberForm {
	return p.memberDialog(data.Member{Role: data.MemberRep, Active: true}, true)
}

func (p *membersPanel) editMember(m data.Member) *memberForm {
	return p.memberDialog(m, false)
}

// saveMember checks what the form can check at its fields, then saves off the UI thread; the data
// layer's refusals show at their field or as the form's message, and the typing stays.
func (p *membersPanel) saveMember(f *memberForm, m data.Member, isNew bool) {
	for _, fl := range f.fields {
		fl.setError(nil)
	}
	clearMessage(f.msg)
	m.Name, m.Login, m.Phone, m.Email, m.Role = strings.TrimSpace(f.name.Text), strings.TrimSpace(f.login.Text), f.phone.Text, f.email.Text, f.role.value()
	ok := true
	if m.Name == "" {
		f.fields["member_name"].setError(data.ErrRequired)
		ok = false
	}
	if m.Login == "" {
		f.fields["login"].setError(data.ErrRequired)
		ok = false
	}
	pw := f.password.Text
	if isNew && len([]rune(pw)) < minPassword {
		f.fields["password"].setError(textError{T("signin.weak_password")})
		ok = false
	}
	if !ok {
		return
	}
	s := p.session()
	p.run(f.save, func() error {
		if isNew {
			_, err := s.AddMember(m, pw)
			return err
		}
		_, err := s.SaveMember(m)
		return err
	}, func(err error) {
		if err == nil {
			f.d.Hide()
			return
		}
		var fe data.FieldErrors
		if errors.As(err, &fe) {
			keys := map[string]string{"name": "member_name", "role": "member_role"}
			for _, e := range fe {
				k := e.Field
				if mk, ok := keys[k]; ok {
					k = mk
				}
				if fl, ok := f.fields[k]; ok {
					fl.setError(e.Err)
				} else {
					showMessage(f.msg, errorText(e.Err))
				}
			}
			return
		}
		if errors.Is(err, data.ErrWeakPassword) && isNew {
			f.fields["password"].setError(textError{T("signin.weak_password")})
			return
		}
		showMessage(f.msg, signInErrorText(err))
	})
}

// resetPassword gives a member a temporary password, to be replaced at the next sign-in.
func (p *membersPanel) resetPassword(m data.Member) *dialog.CustomDialog {
	pw := newPasswordEntry()
	pwField := newField("temp_password", pw)
	msg := newFormMessage()
	var d *dialog.CustomDialog
	var ok *escButton
	ok = newDialogButton(T("members.reset"), func() {
		pwField.setError(nil)
		if len([]rune(pw.Text)) < minPassword {
			pwField.setError(textError{T("signin.weak_password")})
			return
		}
		temp, s := pw.Text, p.session()
		p.run(ok, func() error { return s.ResetPassword(m.ID, temp) }, func(err error) {
			if err != nil {
				showMessage(msg, signInErrorText(err))
				return
			}
			d.Hide()
			showToast(p.u.win.Canvas(), Tf("members.reset_done", m.Name))
		})
	})
	ok.Importance = widget.HighImportance
	cancel := newDialogButton(T("action.cancel"), func() { d.Hide() })
	intro := widget.NewLabel(Tf("members.reset_text", m.Name))
	intro.Wrapping = proseWrap()
	d = dialog.NewCustomWithoutButtons(T("members.reset"), container.NewVBox(intro, formGrid(pwField), msg,
		container.NewHBox(layout.NewSpacer(), cancel, ok)), p.u.win)
	d.Resize(fyne.NewSize(460, 260))
	p.u.track(d)
	d.Show()
	return d
}

// ownedCards is how many cards the member owns, which a deactivation leaves without an active owner.
func (p *membersPanel) ownedCards(id uint64) int {
	page, _ := p.u.store.Customers(data.CustomerFilter{OwnerID: id, Limit: 1})
	return page.Total
}

// deactivateAsk is the question before deactivating a member who still owns cards, held for tests.
type deactivateAsk struct {
	d                      *dialog.CustomDialog
	handover, anyway, stop *escButton
	// handoverDialog is the handover it opened, once it did.
	handoverDialog *handoverDialog
}

// setActive reactivates a member, or deactivates one after a confirm; a member who still owns cards
// is offered the handover first (askHandoverFirst). ctl is the row's button.
func (p *membersPanel) setActive(m data.Member, active bool, ctl fyne.Disableable) {
	s := p.session()
	do := func() { p.run(ctl, func() error { return s.SetActive(m.ID, active) }, nil) }
	if active {
		do()
		return
	}
	if n := p.ownedCards(m.ID); n > 0 && p.u.store.Can(data.PermHandover) {
		p.askHandoverFirst(m, n, do)
		return
	}
	text := Tf("members.deactivate_text", m.Name)
	if n := p.ownedCards(m.ID); n > 0 {
		text += "\n\n" + Tf("members.deactivate_cards", m.Name, n)
	}
	d := dialog.NewConfirm(T("members.deactivate"), text, func(yes bool) {
		if yes {
			do()
		}
	}, p.u.win)
	p.u.track(d)
	d.Show()
}

// askHandoverFirst offers the handover of a leaving member's cards before the deactivation, which
// follows once the cards have moved. Deactivating at once stays possible, as an explicit choice: the
// admin may not know yet who takes the cards over, and a member who must not sign in again should
// not wait for that decision. The cards then keep their (inactive) owner, which hides them from reps
// and leaves them in managers' lists, where the handover button of this list still moves them.
func (p *membersPanel) askHandoverFirst(m data.Member, cards int, deactivate func()) *deactivateAsk {
	a := &deactivateAsk{}
	a.handover = newDialogButton(T("members.handover_first"), func() {
		a.d.Hide()
		a.handoverDialog = p.u.showHandoverThen(m.ID, deactivate)
	})
	a.handover.Importance = widget.HighImportance
	a.anyway = newDialogButton(T("members.deactivate_anyway"), func() {
		a.d.Hide()
		deactivate()
	})
	a.anyway.Importance = widget.DangerImportance
	a.stop = newDialogButton(T("action.cancel"), func() { a.d.Hide() })
	msg := widget.NewLabel(Tf("members.deactivate_owner", m.Name, cards, m.Name))
	msg.Wrapping = proseWrap()
	a.d = dialog.NewCustomWithoutButtons(T("members.deactivate"), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), a.stop, a.anyway, a.handover), nil, nil, msg), p.u.win)
	a.d.Resize(fyne.NewSize(520, 240))
	p.deactivating = a
	p.u.track(a.d)
	a.d.Show()
	return a
}

func (p *membersPanel) unlock(m data.Member, ctl fyne.Disableable) {
	s := p.session()
	p.run(ctl, func() error { return s.Unlock(m.ID) }, nil)
}
