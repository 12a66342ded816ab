package gui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// demoCustomers is the size of the demo a first start offers: enough to feel like a real team's year.
const demoCustomers = 300

// offerDemo greets an empty database: load the demo, or start with the user as the first member, who
// is the team's admin and chooses the password to sign in with once a second member is added.
func (u *ui) offerDemo() {
	name := newEntry("")
	name.SetPlaceHolder(T("welcome.your_name"))
	nameField := newField("member_name", name)
	login := newEntry("")
	loginField := newField("login", login)
	pw, repeat := newPasswordEntry(), newPasswordEntry()
	pwField, repeatField := newField("password", pw), newField("repeat_password", repeat)
	var d *dialog.CustomDialog
	demo := widget.NewButton(Tf("welcome.demo", demoCustomers), func() {
		d.Hide()
		u.loadDemo()
	})
	demo.Importance = widget.HighImportance
	empty := widget.NewButton(T("welcome.empty"), func() {
		ok := true
		nameField.setError(nil)
		loginField.setError(nil)
		if strings.TrimSpace(name.Text) == "" {
			nameField.setError(data.ErrRequired)
			ok = false
		}
		if strings.TrimSpace(login.Text) == "" {
			loginField.setError(data.ErrRequired)
			ok = false
		}
		if !checkNewPassword(pwField, repeatField) || !ok {
			return
		}
		first, password, session := data.Member{Name: strings.TrimSpace(name.Text), Login: strings.TrimSpace(login.Text),
			Role: data.MemberAdmin, Active: true}, pw.Text, u.session
		var m data.Member
		u.write(u.welcome.empty, func() (err error) {
			m, err = session.AddMember(first, password)
			return err
		}, func(err error) { u.firstMemberAdded(d, m, password, err) })
	})
	name.OnSubmitted = func(string) { u.win.Canvas().Focus(login) }
	login.OnSubmitted = func(string) { u.win.Canvas().Focus(pw) }
	pw.OnSubmitted = func(string) { u.win.Canvas().Focus(repeat) }
	repeat.OnSubmitted = func(string) { empty.OnTapped() }
	// A team moving to a new computer brings its JSON export (Settings → Export everything).
	fromJSON := widget.NewButton(T("welcome.from_json"), func() { u.importJSON(d) })
	// A desktop of a team that already works on a shared file joins it instead of starting its own.
	join := widget.NewButtonWithIcon(T("office.join_title"), theme.ComputerIcon(), func() {
		d.Hide()
		u.welcome.joining = u.showJoin(func() {
			if u.link == nil {
				d.Show() // not joined after all: the welcome's choices stay
			}
		})
	})
	u.welcome = welcomeForm{name: name, login: login, password: pw, repeat: repeat, demo: demo, empty: empty,
		nameField: nameField, loginField: loginField, passwordField: pwField, repeatField: repeatField}
	intro := widget.NewLabel(T("welcome.text_admin"))
	intro.Wrapping = proseWrap()
	d = dialog.NewCustomWithoutButtons(T("welcome.title"), container.NewVScroll(container.NewVBox(intro, demo, join, widget.NewSeparator(),
		formGrid(nameField, loginField, pwField, repeatField), empty, widget.NewSeparator(), fromJSON)), u.win)
	d.Resize(fyne.NewSize(560, 560))
	d.Show()
}

// afterDemo signs in to the filled file: the demo's members have passwords (salesdesk demo prints
// them), so a team of several asks for one.
func (u *ui) afterDemo() {
	if s, ok := u.file.OpensWithoutSignIn(); ok {
		u.enter(s, "")
		return
	}
	if u.session != nil && u.session.Me().ID != 0 {
		u.buildUI()
		return
	}
	u.showSignIn()
}

// welcomeForm is the first start's dialog, held so tests drive it as a user would.
type welcomeForm struct {
	name, login, password, repeat         *textEntry
	demo, empty                           *widget.Button
	nameField, passwordField, repeatField *field
	loginField                            *field
	// joining is the join dialog opened from the welcome, which comes back if nobody joined.
	joining *joinForm
}

// loadDemo generates the demo off the UI thread with a progress bar; the screens reload when done.
func (u *ui) loadDemo() {
	bar := widget.NewProgressBar()
	d := dialog.NewCustomWithoutButtons(T("welcome.loading"), bar, u.win)
	d.Show()
	go func() {
		err := u.fillDemo(storage.DemoOptions{Customers: demoCustomers, Seed: 1, Now: u.now(),
			Progress: func(done, total int) {
				fyne.Do(func() { bar.SetValue(float64(done) / float64(total)) })
			}})
		fyne.Do(func() {
			d.Hide()
			if err != nil {
				u.showError(u.win, err)
				return
			}
			u.afterDemo()
		})
	}()
}

// finishDemo finishes a demo that was interrupted, off the UI thread, with a progress bar.
func (u *ui) finishDemo(d storage.InterruptedDemo) {
	bar := widget.NewProgressBar()
	bar.SetValue(float64(d.Done) / float64(d.Customers))
	dlg := dialog.NewCustomWithoutButtons(Tf("welcome.finishing", d.Done, d.Customers), bar, u.win)
	dlg.Show()
	st := u.file
	u.background(func() {
		err := storage.ResumeDemo(st, func(done, total int) {
			fyne.Do(func() { bar.SetValue(float64(done) / float64(total)) })
		})
		fyne.Do(func() {
			dlg.Hide()
			if err != nil {
				u.showError(u.win, err)
				return
			}
			u.afterDemo()
		})
	})
}

// importJSON fills the empty file from a SalesDesk JSON export, off the UI thread.
func (u *ui) importJSON(welcome dialog.Dialog) {
	open := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			if err != nil {
				u.showError(u.win, err)
			}
			return
		}
		// The file is empty: nobody is a member yet to have done it.
		u.importJSONFrom(rc, data.System, welcome.Hide)
	}, u.win)
	showFileDialog(open, u.win, T("filedialog.import_json"))
}

// firstMemberAdded shows the first member's refusal at its fields, or enters as the new admin.
func (u *ui) firstMemberAdded(d *dialog.CustomDialog, m data.Member, password string, err error) {
	w := &u.welcome
	nameField, loginField, pwField := w.nameField, w.loginField, w.passwordField
	if err != nil {
		var fe data.FieldErrors
		if errors.As(err, &fe) {
			nameField.setError(fe.For("name"))
			loginField.setError(fe.For("login"))
			pwField.setError(fe.For("password"))
			return
		}
		if errors.Is(err, data.ErrWeakPassword) {
			pwField.setError(textError{T("signin.weak_password")})
			return
		}
		u.showError(u.win, err)
		return
	}
	d.Hide()
	u.app.Preferences().SetString(prefLastLogin, m.Login)
	// A team of one opens without sign-in; the member just chose the password and acts as itself.
	s, ok := u.file.OpensWithoutSignIn()
	if !ok {
		s = u.file.SessionAs(m.ID)
	}
	u.enter(s, password)
}
