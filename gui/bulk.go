package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// bulkAsk is the confirmation of a bulk action: what it does to how many cards, with the one choice
// it needs (an owner, a tag) above, and its problem, if the store refuses, under that choice.
type bulkAsk struct {
	d       *dialog.CustomDialog
	owner   *escSelect
	tag     *textEntry
	msg     *widget.Label
	problem *widget.Label
	confirm *widget.Button
}

func (s *customersScreen) onBulkMenu() {
	n := len(s.selected)
	item := func(key string, fn func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(T(key), fn)
		it.Disabled = n == 0
		return it
	}
	menu := fyne.NewMenu("",
		item("bulk.owner", s.onBulkOwner),
		item("bulk.tag", s.onBulkTag),
		item("bulk.archive", s.onBulkArchive),
		item("bulk.export", s.onBulkExport),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(Tf("bulk.select_all", formatInt(s.total)), s.selectAllMatching),
		item("bulk.clear", s.clearSelection),
	)
	c := fyne.CurrentApp().Driver().CanvasForObject(s.bulkBtn)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.bulkBtn).Add(fyne.NewPos(0, s.bulkBtn.Size().Height))
	widget.ShowPopUpMenuAtPosition(menu, c, pos)
}

// askBulk opens the confirmation; choice may be nil. On confirming, prepare reads the dialog's widgets
// on the UI thread and returns the work, which runs off it and returns the note to show.
func (s *customersScreen) askBulk(title string, choice fyne.CanvasObject, prepare func(ids []uint64) func() (string, error)) *bulkAsk {
	ids := s.selectedIDs()
	a := &bulkAsk{}
	a.msg = widget.NewLabel("")
	a.msg.Wrapping = proseWrap()
	a.problem = widget.NewLabel("")
	a.problem.Importance = widget.DangerImportance
	a.problem.Wrapping = proseWrap()
	a.problem.Hide()
	a.confirm = widget.NewButton(T("action.ok"), nil)
	a.confirm.Importance = widget.HighImportance
	cancel := widget.NewButton(T("action.cancel"), nil)
	box := container.NewVBox()
	if choice != nil {
		box.Add(choice)
	}
	box.Add(a.problem)
	box.Add(a.msg)
	a.d = dialog.NewCustomWithoutButtons(title, container.NewGridWrap(fyne.NewSize(380, box.MinSize().Height+40), box), s.u.win)
	a.d.SetButtons([]fyne.CanvasObject{cancel, a.confirm})
	cancel.OnTapped = a.d.Hide
	a.d.SetOnClosed(func() {
		if s.ask == a {
			s.ask = nil
		}
	})
	a.confirm.OnTapped = func() {
		run := prepare(ids)
		var note string
		s.u.write(a.confirm, func() (err error) {
			note, err = run()
			return err
		}, func(err error) {
			if err != nil {
				a.problem.SetText(errorText(err))
				a.problem.Show()
				return
			}
			a.d.Hide()
			clear(s.selected)
			s.reload()
			s.note.SetText(note)
		})
	}
	s.ask = a
	s.u.track(a.d)
	a.d.Show()
	return a
}

// onBulkOwner hands the selection to a member; the confirmation names the count and the new owner.
func (s *customersScreen) onBulkOwner() {
	n := len(s.selected)
	var names []string
	ids := map[string]uint64{}
	for _, m := range s.u.members() {
		if m.Active {
			names = append(names, m.Name)
			ids[m.Name] = m.ID
		}
	}
	owner := newDialogSelect(names, nil)
	owner.PlaceHolder = T("bulk.owner_pick")
	a := s.askBulk(T("bulk.owner_title"), labelled(T("col.owner"), owner), func(sel []uint64) func() (string, error) {
		name, st := owner.Selected, s.u.store
		return func() (string, error) {
			changed, err := st.BulkSetOwner(sel, ids[name])
			return Tf("bulk.owner_done", formatInt(changed), name), err
		}
	})
	a.owner = owner
	a.msg.SetText(Tf("bulk.owner_first", formatInt(n)))
	a.confirm.Disable()
	owner.OnChanged = func(name string) {
		a.msg.SetText(Tf("bulk.owner_confirm", formatInt(n), name))
		a.problem.Hide()
		a.confirm.Enable()
	}
}

// onBulkTag adds one tag to the selection.
func (s *customersScreen) onBulkTag() {
	n := len(s.selected)
	tag := newEntry("")
	tag.SetPlaceHolder(T("bulk.tag_hint"))
	a := s.askBulk(T("bulk.tag_title"), labelled(T("field.tags"), tag), func(sel []uint64) func() (string, error) {
		t, st := strings.TrimSpace(tag.Text), s.u.store
		return func() (string, error) {
			changed, err := st.BulkAddTag(sel, t)
			return Tf("bulk.tag_done", t, formatInt(changed)), err
		}
	})
	a.tag = tag
	a.msg.SetText(Tf("bulk.tag_first", formatInt(n)))
	a.confirm.Disable()
	tag.OnChanged = func(text string) {
		a.problem.Hide()
		if t := strings.TrimSpace(text); t != "" {
			a.msg.SetText(Tf("bulk.tag_confirm", formatInt(n), t))
			a.confirm.Enable()
		} else {
			a.msg.SetText(Tf("bulk.tag_first", formatInt(n)))
			a.confirm.Disable()
		}
	}
	s.u.win.Canvas().Focus(tag)
}

// onBulkArchive archives the selection; archived cards stay in the file and can be restored.
func (s *customersScreen) onBulkArchive() {
	n := len(s.selected)
	a := s.askBulk(T("bulk.archive_title"), nil, func(sel []uint64) func() (string, error) {
		st := s.u.store
		return func() (string, error) {
			changed, err := st.BulkArchive(sel)
			return Tf("bulk.archive_done", formatInt(changed)), err
		}
	})
	a.msg.SetText(Tf("bulk.archive_confirm", formatInt(n)))
	a.confirm.SetIcon(theme.FolderIcon())
}

// onBulkExport offers the export formats for the selection alone.
func (s *customersScreen) onBulkExport() {
	f := s.filter
	f.Only = make(map[uint64]bool, len(s.selected))
	for id := range s.selected {
		f.Only[id] = true
	}
	s.exportRows(f, len(f.Only))
}
