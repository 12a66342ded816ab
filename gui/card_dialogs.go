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

// contactForm edits one contact; its fields check themselves before the dialog accepts.
type contactForm struct {
	name, title, phone, email, birthday, notes *textEntry
	role                                       *enumSelect[data.ContactRole]
	primary                                    *escCheck
	fields                                     []*field
}

func newContactForm(ct data.Contact) *contactForm {
	f := &contactForm{
		name: newEntry(ct.Name), title: newEntry(ct.Title), phone: newEntry(ct.Phone), email: newEntry(ct.Email),
		birthday: newDateEntry(ct.Birthday), notes: newMultiLine(ct.Notes),
		role:    newEnumSelect("role", data.ContactRoles, true, ct.Role),
		primary: newDialogCheck("", nil), // the field's label says what it is
	}
	f.primary.SetChecked(ct.Primary)
	f.phone.SetPlaceHolder(T("hint.phone"))
	f.fields = []*field{newField("contact_name", f.name), newField("title", f.title), newField("phone", f.phone),
		newField("email", f.email), newField("birthday", f.birthday), newField("role", f.role),
		newField("primary", f.primary), newField("contact_notes", f.notes)}
	return f
}

// value returns the contact typed, or the problems at their fields.
func (f *contactForm) value() (data.Contact, bool) {
	ct := data.Contact{Name: strings.TrimSpace(f.name.Text), Title: strings.TrimSpace(f.title.Text),
		Phone: strings.TrimSpace(f.phone.Text), Email: strings.TrimSpace(f.email.Text), Role: f.role.value(),
		Primary: f.primary.Checked, Notes: f.notes.Text}
	errs := map[string]error{}
	if ct.Name == "" {
		errs["contact_name"] = data.ErrRequired
	}
	if ct.Phone != "" {
		if _, err := data.ParsePhone(ct.Phone); err != nil {
			errs["phone"] = err
		}
	}
	if ct.Email != "" {
		if _, err := data.ValidateEmail(ct.Email); err != nil {
			errs["email"] = err
		}
	}
	var err error
	if ct.Birthday, err = parseOptionalDate(f.birthday.Text); err != nil {
		errs["birthday"] = err
	}
	for _, fl := range f.fields {
		fl.setError(errs[fl.key])
	}
	return ct, len(errs) == 0
}

// editContact opens the contact form for contact i, or for a new one when i < 0.
func (cw *cardWindow) editContact(i int) {
	var ct data.Contact
	if i >= 0 && i < len(cw.contacts) {
		ct = cw.contacts[i]
	} else if len(cw.contacts) == 0 {
		ct.Primary = true
	}
	form := newContactForm(ct)
	var d *dialog.CustomDialog
	save := widget.NewButton(T("action.ok"), func() {
		v, ok := form.value()
		if !ok {
			return
		}
		if i >= 0 && i < len(cw.contacts) {
			cw.contacts[i] = v
		} else {
			cw.contacts = append(cw.contacts, v)
			i = len(cw.contacts) - 1
		}
		if v.Primary {
			for j := range cw.contacts {
				cw.contacts[j].Primary = j == i
			}
		}
		cw.contactList.Refresh()
		cw.preview()
		d.Hide()
	})
	save.Importance = widget.HighImportance
	cw.contactForm, cw.contactOK = form, save
	cancel := widget.NewButton(T("action.cancel"), func() { d.Hide() })
	// The form scrolls inside a fixed dialog, so a message under a field never pushes the buttons out.
	d = dialog.NewCustomWithoutButtons(T("contact.title"), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), cancel, save), nil, nil, container.NewVScroll(formGrid(form.fields...))), cw.win)
	d.Resize(fyne.NewSize(520, 520))
	cw.u.track(d)
	d.Show()
	cw.win.Canvas().Focus(form.name)
}

func (cw *cardWindow) removeContact(i int) {
	if i < 0 || i >= len(cw.contacts) {
		return
	}
	d := confirm(T("contact.remove_title"), Tf("contact.remove_question", cw.contacts[i].Name), T("action.remove"), func(ok bool) {
		if !ok {
			return
		}
		wasPrimary := cw.contacts[i].Primary
		cw.contacts = append(cw.contacts[:i:i], cw.contacts[i+1:]...)
		if wasPrimary && len(cw.contacts) > 0 {
			cw.contacts[0].Primary = true
		}
		cw.contactList.Refresh()
		cw.preview()
	}, cw.win)
	cw.u.track(d)
	d.Show()
}

// followUpForm is template 3 of seed 000 plus the next follow-up plan.
type followUpForm struct {
	date, topic, feedback, action, deadline, result, nextDate, nextAction *textEntry
	method                                                                *enumSelect[data.Method]
	next                                                                  activityInputs
	contact                                                               *widget.SelectEntry
	proactive                                                             *escCheck
	fields                                                                map[string]*field
	order                                                                 []*field
}

func (cw *cardWindow) newFollowUpForm() *followUpForm {
	f := &followUpForm{
		date: newDateEntry(data.DateOf(cw.u.now())), topic: newEntry(""), feedback: newMultiLine(""),
		action: newEntry(""), deadline: newDateEntry(zeroTime), result: newEntry(""),
		nextDate: newDateEntry(zeroTime), nextAction: newEntry(""),
		method:    newEnumSelect("method", data.Methods, false, data.MethodPhone),
		proactive: newDialogCheck("", nil),
		fields:    map[string]*field{},
		next:      newActivityInputs(data.NextPlan{}),
	}
	var names []string
	for _, ct := range cw.c.Contacts {
		names = append(names, ct.Name)
	}
	f.contact = widget.NewSelectEntry(names)
	if pc := cw.c.PrimaryContact(); pc.Name != "" {
		f.contact.SetText(pc.Name)
	}
	f.proactive.SetChecked(true)
	f.nextDate.SetPlaceHolder(T("hint.next_by_plan"))
	for _, p := range []struct {
		key string
		o   fyne.CanvasObject
	}{{"date", f.date}, {"method", f.method}, {"contact", f.contact}, {"topic", f.topic}, {"feedback", f.feedback},
		{"action", f.action}, {"deadline", f.deadline}, {"result", f.result}, {"proactive", f.proactive},
		{"next_date", f.nextDate}, {"next_time", f.next.time}, {"next_kind", f.next.kind}, {"next_remind", f.next.remind},
		{"next_action_plan", f.nextAction}} {
		fl := newField(p.key, p.o)
		f.fields[p.key] = fl
		f.order = append(f.order, fl)
	}
	return f
}

func (f *followUpForm) value(customerID uint64) (data.FollowUp, data.NextPlan, data.FieldErrors) {
	var fe data.FieldErrors
	fu := data.FollowUp{CustomerID: customerID, Method: f.method.value(), Contact: strings.TrimSpace(f.contact.Text),
		Topic: strings.TrimSpace(f.topic.Text), Feedback: f.feedback.Text, Action: strings.TrimSpace(f.action.Text),
		Result: strings.TrimSpace(f.result.Text), Proactive: f.proactive.Checked}
	var err error
	if strings.TrimSpace(f.date.Text) == "" {
		fe.Add("date", data.ErrRequired)
	} else if fu.Date, err = data.ParseDate(f.date.Text); err != nil {
		fe.Add("date", err)
	}
	if fu.Deadline, err = parseOptionalDate(f.deadline.Text); err != nil {
		fe.Add("deadline", err)
	}
	var next data.NextPlan
	if next.Date, err = parseOptionalDate(f.nextDate.Text); err != nil {
		fe.Add("next_date", err)
	}
	next.Action = strings.TrimSpace(f.nextAction.Text)
	f.next.read(&next, &fe)
	return fu, next, fe
}

func (f *followUpForm) show(fe data.FieldErrors) {
	for _, fl := range f.order {
		fl.setError(fe.For(fl.key))
	}
}

// onLogFollowUp opens the follow-up form; saving warns first when a contact cap would be passed.
func (cw *cardWindow) onLogFollowUp() {
	form := cw.newFollowUpForm()
	var d *dialog.CustomDialog
	save := widget.NewButton(T("action.save"), func() {
		fu, next, fe := form.value(cw.c.ID)
		fe = mergeProblems(fe, data.ValidateFollowUp(&fu, cw.u.now()))
		form.show(fe)
		if fe.Any() {
			return
		}
		commit := func() { cw.logFollowUp(fu, next, form, cw.followUpOK, d.Hide) }
		if fu.Proactive {
			if w, err := cw.u.store.CapCheck(cw.c.ID, fu.Date); err == nil && w != data.CapNone {
				c := confirm(T("cap.title"), T("cap."+string(w)), T("action.log_anyway"), func(ok bool) {
					if ok {
						commit()
					}
				}, cw.win)
				cw.u.track(c)
				c.Show()
				return
			}
		}
		commit()
	})
	save.Importance = widget.HighImportance
	cw.followUpForm, cw.followUpOK = form, save
	cancel := widget.NewButton(T("action.cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(T("followup.title"), container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), cancel, save), nil, nil,
		container.NewVScroll(formGrid(form.order...))), cw.win)
	d.Resize(fyne.NewSize(620, 640))
	cw.u.track(d)
	d.Show()
	cw.win.Canvas().Focus(form.topic)
}

// logFollowUp saves off the UI thread with ok disabled, then closes the form (hide); on failure the
// form stays open with what was typed.
func (cw *cardWindow) logFollowUp(fu data.FollowUp, next data.NextPlan, form *followUpForm, ok *widget.Button, hide func()) {
	var saved data.FollowUp
	var c data.Customer
	st := cw.u.store
	cw.u.write(ok, func() (err error) {
		saved, c, err = st.LogFollowUp(fu, next)
		return err
	}, func(err error) {
		if err != nil {
			var fe data.FieldErrors
			if errors.As(err, &fe) {
				form.show(fe)
			} else {
				cw.u.showError(cw.win, err)
			}
			return
		}
		hide()
		cw.loggedFollowUp(saved, c)
	})
}

func (cw *cardWindow) loggedFollowUp(saved data.FollowUp, c data.Customer) {
	cw.followUps = append([]data.FollowUp{saved}, cw.followUps...)
	sortFollowUps(cw.followUps)
	cw.c.LastFollowUp, cw.c.NextFollowUp, cw.c.NextAction, cw.c.FirstContact, cw.c.Version =
		c.LastFollowUp, c.NextFollowUp, c.NextAction, c.FirstContact, c.Version
	cw.c.NextTime, cw.c.NextKind, cw.c.NextRemind = c.NextTime, c.NextKind, c.NextRemind
	cw.nextDate.SetText(editDate(c.NextFollowUp))
	cw.nextAct.SetText(cw.u.agenda.actionText(c.NextAction))
	cw.first.SetText(editDate(c.FirstContact))
	cw.timeline.Refresh()
	cw.refreshHeader()
	cw.u.refreshAll()
}

// confirmResult records the result of an open action, which takes it off the agenda.
func (cw *cardWindow) confirmResult(f data.FollowUp) { cw.confirmResultWith(f, "") }

// confirmResultWith asks for the result starting from typed: the dialog closes before its save, so a
// save that fails opens it again with what was typed rather than losing it.
func (cw *cardWindow) confirmResultWith(f data.FollowUp, typed string) {
	result := newEntry(typed)
	fl := newField("result", result)
	d := dialog.NewForm(T("followup.confirm_title"), T("action.save"), T("action.cancel"),
		[]*widget.FormItem{widget.NewFormItem(T("field.action"), widget.NewLabel(f.Action)), widget.NewFormItem(fl.label.Text, result)},
		func(ok bool) {
			if !ok {
				return
			}
			var saved data.FollowUp
			st, typed := cw.u.store, result.Text
			cw.u.write(nil, func() (err error) {
				saved, err = st.ConfirmResult(f.CustomerID, f.ID, strings.TrimSpace(typed))
				return err
			}, func(err error) {
				if err != nil {
					cw.u.showError(cw.win, err)
					cw.confirmResultWith(f, typed)
					return
				}
				for i := range cw.followUps {
					if cw.followUps[i].ID == saved.ID {
						cw.followUps[i] = saved
					}
				}
				cw.timeline.Refresh()
				cw.u.refreshAll()
			})
		}, cw.win)
	result.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(T("err.required"))
		}
		return nil
	}
	// Save stays disabled until a result is typed: the empty field need not show an error at once.
	result.AlwaysShowValidationError = false
	result.OnSubmitted = func(string) { // Enter saves, as Save does once a result is typed
		if result.Validate() == nil {
			d.Submit()
		}
	}
	cw.u.track(d)
	// Wide enough for a sentence of result (the form's own size fits the entry's placeholder), and
	// the cursor in it, since typing the result is all the dialog asks.
	d.Resize(fyne.NewSize(min(520, cw.win.Canvas().Size().Width-40), d.MinSize().Height))
	d.Show()
	cw.win.Canvas().Focus(result)
}

// confirm asks a yes-or-no question with SalesDesk's own button words (Fyne's follow the system
// locale, not the language chosen in Settings) and a message that wraps instead of running under the
// dialog's icon.
func confirm(title, message, yes string, done func(bool), w fyne.Window) *dialog.CustomDialog {
	msg := widget.NewLabel(message)
	msg.Wrapping = proseWrap()
	var d *dialog.CustomDialog
	ok := newDialogButton(yes, func() {
		d.Hide()
		done(true)
	})
	ok.Importance = widget.HighImportance
	cancel := newDialogButton(T("action.cancel"), func() {
		d.Hide()
		done(false)
	})
	d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), cancel, ok), nil, nil, msg), w)
	d.Resize(fyne.NewSize(460, 200))
	return d
}

// archiveIcon is an archive box (Material Design's "archive", as Fyne's own icons are): archiving
// puts a card away, restorable, so it must not look like Delete's bin.
var archiveIcon = theme.NewThemedResource(fyne.NewStaticResource("archive.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">`+
	`<path d="M20.54 5.23l-1.39-1.68C18.88 3.21 18.47 3 18 3H6c-.47 0-.88.21-1.16.55L3.46 5.23C3.17 5.57 3 6.02 3 6.5V19c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2V6.5c0-.48-.17-.93-.46-1.27zM12 17.5L6.5 12H10v-2h4v2h3.5L12 17.5zM5.12 5l.81-1h12.12l.94 1H5.12z"/></svg>`)))

// setReadOnly disables every input and action of the card but restore while it is archived: the
// store refuses changes to an archived card (data.ErrArchived), so the window must not invite them.
func (cw *cardWindow) setReadOnly(ro bool) {
	// The name is disabled by nothing else, so it tells the state the window is in; the header is
	// shown again on every keystroke, and this walk must not run each time.
	if cw.name.Disabled() == ro {
		return
	}
	for _, f := range cw.fields {
		if d, ok := f.input.(fyne.Disableable); ok {
			setEnabled(d, !ro)
		}
	}
	for _, d := range []fyne.Disableable{cw.manMoney, cw.manAuth, cw.manNeed, cw.saveBtn, cw.addContactBtn, cw.newDealBt} {
		setEnabled(d, !ro)
	}
	if ro {
		// A disabled entry that keeps the focus still shows its selection, as if it took typing.
		cw.win.Canvas().Unfocus()
	}
	cw.contactList.Refresh()
}

func setEnabled(d fyne.Disableable, on bool) {
	if on {
		d.Enable()
	} else {
		d.Disable()
	}
}

// showSavedAmounts puts the saved amounts back in their entries in the one form amounts take
// everywhere (300,000): what was typed as 300000 or 30万 reads as the card shows it when opened again.
func (cw *cardWindow) showSavedAmounts(saved data.Customer) {
	for _, a := range []struct {
		e *textEntry
		v data.Amount
	}{{cw.budget, saved.Budget}, {cw.annual, saved.AnnualPurchase}, {cw.creditLimit, saved.CreditLimit}, {cw.receivables, saved.Receivables}} {
		if t := editAmount(a.v); a.e.Text != t {
			a.e.SetText(t)
		}
	}
}
