package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

// handoverDialog moves one member's cards, with their open deals and planned follow-ups, to another
// member or to the pool: the counts first, then the move on confirmation.
type handoverDialog struct {
	u       *ui
	from    data.Member
	targets []data.Member // active members other than from; index 0 of the select is the pool
	to      *escSelect
	counts  *widget.Label
	confirm *escButton
	dlg     dialog.Dialog
	preview data.HandoverCounts
	// done is the result of the move, for tests.
	done *data.HandoverCounts
	// then runs once the cards are handed over: a deactivation waiting for its handover.
	then func()
}

// showHandover opens the handover of fromMemberID's cards; the members screen and the review call it.
func (u *ui) showHandover(fromMemberID uint64) *handoverDialog {
	return u.showHandoverThen(fromMemberID, nil)
}

// showHandoverThen is showHandover with then to run after the move succeeded.
func (u *ui) showHandoverThen(fromMemberID uint64, then func()) *handoverDialog {
	from, err := u.store.Member(fromMemberID)
	if err != nil {
		return nil
	}
	h := &handoverDialog{u: u, from: from, then: then}
	names := []string{T("handover.to_pool")}
	for _, m := range u.members() {
		if m.Active && m.ID != from.ID {
			h.targets = append(h.targets, m)
			names = append(names, m.Name)
		}
	}
	h.to = newDialogSelect(names, func(string) { h.onTargetChanged() })
	h.counts = widget.NewLabel(T("handover.pick_target"))
	h.counts.Wrapping = proseWrap()
	h.confirm = newDialogButton(T("handover.confirm"), h.onConfirm)
	h.confirm.Importance = widget.DangerImportance
	h.confirm.Disable()
	cancel := newDialogButton(T("action.cancel"), func() { h.dlg.Hide() })
	// The buttons at the foot on the right, as in every other dialog (they stood at the left, under
	// the counts, above an empty third of the dialog).
	body := container.NewBorder(container.NewVBox(
		widget.NewLabel(Tf("handover.from", from.Name)),
		widget.NewForm(widget.NewFormItem(T("handover.to"), h.to)),
		h.counts), container.NewHBox(layout.NewSpacer(), cancel, h.confirm), nil, nil)
	h.dlg = dialog.NewCustomWithoutButtons(T("handover.title"), body, u.win)
	h.dlg.Resize(fyne.NewSize(460, 280))
	u.track(h.dlg)
	h.dlg.Show()
	return h
}

func (h *handoverDialog) request() (data.HandoverRequest, bool) {
	i := h.to.SelectedIndex()
	if i < 0 {
		return data.HandoverRequest{}, false
	}
	r := data.HandoverRequest{From: h.from.ID}
	if i > 0 {
		r.To = h.targets[i-1].ID
	}
	return r, true
}

// onTargetChanged previews what the move would take.
func (h *handoverDialog) onTargetChanged() {
	r, ok := h.request()
	if !ok {
		return
	}
	h.confirm.Disable()
	h.u.background(func() {
		n, err := h.u.store.HandoverPreview(r)
		fyne.Do(func() {
			if err != nil {
				h.counts.SetText(poolErrorText(err))
				return
			}
			h.preview = n
			h.counts.SetText(Tf("handover.preview", n.Customers, n.OpenDeals, n.Planned))
			setEnabled(h.confirm, n.Customers > 0)
		})
	})
}

func (h *handoverDialog) onConfirm() {
	r, ok := h.request()
	if !ok {
		return
	}
	var n data.HandoverCounts
	st := h.u.store
	h.u.write(h.confirm, func() (err error) {
		n, err = st.Handover(r)
		return err
	}, func(err error) {
		if err != nil {
			// The dialog stays, with the target still chosen, so the manager may try again.
			h.counts.SetText(poolErrorText(err))
			return
		}
		h.done = &n
		h.dlg.Hide()
		showToast(h.u.win.Canvas(), Tf("handover.done", n.Customers, n.OpenDeals))
		h.u.refreshAll()
		if h.then != nil {
			h.then()
		}
	})
}

// handoverButton is the team list's entry to a member's handover, for a manager or admin.
func (u *ui) handoverButton(m data.Member) fyne.CanvasObject {
	b := widget.NewButton(T("handover.button"), func() { u.showHandover(m.ID) })
	b.Importance = widget.LowImportance
	if !u.store.Can(data.PermHandover) {
		b.Hide()
	}
	return b
}
