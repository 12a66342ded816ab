package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// demoCustomers is the size of the demo a first start offers: enough to feel like a real team's year.
const demoCustomers = 300

// offerDemo greets an empty database: load the demo, or start with the user as the first member.
func (u *ui) offerDemo() {
	name := newEntry("")
	name.SetPlaceHolder(T("welcome.your_name"))
	nameField := newField("member_name", name)
	var d *dialog.CustomDialog
	demo := widget.NewButton(Tf("welcome.demo", demoCustomers), func() {
		d.Hide()
		u.loadDemo()
	})
	demo.Importance = widget.HighImportance
	empty := widget.NewButton(T("welcome.empty"), func() {
		m, err := u.store.SaveMember(data.Member{Name: strings.TrimSpace(name.Text), Role: data.MemberAdmin, Active: true})
		if err != nil {
			nameField.setError(data.ErrRequired)
			return
		}
		u.store = u.file.SessionAs(m.ID)
		d.Hide()
		u.buildUI()
	})
	name.OnSubmitted = func(string) { empty.OnTapped() }
	// A team moving to a new computer brings its JSON export (Settings → Export everything).
	fromJSON := widget.NewButton(T("welcome.from_json"), func() { u.importJSON(d) })
	u.welcome = welcomeForm{name: name, demo: demo, empty: empty}
	intro := widget.NewLabel(T("welcome.text"))
	intro.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustomWithoutButtons(T("welcome.title"), container.NewVBox(intro, demo, widget.NewSeparator(),
		formGrid(nameField), empty, widget.NewSeparator(), fromJSON), u.win)
	d.Resize(fyne.NewSize(520, 400))
	d.Show()
}

// welcomeForm is the first start's dialog, held so tests drive it as a user would.
type welcomeForm struct {
	name        *textEntry
	demo, empty *widget.Button
}

// loadDemo generates the demo off the UI thread with a progress bar; the screens reload when done.
func (u *ui) loadDemo() {
	bar := widget.NewProgressBar()
	d := dialog.NewCustomWithoutButtons(T("welcome.loading"), bar, u.win)
	d.Show()
	go func() {
		err := u.fillDemo(data.DemoOptions{Customers: demoCustomers, Seed: 1, Now: u.now(),
			Progress: func(done, total int) {
				fyne.Do(func() { bar.SetValue(float64(done) / float64(total)) })
			}})
		fyne.Do(func() {
			d.Hide()
			if err != nil {
				u.showError(u.win, err)
				return
			}
			u.buildUI()
		})
	}()
}

// finishDemo finishes a demo that was interrupted, off the UI thread, with a progress bar.
func (u *ui) finishDemo(d data.InterruptedDemo) {
	bar := widget.NewProgressBar()
	bar.SetValue(float64(d.Done) / float64(d.Customers))
	dlg := dialog.NewCustomWithoutButtons(Tf("welcome.finishing", d.Done, d.Customers), bar, u.win)
	dlg.Show()
	st := u.file
	u.background(func() {
		err := data.ResumeDemo(st, func(done, total int) {
			fyne.Do(func() { bar.SetValue(float64(done) / float64(total)) })
		})
		fyne.Do(func() {
			dlg.Hide()
			if err != nil {
				u.showError(u.win, err)
				return
			}
			u.buildUI()
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
	showFileDialog(open, u.win)
}
