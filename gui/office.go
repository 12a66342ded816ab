package gui

import (
	"context"
	"errors"
	"image/color"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
	"salesdesk/data/office"
	"salesdesk/data/storage"
)

// Office mode in the window: a desktop either works on its own file (which it may share with the
// office, office_host.go) or has joined a host, whose data it reaches through office.Client behind
// the same data.Service. This file is the joined side: the remembered host, the sign-in there, the
// change feed that keeps every screen current, and what the window does while the host is away.

// Preference keys of office mode, per desktop: the host this desktop joined and the certificate it
// pinned there.
const (
	prefOfficeAddr = "office_addr"
	prefOfficePin  = "office_pin"
	prefOfficeName = "office_name"
	// prefOfficePinAddr is the address whose certificate prefOfficePin holds.
	prefOfficePinAddr = "office_pin_addr"
)

// feedRetryMax is the longest wait between two tries to reach a host that went away.
const feedRetryMax = 5 * time.Second

// joinedHost is a host this desktop paired with.
type joinedHost struct {
	office.Host
	Name string
}

// label names the host for the user: its announced name and where it is.
func (h joinedHost) label() string {
	if h.Name == "" || h.Name == h.Addr {
		return h.Addr
	}
	return h.Name + " (" + h.Addr + ")"
}

// rememberedHost is the host this desktop joined last, which the window connects to at start.
func rememberedHost(p fyne.Preferences) (joinedHost, bool) {
	addr, pin := p.String(prefOfficeAddr), p.String(prefOfficePin)
	fp, err := office.ParseFingerprint(pin)
	if addr == "" || err != nil {
		return joinedHost{}, false
	}
	return joinedHost{Host: office.Host{Addr: addr, Pin: fp}, Name: p.String(prefOfficeName)}, true
}

func rememberHost(p fyne.Preferences, h joinedHost) {
	p.SetString(prefOfficeAddr, h.Addr)
	p.SetString(prefOfficePin, string(h.Pin))
	p.SetString(prefOfficeName, h.Name)
}

// forgetHost leaves the office: the next start opens this desktop's own file. The pin stays, so that
// joining the same host again shows a changed certificate.
func forgetHost(p fyne.Preferences) { p.SetString(prefOfficeAddr, "") }

// officeLink is the joined desktop's connection: nil on a desktop working on its own file.
type officeLink struct {
	host joinedHost
	// repin is set when the user confirmed a changed certificate: only an administrator's sign-in
	// keeps the new pin (an attacker in the middle would otherwise need only a rep to click "match").
	repin bool
	// online is false from the moment the change feed breaks until it is back.
	online bool
	// quit says that the host stopped serving (its window quit), rather than that the network failed.
	quit bool
	// refused is why the desktop stopped trying: the host's certificate is no longer the pinned one.
	refused error
	// bar is the line across the main window that says the host is away.
	bar *fyne.Container
	msg *widget.Label
}

// desktopName names this computer in the host's list of who is connected.
func desktopName() string {
	h, _ := os.Hostname()
	if h == "" {
		return "SalesDesk"
	}
	return h
}

// signInAt is the sign-in of this window: at the remembered host when the desktop joined one, on
// the file otherwise. It runs off the UI thread (argon2id takes a fifth of a second, the network more).
func (u *ui) signInAt(login, password string) (data.Service, error) {
	if u.link != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		return office.SignIn(ctx, u.link.host.Host, login, password, office.DialOptions{Desktop: desktopName()})
	}
	return u.file.SignIn(login, password)
}

// entered is the check after a sign-in at a host whose certificate the user just confirmed again: a
// member who may not manage the team signed in, so the new pin is not kept and the session ends.
func (u *ui) refusedRepin(s data.Service) bool {
	if u.link == nil || !u.link.repin {
		return false
	}
	if s.Can(data.PermMembers) {
		u.link.repin = false
		rememberHost(u.app.Preferences(), u.link.host)
		return false
	}
	if c, ok := s.(*office.Client); ok {
		go func() { _ = c.SignOut() }()
	}
	return true
}

// offlineBar is the line across the main window that says the host is away, hidden while online.
func (u *ui) offlineBar() fyne.CanvasObject {
	if u.link == nil {
		return nil
	}
	l := u.link
	l.msg = widget.NewLabel("")
	l.msg.Wrapping = proseWrap()
	l.msg.Importance = widget.WarningImportance
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameWarning))
	bg.FillColor = withAlpha(theme.Color(theme.ColorNameWarning), 0x30)
	l.bar = container.NewStack(bg, container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, l.msg))
	u.showLinkState()
	return l.bar
}

// showLinkState shows or hides the offline line as the link stands.
func (u *ui) showLinkState() {
	l := u.link
	if l == nil || l.bar == nil {
		return
	}
	if l.online {
		l.bar.Hide()
		return
	}
	if l.refused != nil {
		l.msg.SetText(errorText(l.refused))
	} else if l.quit {
		l.msg.SetText(Tf("office.host_quit", l.host.label()))
	} else {
		l.msg.SetText(Tf("office.offline", l.host.label()))
	}
	l.bar.Show()
}

// startFeed follows the writes committed anywhere (on the host for a joined desktop; on the file,
// by this window or by the desktops it serves, otherwise) and refreshes what the window shows. It
// replaces the feed of the previous session.
func (u *ui) startFeed() {
	u.stopFeed()
	if !u.live {
		return // tests drive the refreshes themselves
	}
	ctx, cancel := context.WithCancel(context.Background())
	u.feedStop = cancel
	switch s := u.session.(type) {
	case *office.Client:
		go u.followHost(ctx, s)
	default:
		if st := u.file; st != nil {
			go func() {
				after := st.Commits()
				for {
					n, err := st.WaitCommit(ctx, after)
					if err != nil {
						return
					}
					after = n
					u.changedElsewhere()
				}
			}()
		}
	}
}

func (u *ui) stopFeed() {
	if u.feedStop != nil {
		u.feedStop()
		u.feedStop = nil
	}
}

// followHost keeps the change feed of a joined desktop, reconnecting while the host is away: each
// try waits longer, up to feedRetryMax. A host that restarted has forgotten the session: the window
// locks, keeping every form, and the member's password opens a new session.
func (u *ui) followHost(ctx context.Context, c *office.Client) {
	wait := 250 * time.Millisecond
	for {
		first := true
		err := c.Watch(ctx, func(uint64) {
			if first {
				first = false
				wait = 250 * time.Millisecond
				u.toUI(func() { u.linkUp(c) })
				return
			}
			u.changedElsewhere()
		})
		if ctx.Err() != nil {
			return
		}
		u.toUI(func() { u.linkDown(c, err) })
		if errors.Is(err, data.ErrSignedOut) || isNotPinned(err) {
			return // trying again would not help: a password, or an administrator, is needed
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, feedRetryMax)
	}
}

// linkUp is the feed live again: what changed meanwhile shows.
func (u *ui) linkUp(c *office.Client) {
	if u.link == nil || u.session != data.Service(c) {
		return
	}
	was := u.link.online
	u.link.online, u.link.quit, u.link.refused = true, false, nil
	u.showLinkState()
	if !was && u.tabs != nil {
		u.refreshLive()
	}
}

// linkDown is the feed broken: the host went away, stopped, or no longer knows the session.
func (u *ui) linkDown(c *office.Client, err error) {
	if u.link == nil || u.session != data.Service(c) {
		return
	}
	u.link.online = false
	// A host that said it stopped stays "stopped" through the failed tries that follow, until it is back.
	u.link.quit = u.link.quit || errors.Is(err, office.ErrHostQuit)
	if isNotPinned(err) {
		u.link.refused = err
	}
	u.showLinkState()
	if errors.Is(err, data.ErrSignedOut) && u.lock == nil && u.signIn == nil {
		// The host restarted (sessions live in its memory) or ended this one: the lock keeps every
		// form as it is, and the password opens a new session.
		u.lockNow()
		if u.lock != nil {
			showMessage(u.lock.msg, T("office.session_ended"))
		}
	}
}

// changedElsewhere is called off the UI thread after a write committed: one refresh is queued at a
// time, so a burst of writes on the host costs one reload of what is in view.
func (u *ui) changedElsewhere() {
	if u.refreshQueued.Swap(true) {
		return
	}
	u.toUI(func() {
		u.refreshQueued.Store(false)
		u.refreshLive()
	})
}

// refreshLive shows what others changed: the screen in view and every open card without unsaved
// typing (a card being edited keeps its typing; its save then hears that the card changed).
func (u *ui) refreshLive() {
	if !u.usable() {
		return
	}
	u.refreshSelected()
	for cw := range u.open {
		cw.reloadIfClean()
	}
}

// reloadIfClean re-reads a saved card that nobody is typing in, and shows it anew if it changed.
func (cw *cardWindow) reloadIfClean() {
	if cw.c.ID == 0 || cw.saving || cw.dirty() {
		return
	}
	id, version, n := cw.c.ID, cw.c.Version, len(cw.followUps)
	st := cw.u.store
	cw.u.background(func() {
		c, err := st.Customer(id)
		if err != nil {
			return
		}
		fus, err := st.FollowUps(id)
		if err != nil {
			return
		}
		cw.u.toUI(func() {
			if c.Version == version && len(fus) == n {
				return
			}
			if cw.c.ID != id || cw.saving || cw.dirty() || cw.u.cards[id] != cw {
				return
			}
			tab := 0
			if cw.tabs != nil {
				tab = cw.tabs.SelectedIndex()
			}
			cw.c, cw.followUps = c, fus
			cw.contacts = append([]data.Contact(nil), c.Contacts...)
			cw.fields = map[string]*field{}
			cw.buildUI()
			if cw.tabs != nil && tab < len(cw.tabs.Items) {
				cw.tabs.SelectIndex(tab)
			}
		})
	})
}

// refuseOffline is the refusal of a write while the host is away: never queued, so never lost later.
func (u *ui) refuseOffline() error {
	if u.link != nil && !u.link.online && u.session != nil {
		return data.ErrOffline
	}
	return nil
}

// useHost turns the window to a host the user just paired with (or confirmed again): the record
// windows close (asking about unsaved typing first), the file closes, and the host's sign-in shows.
func (u *ui) useHost(h joinedHost, repin bool) {
	if u.hosting != nil {
		u.showError(u.win, textError{T("office.stop_sharing_first")})
		return
	}
	if !u.closeRecordWindows() {
		return
	}
	u.stopFeed()
	u.waitWrites()
	if u.file != nil {
		_ = u.file.Close()
		u.file = nil
	}
	u.signOutRemote()
	u.session, u.store, u.local, u.fillDemo = nil, nil, nil, nil
	u.link = &officeLink{host: h, repin: repin, online: true}
	u.now = time.Now
	if !repin {
		rememberHost(u.app.Preferences(), h)
	} else {
		// Joined again at the next start only once an administrator has confirmed the new pin.
		u.app.Preferences().SetString(prefOfficeAddr, h.Addr)
		u.app.Preferences().SetString(prefOfficeName, h.Name)
	}
	u.showSignIn()
}

// useOwnFile leaves the office and opens this desktop's own file, as at a start without a host.
func (u *ui) useOwnFile() {
	if !u.closeRecordWindows() {
		return
	}
	st, err := storage.Open(u.cfg.DBPath, storage.Options{})
	if err != nil {
		u.showError(u.win, err)
		return
	}
	u.stopFeed()
	u.waitWrites()
	u.signOutRemote()
	forgetHost(u.app.Preferences())
	u.link = nil
	u.session, u.store, u.local = nil, nil, nil
	u.file, u.now = st, st.Now
	u.fillDemo = func(o storage.DemoOptions) error { return storage.GenerateDemo(st, o) }
	u.entered = false
	u.onFirstEnter = u.firstEnter
	u.begin()
}

// signOutRemote ends the joined session on the host, off the UI thread (the host may be away).
func (u *ui) signOutRemote() {
	if c, ok := u.session.(*office.Client); ok {
		go func() { _ = c.SignOut() }()
	}
}

// endRemoteSession ends the joined session as the window quits, waiting a moment for the host: an
// unreachable host forgets the session by itself once it has been idle long enough.
func (u *ui) endRemoteSession() {
	c, ok := u.session.(*office.Client)
	if !ok {
		return
	}
	done := make(chan struct{})
	go func() {
		_ = c.SignOut()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
}

// closeRecordWindows closes the card, deal and forecast windows, unless one has unsaved typing: then
// it says so and returns false.
func (u *ui) closeRecordWindows() bool {
	if w, _ := u.firstUnsaved(); w != nil {
		w.RequestFocus()
		u.showError(u.win, textError{T("backup.close_cards")})
		return false
	}
	u.dropRecordWindows()
	return true
}

// normalizeHostAddr is a typed address with office mode's port when none was given.
func normalizeHostAddr(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", data.ErrRequired
	}
	if _, _, err := net.SplitHostPort(s); err != nil {
		s = net.JoinHostPort(strings.Trim(s, "[]"), strings.TrimPrefix(office.DefaultListen, ":"))
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil || host == "" || port == "" || strings.ContainsAny(host, " /\\") {
		return "", textError{T("office.bad_address")}
	}
	return s, nil
}

// exporter makes the lists' exports where the data is: the file's session, or the host, whose export
// streams to the file this desktop chose (office.Client.Export), with the same roles and audit line.
func (u *ui) exporter() interface {
	Export(w io.Writer, opt data.ExportOptions) (data.ExportResult, error)
} {
	if u.local != nil {
		return u.local
	}
	return u.session.(*office.Client)
}

// toUI runs f on the UI thread: fyne.Do, or a test's own queue.
func (u *ui) toUI(f func()) {
	if u.deliver != nil {
		u.deliver(f)
		return
	}
	fyne.Do(f)
}

// refreshFlag is set while a live refresh is queued.
type refreshFlag = atomic.Bool

// isNotPinned tells a host whose certificate is not the one this desktop paired with.
func isNotPinned(err error) bool {
	var np *office.ErrNotPinned
	return errors.As(err, &np)
}

// withAlpha is c at alpha a: a tint of a theme colour, light and dark alike.
func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
