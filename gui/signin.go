package gui

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// prefLastLogin is the login name last signed in on this desktop; the password is never kept.
const prefLastLogin = "last_login"

// minPassword is the shortest password the forms accept before asking the data layer, which refuses
// the same (data.ErrWeakPassword): the message then shows at the field as the user types.
const minPassword = 8

// idleTickEvery is how often the idle lock looks at the time since the last input.
const idleTickEvery = 15 * time.Second

// sessionWithoutSignIn is the session of a file that opens without sign-in: a team of one, or a new
// file whose first member the welcome form makes.
func sessionWithoutSignIn(st *storage.Store) (*storage.Session, bool) {
	if s, ok := st.OpensWithoutSignIn(); ok {
		return s, true
	}
	if len(st.Members()) == 0 {
		return st.SessionAs(0), true
	}
	return nil, false
}

// begin shows the screens when the file needs no sign-in, the sign-in screen otherwise.
func (u *ui) begin() {
	if u.link != nil {
		u.showSignIn()
		return
	}
	if s, ok := sessionWithoutSignIn(u.file); ok {
		u.enter(s, "")
		return
	}
	u.showSignIn()
}

// enter puts a signed-in session behind every screen. password is what the member just typed: a
// password an admin reset must be changed first, and the change needs the old one.
func (u *ui) enter(s data.Service, password string) {
	if s.MustChangePassword() {
		u.showForcedChange(s, password)
		return
	}
	u.session, u.store = s, s
	u.local, _ = s.(data.LocalService)
	u.startFeed()
	u.lastInput = u.now()
	u.signIn = nil
	u.buildUI()
	if !u.entered {
		u.entered = true
		if u.onFirstEnter != nil {
			u.onFirstEnter()
		}
		return
	}
	u.refreshSelected()
}

// signInForm is the sign-in screen, held so tests drive it as a user would.
type signInForm struct {
	login, password *textEntry
	button          *widget.Button
	msg             *widget.Label
	// demoHint gives the demo's password, on a file that holds only the demo's team; nil otherwise.
	demoHint *widget.Label
	content  fyne.CanvasObject
}

func newPasswordEntry() *textEntry {
	e := newEntry("")
	e.Password = true
	return e
}

// newFormMessage is a form's message line, empty until there is something to say. It keeps its
// place rather than showing and hiding, which would leave it where the layout last put it.
func newFormMessage() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = proseWrap()
	return l
}

func showMessage(l *widget.Label, text string) { l.SetText(text) }

func clearMessage(l *widget.Label) {
	if l.Text != "" {
		l.SetText("")
	}
}

// showSignIn replaces the window's content by the sign-in screen; the screens are built after it.
func (u *ui) showSignIn() {
	f := &signInForm{login: newEntry(u.app.Preferences().String(prefLastLogin)), password: newPasswordEntry(), msg: newFormMessage()}
	f.login.SetPlaceHolder(T("signin.login_hint"))
	f.button = widget.NewButtonWithIcon(T("signin.button"), theme.LoginIcon(), func() { u.submitSignIn(f) })
	f.button.Importance = widget.HighImportance
	f.login.OnSubmitted = func(string) { u.win.Canvas().Focus(f.password) }
	f.password.OnSubmitted = func(string) { u.submitSignIn(f) }
	title := widget.NewLabelWithStyle(T("signin.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	form := container.NewVBox(title, formGrid(newField("login", f.login), newField("password", f.password)), f.msg,
		container.NewHBox(layout.NewSpacer(), f.button))
	height := float32(300)
	if u.file != nil && u.file.IsDemoTeam() {
		// The demo's password is public (salesdesk demo prints it): whoever tries the demo needs it.
		f.demoHint = widget.NewLabel(Tf("signin.demo_hint", storage.DemoPassword))
		f.demoHint.Importance = widget.LowImportance
		f.demoHint.Wrapping = proseWrap()
		form.Add(f.demoHint)
		height += f.demoHint.MinSize().Height
	}
	where := ""
	if u.link != nil {
		// A joined desktop signs in at the host; it may join another or go back to its own file.
		where = Tf("office.signin_at", u.link.host.label())
		form.Add(container.NewHBox(widget.NewButton(T("office.connect_menu"), func() { u.showJoin() }), layout.NewSpacer(),
			widget.NewButton(T("office.own_file_menu"), u.useOwnFile)))
		height += 50
	} else {
		where = u.file.Path()
	}
	card := widget.NewCard(T("app.title"), where, form)
	f.content = container.NewCenter(container.NewGridWrap(fyne.NewSize(420, height), card))
	u.signIn = f
	u.session = nil
	u.win.SetMainMenu(nil)
	u.win.SetTitle(T("app.title"))
	u.win.SetContent(f.content)
	if f.login.Text == "" {
		u.win.Canvas().Focus(f.login)
	} else {
		u.win.Canvas().Focus(f.password)
	}
}

// submitSignIn checks the password off the UI thread (argon2id takes a fifth of a second), with the
// button disabled so that a second Enter does not count as a second failed try.
func (u *ui) submitSignIn(f *signInForm) {
	if f.button.Disabled() {
		return
	}
	login, password := strings.TrimSpace(f.login.Text), f.password.Text
	if login == "" || password == "" {
		showMessage(f.msg, T("signin.bad_login"))
		return
	}
	f.button.Disable()
	clearMessage(f.msg)
	u.background(func() {
		s, err := u.signInAt(login, password)
		fyne.Do(func() {
			f.button.Enable()
			if err != nil {
				f.password.SetText("")
				showMessage(f.msg, signInErrorText(err))
				return
			}
			if u.refusedRepin(s) {
				f.password.SetText("")
				showMessage(f.msg, T("office.repin_admin"))
				return
			}
			u.app.Preferences().SetString(prefLastLogin, login)
			u.enter(s, password)
		})
	})
}

// signInErrorText says why a sign-in or a member's change was refused, by the error's stable code.
func signInErrorText(err error) string {
	switch data.ErrorCode(err) {
	case data.CodeBadLogin:
		return T("signin.bad_login")
	case data.CodeSlowDown:
		var sd *data.SlowDown
		if errors.As(err, &sd) {
			return Tf("signin.slow_down", int(sd.Wait.Round(time.Second)/time.Second))
		}
		return T("signin.bad_login")
	case data.CodeAccountLock:
		return T("signin.account_locked")
	case data.CodeInactive:
		return T("signin.inactive")
	case data.CodeLastAdmin:
		return T("members.last_admin")
	case data.CodeForbidden:
		var r *data.Refusal
		if errors.As(err, &r) {
			return Tf("members.forbidden", enumLabel("role", data.LeastRole(r.Perm)))
		}
	}
	if errors.Is(err, data.ErrWeakPassword) {
		return T("signin.weak_password")
	}
	return errorText(err)
}

// checkNewPassword shows at the fields why a new password and its repetition are refused.
func checkNewPassword(pw, repeat *field) bool {
	ok := true
	pw.setError(nil)
	repeat.setError(nil)
	if len([]rune(pw.entry.Text)) < minPassword {
		pw.setError(textError{T("signin.weak_password")})
		ok = false
	}
	if repeat.entry.Text != pw.entry.Text {
		repeat.setError(textError{T("signin.repeat_differs")})
		ok = false
	}
	return ok
}

// showForcedChange asks for a new password before the screens: an admin reset this member's.
func (u *ui) showForcedChange(s data.Service, old string) {
	pw, repeat := newPasswordEntry(), newPasswordEntry()
	pwField, repeatField := newField("new_password", pw), newField("repeat_password", repeat)
	msg := newFormMessage()
	var ok *widget.Button
	ok = widget.NewButton(T("signin.change_button"), func() {
		if !checkNewPassword(pwField, repeatField) {
			return
		}
		newPw := pw.Text
		u.write(ok, func() error { return s.ChangePassword(old, newPw) }, func(err error) {
			if err != nil {
				showMessage(msg, signInErrorText(err))
				return
			}
			u.enter(s, newPw)
		})
	})
	ok.Importance = widget.HighImportance
	repeat.OnSubmitted = func(string) { ok.OnTapped() }
	intro := widget.NewLabel(Tf("signin.must_change", s.Me().Name))
	intro.Wrapping = proseWrap()
	card := widget.NewCard(T("signin.change_title"), "", container.NewVBox(intro, formGrid(pwField, repeatField), msg,
		container.NewHBox(layout.NewSpacer(), ok)))
	u.win.SetContent(container.NewCenter(container.NewGridWrap(fyne.NewSize(460, 320), card)))
	u.win.Canvas().Focus(pw)
}

// changePasswordForm is the change of one's own password, held for tests.
type changePasswordForm struct {
	old, pw, repeat *field
	ok              *widget.Button
	d               *dialog.CustomDialog
}

// changePassword asks for the old password and the new one twice; each problem shows at its field.
func (u *ui) changePassword() *changePasswordForm {
	f := &changePasswordForm{old: newField("old_password", newPasswordEntry()), pw: newField("new_password", newPasswordEntry()),
		repeat: newField("repeat_password", newPasswordEntry())}
	s := u.session
	f.ok = widget.NewButton(T("action.save"), func() {
		f.old.setError(nil)
		if !checkNewPassword(f.pw, f.repeat) {
			return
		}
		old, pw := f.old.entry.Text, f.pw.entry.Text
		u.write(f.ok, func() error { return s.ChangePassword(old, pw) }, func(err error) {
			switch {
			case err == nil:
				f.d.Hide()
				showToast(u.win.Canvas(), T("signin.password_changed"))
			case data.ErrorCode(err) == data.CodeBadLogin:
				f.old.setError(textError{T("signin.old_wrong")})
			case errors.Is(err, data.ErrWeakPassword):
				f.pw.setError(textError{T("signin.weak_password")})
			default:
				f.old.setError(textError{signInErrorText(err)})
			}
		})
	})
	f.ok.Importance = widget.HighImportance
	cancel := widget.NewButton(T("action.cancel"), func() { f.d.Hide() })
	f.d = dialog.NewCustomWithoutButtons(T("signin.change_title"), container.NewVBox(formGrid(f.old, f.pw, f.repeat),
		container.NewHBox(layout.NewSpacer(), cancel, f.ok)), u.win)
	f.d.Resize(fyne.NewSize(460, 300))
	u.track(f.d)
	f.d.Show()
	return f
}

// recordWindows are the open card, deal and forecast windows.
func (u *ui) recordWindows() []fyne.Window {
	seen := map[fyne.Window]bool{}
	var out []fyne.Window
	add := func(w fyne.Window) {
		if w != nil && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	for cw := range u.open {
		add(cw.win)
	}
	for w := range u.others {
		add(w)
	}
	for _, e := range u.windows {
		add(e.win)
	}
	return out
}

// dropRecordWindows closes every card, deal and forecast window, whatever they hold.
func (u *ui) dropRecordWindows() {
	for _, w := range u.recordWindows() {
		w.Close()
	}
	u.open = map[*cardWindow]bool{}
	u.cards = map[uint64]*cardWindow{}
	u.windows = nil
}

// signOut closes the record windows, asking first about each one with unsaved typing (askUnsaved),
// and goes back to the sign-in screen.
func (u *ui) signOut() {
	u.signingOut = true
	if u.askFirstUnsaved() {
		return
	}
	u.signingOut = false
	u.dropRecordWindows()
	u.lock = nil
	u.stopFeed()
	u.signOutRemote()
	u.showSignIn()
}

// touch notes keyboard or mouse input: the idle lock counts from the last one.
func (u *ui) touch() {
	if u.now != nil {
		u.lastInput = u.now()
	}
}

// idleTick locks the window once the settings' idle minutes passed without input.
func (u *ui) idleTick() {
	if u.session == nil || u.lock != nil || u.signIn != nil {
		return
	}
	min := u.teamSettings().IdleLockMinutes
	if min <= 0 || u.store.Me().Login == "" {
		// A member without a login has no password to unlock with (a file opened without sign-in).
		return
	}
	if u.now().Sub(u.lastInput) >= time.Duration(min)*time.Minute {
		u.lockNow()
	}
}

// startIdleLock ticks the idle lock on the UI thread.
func (u *ui) startIdleLock() {
	go func() {
		for range time.Tick(idleTickEvery) {
			fyne.Do(u.idleTick)
		}
	}()
}

// lockState is what the lock set aside, to put back as it was: nothing is closed or rebuilt, so that
// unsaved typing in the screens, dialogs and record windows stays.
type lockState struct {
	content  fyne.CanvasObject
	menu     *fyne.MainMenu
	overlays []fyne.CanvasObject
	hidden   []fyne.Window
	password *textEntry
	unlock   *widget.Button
	msg      *widget.Label
}

// lockNow hides the record windows and covers the main window with the password question.
func (u *ui) lockNow() {
	if u.lock != nil || u.session == nil {
		return
	}
	c := u.win.Canvas()
	l := &lockState{content: u.win.Content(), menu: u.win.MainMenu(), overlays: append([]fyne.CanvasObject(nil), c.Overlays().List()...),
		hidden: u.recordWindows(), password: newPasswordEntry(), msg: newFormMessage()}
	for _, o := range l.overlays {
		c.Overlays().Remove(o)
	}
	for _, w := range l.hidden {
		w.Hide()
	}
	me := u.store.Me()
	l.unlock = widget.NewButtonWithIcon(T("lock.unlock"), theme.LoginIcon(), func() { u.submitUnlock(l, me.Login) })
	l.unlock.Importance = widget.HighImportance
	l.password.OnSubmitted = func(string) { u.submitUnlock(l, me.Login) }
	out := widget.NewButton(T("signin.sign_out"), func() {
		u.unlockWith(u.session)
		u.signOut()
	})
	intro := widget.NewLabel(Tf("lock.text", me.Name))
	intro.Wrapping = proseWrap()
	card := widget.NewCard(T("lock.title"), "", container.NewVBox(intro, formGrid(newField("password", l.password)), l.msg,
		container.NewHBox(out, layout.NewSpacer(), l.unlock)))
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	u.lock = l
	u.win.SetMainMenu(nil)
	u.win.SetContent(container.NewStack(bg, container.NewCenter(container.NewGridWrap(fyne.NewSize(440, 280), card))))
	c.Focus(l.password)
}

func (u *ui) submitUnlock(l *lockState, login string) {
	if l.unlock.Disabled() {
		return
	}
	pw := l.password.Text
	l.unlock.Disable()
	clearMessage(l.msg)
	u.background(func() {
		s, err := u.signInAt(login, pw)
		fyne.Do(func() {
			l.unlock.Enable()
			if err != nil {
				l.password.SetText("")
				showMessage(l.msg, signInErrorText(err))
				return
			}
			u.unlockWith(s)
		})
	})
}

// unlockWith puts back what the lock set aside, with the session of the password just checked.
func (u *ui) unlockWith(s data.Service) {
	l := u.lock
	if l == nil {
		return
	}
	u.lock = nil
	if s != u.session {
		// A new session at the host (the old one ended with the lock or a restart of the host).
		u.signOutRemote()
		u.session, u.store = s, s
		u.local, _ = s.(data.LocalService)
		u.startFeed()
	}
	u.win.SetContent(l.content)
	u.win.SetMainMenu(l.menu)
	for _, o := range l.overlays {
		u.win.Canvas().Overlays().Add(o)
	}
	for _, w := range l.hidden {
		w.Show()
	}
	u.lastInput = u.now()
}

// inputWatch is the main window's outermost widget. Fyne asks every object under the pointer for its
// cursor on each mouse move (desktop.Cursorable), the outermost first, and the ones inside set theirs
// after: so the question is a mouse move over the window without standing in any widget's way, which
// a Hoverable or Tappable layer on top would. Keys come from the entries and the canvas (watchKeys).
type inputWatch struct {
	widget.BaseWidget
	content fyne.CanvasObject
	seen    func()
}

func newInputWatch(content fyne.CanvasObject, seen func()) *inputWatch {
	w := &inputWatch{content: content, seen: seen}
	w.ExtendBaseWidget(w)
	return w
}

func (w *inputWatch) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(w.content)
}

// Cursor is asked on each mouse move over the window.
func (w *inputWatch) Cursor() desktop.Cursor {
	w.seen()
	return desktop.DefaultCursor
}

// onInput is called on each key typed into a SalesDesk entry; the ui sets it.
var onInput func()

func noteInput() {
	if onInput != nil {
		onInput()
	}
}

// watchKeys counts the keys that reach a window's canvas: those no entry takes.
func (u *ui) watchKeys(w fyne.Window) {
	if dc, ok := w.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(*fyne.KeyEvent) { u.touch() })
	}
}
