package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data/office"
)

// discoverFor is how long the join dialog listens for hosts announcing themselves.
const discoverFor = 2 * time.Second

// discoverHosts lists the hosts on the office network; a variable so that tests list their own.
var discoverHosts = func() ([]office.Found, error) {
	return office.Discover(context.Background(), discoverFor)
}

// probeHost reads a host's certificate fingerprint; a variable for the same reason.
var probeHost = func(addr string) (office.Fingerprint, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return office.Probe(ctx, addr)
}

// joinForm is File → Connect (and the first start's "Join the office"), held so tests drive it.
type joinForm struct {
	d       *dialog.CustomDialog
	found   []office.Found
	list    *widget.List
	status  *widget.Label
	addr    *textEntry
	addrF   *field
	connect *widget.Button
	// picked is the listed host the address came from, whose announced fingerprint must match.
	picked *office.Found
	// pairing is the code comparison, once the host answered.
	pairing *pairingForm
}

// pairingForm asks whether the host's code and the one this desktop sees are the same.
type pairingForm struct {
	d             *dialog.CustomDialog
	code          *widget.Label
	match, differ *widget.Button
	fp            office.Fingerprint
	repin         bool
}

// showJoin opens the join dialog: the hosts that answer on the network, or an address typed.
func (u *ui) showJoin(then ...func()) *joinForm {
	f := &joinForm{status: widget.NewLabel(T("office.searching")), addr: newEntry("")}
	f.status.Wrapping = proseWrap()
	f.addr.SetPlaceHolder(T("office.address_hint"))
	f.addrF = newField("host_address", f.addr)
	if h, ok := rememberedHost(u.app.Preferences()); ok {
		f.addr.SetText(h.Addr)
	}
	f.list = widget.NewList(func() int { return len(f.found) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.ComputerIcon()), nil, widget.NewLabel("SalesDesk host 00000"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			h := f.found[i]
			o.(*fyne.Container).Objects[0].(*widget.Label).SetText(h.Name + " — " + h.Addr)
		})
	f.list.OnSelected = func(i widget.ListItemID) {
		if i < len(f.found) {
			h := f.found[i]
			f.picked = &h
			f.addr.SetText(h.Addr)
		}
	}
	f.addr.OnChanged = func(s string) {
		if f.picked != nil && s != f.picked.Addr {
			f.picked = nil
			f.list.UnselectAll()
		}
		f.addrF.setError(nil)
	}
	again := widget.NewButtonWithIcon(T("office.search_again"), theme.ViewRefreshIcon(), nil)
	search := func() {
		again.Disable()
		f.status.SetText(T("office.searching"))
		u.background(func() {
			found, err := discoverHosts()
			u.toUI(func() {
				again.Enable()
				f.found = found
				f.list.Refresh()
				switch {
				case err != nil:
					f.status.SetText(Tf("office.search_failed", errorText(err)))
				case len(found) == 0:
					f.status.SetText(T("office.none_found"))
				default:
					f.status.SetText(Tf("office.found", len(found)))
				}
			})
		})
	}
	again.OnTapped = search
	f.connect = widget.NewButtonWithIcon(T("office.connect"), theme.LoginIcon(), func() { u.probeJoin(f) })
	f.connect.Importance = widget.HighImportance
	f.addr.OnSubmitted = func(string) { f.connect.OnTapped() }
	cancel := widget.NewButton(T("action.cancel"), func() { f.d.Hide() })
	intro := widget.NewLabel(T("office.join_text"))
	intro.Wrapping = proseWrap()
	listBox := container.NewGridWrap(fyne.NewSize(480, 132), f.list)
	body := container.NewBorder(container.NewVBox(intro, container.NewBorder(nil, nil, nil, again, f.status)),
		container.NewVBox(formGrid(f.addrF), container.NewHBox(layout.NewSpacer(), cancel, f.connect)), nil, nil, listBox)
	f.d = dialog.NewCustomWithoutButtons(T("office.join_title"), body, u.win)
	f.d.Resize(fyne.NewSize(560, 460))
	u.track(f.d, then...)
	f.d.Show()
	u.win.Canvas().Focus(f.addr)
	search()
	return f
}

// probeJoin reads the host's certificate and compares it: with the pin this desktop keeps for the
// address (the same: sign in; another: the user must compare codes again), or asks to compare codes.
func (u *ui) probeJoin(f *joinForm) {
	addr, err := normalizeHostAddr(f.addr.Text)
	if err != nil {
		f.addrF.setError(err)
		return
	}
	f.connect.Disable()
	f.status.SetText(Tf("office.contacting", addr))
	picked := f.picked
	u.background(func() {
		fp, err := probeHost(addr)
		u.toUI(func() {
			f.connect.Enable()
			if err != nil {
				f.status.SetText("")
				f.addrF.setError(textError{Tf("office.unreachable", addr)})
				return
			}
			if picked != nil && picked.Fingerprint != "" && !matchesAnnounced(fp, picked.Fingerprint) {
				// Anyone on the network can announce a name: the certificate is what counts.
				f.addrF.setError(textError{T("office.announce_mismatch")})
				return
			}
			name := addr
			if picked != nil {
				name = picked.Name
			}
			h := joinedHost{Host: office.Host{Addr: addr, Pin: fp}, Name: name}
			prev, had := u.pinFor(addr)
			if had && prev == fp {
				f.d.Hide()
				u.useHost(h, false)
				return
			}
			f.pairing = u.askPairing(h, had, func() { f.d.Hide() })
		})
	})
}

// pinFor is the certificate this desktop pinned for addr, if it paired with it before.
func (u *ui) pinFor(addr string) (office.Fingerprint, bool) {
	p := u.app.Preferences()
	if p.String(prefOfficePinAddr) != addr {
		return "", false
	}
	fp, err := office.ParseFingerprint(p.String(prefOfficePin))
	return fp, err == nil
}

// matchesAnnounced compares a certificate with the start of a fingerprint a host announced.
func matchesAnnounced(fp office.Fingerprint, announced string) bool {
	return len(announced) > len("SHA256:") && len(string(fp)) >= len(announced) && string(fp)[:len(announced)] == announced
}

// askPairing shows the code of the host's certificate beside the question whether it is the one the
// host shows. changed says this desktop paired with another certificate at that address before.
func (u *ui) askPairing(h joinedHost, changed bool, done func()) *pairingForm {
	p := &pairingForm{fp: h.Pin, repin: changed}
	p.code = widget.NewLabelWithStyle(h.Pin.PairingCode(), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	p.code.SizeName = theme.SizeNameHeadingText
	text := T("office.pairing_text")
	if changed {
		text = T("office.pin_changed")
	}
	intro := widget.NewLabel(Tf("office.pairing_host", h.label()) + "\n\n" + text)
	intro.Wrapping = proseWrap()
	fpLine := widget.NewLabel(string(h.Pin))
	fpLine.Importance = widget.LowImportance
	fpLine.Truncation = fyne.TextTruncateEllipsis
	p.differ = widget.NewButton(T("office.codes_differ"), func() {
		p.d.Hide()
		dialog.ShowInformation(T("office.pairing_title"), T("office.codes_differ_text"), u.win)
	})
	p.match = widget.NewButtonWithIcon(T("office.codes_match"), theme.ConfirmIcon(), func() {
		p.d.Hide()
		u.app.Preferences().SetString(prefOfficePinAddr, h.Addr)
		if !changed {
			u.app.Preferences().SetString(prefOfficePin, string(h.Pin))
		}
		u.useHost(h, changed)
		done()
	})
	p.match.Importance = widget.HighImportance
	if changed {
		p.match.Importance = widget.WarningImportance
	}
	p.d = dialog.NewCustomWithoutButtons(T("office.pairing_title"), container.NewVBox(intro, p.code, fpLine,
		container.NewHBox(layout.NewSpacer(), p.differ, p.match)), u.win)
	p.d.Resize(fyne.NewSize(520, 360))
	u.track(p.d)
	p.d.Show()
	return p
}
