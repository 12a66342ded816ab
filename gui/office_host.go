package gui

import (
	"log"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
	"salesdesk/data/office"
)

// The sharing side of office mode: Settings → "Share with the office" serves this window's file to
// the office's desktops while the window goes on working on it (office.StartHosting, as `salesdesk
// serve` does headless), shows the pairing code and who is connected, and asks before quitting
// takes them offline.

// prefOfficeShare remembers that this desktop shares its file, so that it shares again at start;
// prefOfficeListen is the address it listens on when office mode's port is taken ("" is :47850).
const (
	prefOfficeShare  = "office_share"
	prefOfficeListen = "office_listen"
)

// connectionsEvery is how often the connected list is read while Settings shows it.
const connectionsEvery = 2 * time.Second

// startHosting is how the window starts serving its file; a variable so that tests listen on
// loopback only and without an announcement.
var startHosting = func(u *ui) (*office.Hosting, error) {
	return office.StartHosting(u.file, office.HostOptions{Listen: u.app.Preferences().String(prefOfficeListen), Log: log.New(hostLog{}, "", 0)})
}

// hostLog keeps the host's notes out of the window: refusals are in the audit trail.
type hostLog struct{}

func (hostLog) Write(p []byte) (int, error) { return len(p), nil }

// share starts serving the file, or says why not at the panel.
func (u *ui) share() error {
	if u.hosting != nil || u.file == nil {
		return nil
	}
	h, err := startHosting(u)
	if err != nil {
		return err
	}
	u.hosting = h
	u.app.Preferences().SetBool(prefOfficeShare, true)
	return nil
}

// stopSharing ends the serving; the desktops connected hear that the host stopped.
func (u *ui) stopSharing(remember bool) {
	if u.hosting == nil {
		return
	}
	h := u.hosting
	u.hosting = nil
	_ = h.Stop()
	if !remember {
		u.app.Preferences().SetBool(prefOfficeShare, false)
	}
}

// sharePanel is Settings' "Share with the office", held so tests drive it.
type sharePanel struct {
	u       *ui
	content fyne.CanvasObject
	on      *widget.Check
	info    *widget.Label
	code    *widget.Label
	msg     *widget.Label
	// list holds one line per connected desktop: at most a team's 30, in Settings' one scroll.
	list    *fyne.Container
	conns   []office.Connection
	count   *widget.Label
	ticking bool
}

func newSharePanel(u *ui) *sharePanel {
	p := &sharePanel{u: u, info: widget.NewLabel(""), msg: newFormMessage(), count: widget.NewLabel("")}
	p.info.Wrapping = proseWrap()
	p.code = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.code.SizeName = theme.SizeNameSubHeadingText
	p.on = widget.NewCheck(T("office.share"), nil)
	p.on.SetChecked(u.hosting != nil)
	p.on.OnChanged = func(on bool) { p.toggle(on) }
	p.list = container.NewVBox()
	hint := widget.NewLabel(T("office.share_hint"))
	hint.Wrapping = proseWrap()
	hint.Importance = widget.LowImportance
	box := container.NewVBox(hint, p.on, p.msg, p.info, p.code, p.count, p.list)
	p.content = widget.NewCard(T("office.share_title"), "", box)
	if u.file == nil {
		p.content.Hide()
	} else if !u.store.Can(data.PermMembers) {
		p.on.Disable()
		showMessage(p.msg, T("office.share_admin_only"))
	}
	p.show()
	return p
}

func (p *sharePanel) toggle(on bool) {
	clearMessage(p.msg)
	if on == (p.u.hosting != nil) {
		return
	}
	if !on {
		if n := len(p.u.hosting.Connections()); n > 0 {
			dialog.ShowConfirm(T("office.share_title"), Tf("office.stop_connected", n), func(ok bool) {
				if !ok {
					p.on.SetChecked(true)
					return
				}
				p.u.stopSharing(false)
				p.show()
			}, p.u.win)
			return
		}
		p.u.stopSharing(false)
		p.show()
		return
	}
	if !p.u.store.Can(data.PermMembers) {
		p.on.SetChecked(false)
		showMessage(p.msg, T("office.share_admin_only"))
		return
	}
	if err := p.u.share(); err != nil {
		p.on.SetChecked(false)
		showMessage(p.msg, Tf("office.share_failed", errorText(err)))
		return
	}
	p.show()
}

// show fills the panel from the host as it stands, and keeps the connected list current while
// sharing.
func (p *sharePanel) show() {
	h := p.u.hosting
	if h == nil {
		p.info.SetText(T("office.not_sharing"))
		p.code.SetText("")
		p.count.SetText("")
		p.conns = nil
		p.list.RemoveAll()
		return
	}
	lines := []string{Tf("office.addresses", strings.Join(h.Addrs(), ", "))}
	if h.Announced() == nil {
		lines = append(lines, Tf("office.announced", h.Name()))
	} else {
		lines = append(lines, T("office.not_announced"))
	}
	lines = append(lines, Tf("office.fingerprint", string(h.Fingerprint())))
	p.info.SetText(strings.Join(lines, "\n"))
	p.code.SetText(Tf("office.pairing_code", h.Fingerprint().PairingCode()))
	p.fillConnections()
	if !p.ticking && p.u.live {
		p.ticking = true
		go func() {
			for range time.Tick(connectionsEvery) {
				alive := true
				fyne.Do(func() {
					if p.u.settings == nil || p.u.settings.share != p || p.u.hosting == nil {
						alive = false
						return
					}
					p.fillConnections()
				})
				if !alive {
					return
				}
			}
		}()
	}
}

func (p *sharePanel) fillConnections() {
	h := p.u.hosting
	if h == nil {
		return
	}
	p.conns = h.Connections()
	p.count.SetText(Tf("office.connected", len(p.conns)))
	lines := make([]fyne.CanvasObject, len(p.conns))
	for i, c := range p.conns {
		l := widget.NewLabelWithStyle(connectionText(c), fyne.TextAlignLeading, fyne.TextStyle{})
		l.Truncation = fyne.TextTruncateEllipsis
		lines[i] = l
	}
	p.list.Objects = lines
	p.list.Refresh()
}

// connectionText is one line of the connected list: who, from which desktop, since when.
func connectionText(c office.Connection) string {
	name := c.Member.Name
	if c.Member.Login != "" {
		name += " (" + c.Member.Login + ")"
	}
	return name + " — " + c.Desktop + " — " + c.Addr + " · " + formatDateTime(c.Since)
}

// askQuitWhileShared asks before a quit takes the connected desktops offline; true when it asked
// (its answer goes on with the quit).
func (u *ui) askQuitWhileShared() bool {
	if u.hosting == nil || u.quitShared {
		return false
	}
	conns := u.hosting.Connections()
	if len(conns) == 0 {
		return false
	}
	var who []string
	for _, c := range conns {
		who = append(who, c.Member.Name+" ("+c.Desktop+")")
	}
	dialog.ShowConfirm(T("office.quit_title"), Tf("office.quit_connected", len(conns), strings.Join(who, "、")), func(ok bool) {
		if !ok {
			u.quitting = false
			return
		}
		u.quitShared = true
		u.onMainClose()
	}, u.win)
	return true
}
