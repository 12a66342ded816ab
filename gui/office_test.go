package gui

import (
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"salesdesk/data"
	"salesdesk/data/office"
)

// feedQueue holds what a joined window's change feed hands the UI thread, for the test to run on
// its own goroutine as fyne.Do would on the window's.
type feedQueue chan func()

// next runs the next piece of feed work.
func (q feedQueue) next(t *testing.T) {
	t.Helper()
	(<-q)()
}

// freeLoopbackAddr is a loopback address no one listens on, so that a host stopped and started
// again is found where its desktops look for it.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// Two windows on one file: the host's window shares it, the other joins over TLS on loopback and signs
// in as a rep. A card saved at the host shows in the joined list through the feed; the host stopping
// puts the joined window offline, its save is refused and its typing kept; the host back with
// sessions forgotten locks the window with its forms, and the password opens a new session.
func TestJoinedWindowFollowsTheHost(t *testing.T) {
	host := newTestUI(t, "zh")
	lina, err := host.store.AddMember(data.Member{Name: "李娜", Login: "lina", Role: data.MemberRep, Active: true}, "Suite-4kq-Lm8")
	if err != nil {
		t.Fatal(err)
	}
	addr, certs := freeLoopbackAddr(t), t.TempDir()
	old := startHosting
	startHosting = func(u *ui) (*office.Hosting, error) {
		return office.StartHosting(u.file, office.HostOptions{Listen: addr, Quiet: true, CertDir: certs, Log: quietLogger()})
	}
	t.Cleanup(func() { startHosting = old })
	host.tabs.SelectIndex(tabSettings)
	test.Tap(host.settings.share.on)
	if host.hosting == nil {
		t.Fatalf("sharing did not start: %q", host.settings.share.msg.Text)
	}
	t.Cleanup(func() { host.stopSharing(false) })
	code := host.hosting.Fingerprint().PairingCode()
	if !strings.Contains(host.settings.share.code.Text, code) || !strings.Contains(host.settings.share.info.Text, addr) {
		t.Fatalf("the share panel shows %q / %q, want the code %s and the address %s", host.settings.share.code.Text, host.settings.share.info.Text, code, addr)
	}

	// The joined desktop: its own window, no file, the host remembered with its pin.
	desk, feed := joinedWindow(t, host, addr, host.hosting.Fingerprint(), "lina", "Suite-4kq-Lm8")
	if _, ok := desk.session.(*office.Client); !ok || desk.local != nil {
		t.Fatalf("the joined window works on %T (local %v), want the host's client and no local calls", desk.session, desk.local != nil)
	}
	feed.next(t) // the feed is live
	if conns := host.hosting.Connections(); len(conns) != 1 || conns[0].Member.ID != lina.ID {
		t.Fatalf("the host lists %v, want lina's desktop", conns)
	}
	host.settings.share.fillConnections()
	if host.settings.share.count.Text == "" || len(host.settings.share.conns) != 1 {
		t.Fatalf("the host's panel lists %d desktops (%q)", len(host.settings.share.conns), host.settings.share.count.Text)
	}

	// A card saved at the host for lina shows in her list once the feed says so.
	desk.tabs.SelectIndex(tabCustomers)
	before := desk.customers.total
	if _, err := host.store.CreateCustomer(data.Customer{Kind: data.KindCompany, Name: "远程科技", OwnerID: lina.ID, Status: data.StatusProspect}); err != nil {
		t.Fatal(err)
	}
	feed.next(t)
	if desk.customers.total != before+1 || !listHas(desk, "远程科技") {
		t.Fatalf("the joined list has %d cards after the host's save (was %d), want the new card", desk.customers.total, before)
	}

	// The host stops sharing: the joined window says so, refuses a save and keeps the typing.
	cw := desk.openCard(0)
	test.Type(cw.name, "离线时输入的客户")
	host.stopSharing(false)
	feed.next(t)
	if desk.link.online || !desk.link.quit || !desk.link.bar.Visible() || !strings.Contains(desk.link.msg.Text, "停止共享") {
		t.Fatalf("offline state %v quit %v, bar %q", desk.link.online, desk.link.quit, desk.link.msg.Text)
	}
	test.Tap(cw.saveBtn)
	if cw.c.ID != 0 || cw.name.Text != "离线时输入的客户" {
		t.Fatalf("an offline save stored card %d or lost the typing (%q)", cw.c.ID, cw.name.Text)
	}
	if page, err := host.store.Customers(data.CustomerFilter{Search: "离线时输入"}); err != nil || page.Total != 0 {
		t.Fatalf("the host holds %d offline cards (%v)", page.Total, err)
	}

	// The host shares again: it forgot the session, so the window locks with the card kept, and the
	// password opens a new session whose feed brings the window back online.
	if err := host.share(); err != nil {
		t.Fatal(err)
	}
	for desk.lock == nil {
		feed.next(t) // each try while the host was away, then the refusal of the old session
	}
	if desk.lock.msg.Text != T("office.session_ended") {
		t.Fatalf("the lock says %q", desk.lock.msg.Text)
	}
	test.Type(desk.lock.password, "Suite-4kq-Lm8")
	test.Tap(desk.lock.unlock)
	if desk.lock != nil {
		t.Fatalf("unlock failed: %q", desk.lock.msg.Text)
	}
	feed.next(t)
	if !desk.link.online || desk.link.bar.Visible() {
		t.Fatal("the window did not come back online")
	}
	if cw.name.Text != "离线时输入的客户" || !desk.open[cw] {
		t.Fatalf("the card's typing did not survive the host's restart: %q", cw.name.Text)
	}
	test.Tap(cw.saveBtn)
	if cw.c.ID == 0 {
		var bad []string
		for k, f := range cw.fields {
			if f.msg.Text != "" {
				bad = append(bad, k+": "+f.msg.Text)
			}
		}
		t.Fatalf("the save after reconnecting failed: %q %v", cw.problems.Text, bad)
	}
	if got, err := host.store.Customer(cw.c.ID); err != nil || got.Name != "离线时输入的客户" || got.OwnerID != lina.ID {
		t.Fatalf("the host holds %+v (%v)", got, err)
	}
	desk.win.Resize(fyne.NewSize(800, 560))
}

// listHas tells whether the list's first page holds a card of that name.
func listHas(u *ui, name string) bool {
	for _, r := range u.customers.pages[0] {
		if r.Name == name {
			return true
		}
	}
	return false
}

func quietLogger() *log.Logger { return log.New(io.Discard, "", 0) }

// joinedWindow is a window of another desktop that joined the host at addr and signed in; its
// change feed's work waits in the queue for the test to run.
func joinedWindow(t *testing.T, host *ui, addr string, pin office.Fingerprint, login, password string) (*ui, feedQueue) {
	t.Helper()
	desk := newUI(host.app, nil, Config{})
	inlineWork(desk)
	feed := make(feedQueue, 64)
	desk.live, desk.deliver = true, func(f func()) { feed <- f }
	t.Cleanup(desk.stopFeed)
	desk.link = &officeLink{host: joinedHost{Host: office.Host{Addr: addr, Pin: pin}, Name: "办公室"}, online: true}
	desk.begin()
	desk.now = host.now // the host's clock is the test's fixed day, which the new card's dates follow
	f := desk.signIn
	if f == nil {
		t.Fatal("the joined window does not ask for a sign-in")
	}
	test.Type(f.login, login)
	test.Type(f.password, password)
	test.Tap(f.button)
	if desk.tabs == nil {
		t.Fatalf("the sign-in at the host failed: %q", f.msg.Text)
	}
	return desk, feed
}

// A manager's joined window imports a file of its desktop: File → Import is offered, the preview
// and the import run at the host, the host's file holds the cards, and Undo takes them back there.
func TestJoinedWindowImportsThroughTheHost(t *testing.T) {
	host := newTestUI(t, "zh")
	if _, err := host.store.AddMember(data.Member{Name: "王建国", Login: "wangjianguo", Role: data.MemberManager, Active: true}, "Suite-4kq-Lm8"); err != nil {
		t.Fatal(err)
	}
	h := shareForTest(t, host, t.TempDir())
	desk, _ := joinedWindow(t, host, "127.0.0.1:"+strconv.Itoa(h.Port()), h.Fingerprint(), "wangjianguo", "Suite-4kq-Lm8")
	if item := menuItem(desk.mainMenu(), T("import.menu")); item == nil || item.Disabled {
		t.Fatal("File → Import is not offered to a manager's joined window")
	}
	path := filepath.Join(t.TempDir(), "客户.csv")
	csv := "客户名称,所属行业,联系人,电话\n杭州远程导入科技有限公司,软件,张伟,13800138000\n,制造业,王五,13900000000\n"
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := desk.importer().(*office.Client).OpenImport(path)
	if err != nil {
		t.Fatal(err)
	}
	iw := desk.openImport(src)
	iw.start(true)
	if iw.report == nil || !iw.report.DryRun || iw.report.Customers.Created != 1 || len(iw.report.Rejected) != 1 {
		t.Fatalf("the preview at the host: %+v", iw.report)
	}
	if n, _ := counts(host.store); n != 0 {
		t.Fatalf("the preview wrote %d cards to the host's file", n)
	}
	iw.start(false)
	if n, _ := counts(host.store); n != 1 || iw.report.ImportID == 0 || iw.undo.Hidden {
		t.Fatalf("after the import the host has %d cards; report %+v", n, iw.report)
	}
	if rows := listed(host.store, data.CustomerFilter{Search: "13800138000"}); len(rows) != 1 || rows[0].Name != "杭州远程导入科技有限公司" {
		t.Fatalf("the host does not find the imported card by its phone: %v", rowNames(rows))
	}
	iw.onUndo()
	if n, _ := counts(host.store); n != 0 {
		t.Fatalf("after Undo the host has %d cards", n)
	}
}

// shareForTest serves u's file on a loopback address, unannounced, with its certificate in certs.
func shareForTest(t *testing.T, u *ui, certs string) *office.Hosting {
	t.Helper()
	h, err := office.StartHosting(u.file, office.HostOptions{Listen: "127.0.0.1:0", Quiet: true, CertDir: certs, Log: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Stop() })
	return h
}

// File → Connect: a listed host is picked, its pairing code compared and confirmed, and the desktop
// remembers it with its pin; a changed certificate at that address is pinned again only by an
// administrator's sign-in; a bad or silent address is refused at the field.
func TestJoinPairsPinsAndRefusesAChangedCertificate(t *testing.T) {
	host := newTestUI(t, "zh")
	if _, err := host.store.AddMember(data.Member{Name: "李娜", Login: "lina", Role: data.MemberRep, Active: true}, "Suite-4kq-Lm8"); err != nil {
		t.Fatal(err)
	}
	if _, err := host.store.AddMember(data.Member{Name: "赵敏", Login: "zhaomin", Role: data.MemberAdmin, Active: true}, "Suite-4kq-Lm8"); err != nil {
		t.Fatal(err)
	}
	h := shareForTest(t, host, t.TempDir())
	addr := "127.0.0.1:" + strconv.Itoa(h.Port())
	oldDiscover := discoverHosts
	discoverHosts = func() ([]office.Found, error) {
		return []office.Found{{Name: "前台电脑", Addr: addr, Fingerprint: string(h.Fingerprint())[:len("SHA256:")+16]}}, nil
	}
	t.Cleanup(func() { discoverHosts = oldDiscover })

	desk := newTestUI(t, "zh")
	f := desk.showJoin()
	if len(f.found) != 1 || !strings.Contains(f.status.Text, "1") {
		t.Fatalf("the join dialog lists %v (%q)", f.found, f.status.Text)
	}
	// A typed address that is no address, and one where nothing answers, are refused at the field.
	f.addr.SetText("office pc/1")
	test.Tap(f.connect)
	if f.addrF.msg.Text != T("office.bad_address") {
		t.Fatalf("a bad address says %q", f.addrF.msg.Text)
	}
	f.addr.SetText(freeLoopbackAddr(t))
	test.Tap(f.connect)
	if !strings.Contains(f.addrF.msg.Text, "没有 SalesDesk 应答") || f.pairing != nil {
		t.Fatalf("a silent address says %q", f.addrF.msg.Text)
	}
	f.list.Select(0)
	if f.addr.Text != addr {
		t.Fatalf("picking the listed host typed %q", f.addr.Text)
	}
	test.Tap(f.connect)
	p := f.pairing
	if p == nil || p.code.Text != h.Fingerprint().PairingCode() || p.repin {
		t.Fatalf("the pairing shows %+v, want the host's code %s", p, h.Fingerprint().PairingCode())
	}
	test.Tap(p.match)
	if desk.link == nil || desk.file != nil || desk.signIn == nil {
		t.Fatal("confirming the code did not turn the window to the host's sign-in")
	}
	if got, ok := rememberedHost(desk.app.Preferences()); !ok || got.Addr != addr || got.Pin != h.Fingerprint() || got.Name != "前台电脑" {
		t.Fatalf("the desktop remembers %+v", got)
	}

	// The host gets a new certificate (reinstalled, or someone in between): connecting asks again,
	// as a warning, and a rep's sign-in does not keep the new pin.
	_ = h.Stop()
	host.stopSharing(false)
	h2 := shareForTest(t, host, t.TempDir())
	addr2 := "127.0.0.1:" + strconv.Itoa(h2.Port())
	desk.app.Preferences().SetString(prefOfficePinAddr, addr2) // the same host, as the desktop knows it
	f = desk.showJoin()
	f.addr.SetText(addr2)
	test.Tap(f.connect)
	if f.pairing == nil || !f.pairing.repin || f.pairing.code.Text != h2.Fingerprint().PairingCode() {
		t.Fatalf("a changed certificate was not asked about again: %+v", f.pairing)
	}
	test.Tap(f.pairing.match)
	si := desk.signIn
	test.Type(si.login, "lina")
	test.Type(si.password, "Suite-4kq-Lm8")
	test.Tap(si.button)
	if si.msg.Text != T("office.repin_admin") || desk.tabs != nil && desk.session != nil && desk.signIn == nil {
		t.Fatalf("a rep confirmed a changed certificate: %q", si.msg.Text)
	}
	if got, _ := rememberedHost(desk.app.Preferences()); got.Pin == h2.Fingerprint() {
		t.Fatal("the new pin was kept after a rep's sign-in")
	}
	si.login.SetText("zhaomin")
	test.Type(si.password, "Suite-4kq-Lm8")
	test.Tap(si.button)
	if desk.signIn != nil {
		t.Fatalf("the administrator's sign-in failed: %q", si.msg.Text)
	}
	if got, _ := rememberedHost(desk.app.Preferences()); got.Pin != h2.Fingerprint() || got.Addr != addr2 {
		t.Fatalf("the administrator's sign-in did not keep the new pin: %+v", got)
	}
}

// menuItem is the item of that label in any menu of m; nil when there is none.
func menuItem(m *fyne.MainMenu, label string) *fyne.MenuItem {
	for _, menu := range m.Items {
		for _, it := range menu.Items {
			if it.Label == label {
				return it
			}
		}
	}
	return nil
}
