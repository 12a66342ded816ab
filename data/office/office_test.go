package office

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"salesdesk/data"
	"salesdesk/data/office/officepb/officepbconnect"
	"salesdesk/data/servicetest"
	"salesdesk/data/storage"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(hostEnv); path != "" {
		runTestHost(path)
		return
	}
	storage.FastHashesInTests()
	code := m.Run()
	if demo.dir != "" {
		_ = os.RemoveAll(demo.dir)
	}
	os.Exit(code)
}

// office is a host on loopback serving servicetest's team (an admin, a manager and two reps, each
// with servicetest.Password).
type office struct {
	*servicetest.Team
	srv  *Server
	host Host
}

func newOffice(t *testing.T) *office {
	t.Helper()
	o := &office{Team: servicetest.NewTeam(t)}
	o.host = serve(t, o.Store)
	srv, _ := servers.Load(o.Store)
	o.srv = srv.(*Server)
	return o
}

// hostCert is one certificate for all the tests' hosts.
var hostCert struct {
	once sync.Once
	cert tls.Certificate
	fp   Fingerprint
	err  error
}

// serve serves st on a loopback port until the test ends.
func serve(t testing.TB, st *storage.Store) Host {
	t.Helper()
	return serveWith(t, st, ServerOptions{})
}

// sharedCert makes the tests' certificate on first use.
func sharedCert(t testing.TB) {
	t.Helper()
	hostCert.once.Do(func() {
		dir, err := os.MkdirTemp("", "salesdesk-host-")
		if err != nil {
			hostCert.err = err
			return
		}
		defer os.RemoveAll(dir)
		hostCert.cert, hostCert.fp, hostCert.err = HostCertificate(dir)
	})
	if hostCert.err != nil {
		t.Fatal(hostCert.err)
	}
}

func serveWith(t testing.TB, st *storage.Store, opt ServerOptions) Host {
	t.Helper()
	sharedCert(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opt.Log == nil {
		opt.Log = log.New(io.Discard, "", 0)
	}
	srv := NewServer(st, opt)
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln, hostCert.cert, 5*time.Second) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	servers.Store(st, srv)
	return Host{Addr: ln.Addr().String(), Pin: hostCert.fp}
}

// servers finds the server of a test's store.
var servers sync.Map

// join signs in over the network as login.
func (o *office) join(t *testing.T, login string) *Client {
	t.Helper()
	c, err := SignIn(context.Background(), o.host, login, servicetest.Password, DialOptions{Desktop: "test-" + login, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatalf("sign in as %s: %v", login, err)
	}
	t.Cleanup(func() { _ = c.SignOut() })
	return c
}

func TestSignInOverTheWire(t *testing.T) {
	o := newOffice(t)
	c := o.join(t, "lina")
	if me := c.Me(); me.ID != o.Rep.ID || me.Role != data.MemberRep {
		t.Fatalf("signed in as %+v, want the rep", me)
	}
	if c.Can(data.PermViewAll) || c.Can(data.PermExport) || c.MustChangePassword() {
		t.Error("the rep's client offers a manager's rights")
	}
	if m := o.join(t, "wangjianguo"); !m.Can(data.PermViewAll) || !m.Can(data.PermExport) || m.Can(data.PermMembers) {
		t.Error("the manager's rights did not come with the sign-in")
	}
	if got := o.srv.Connections(); len(got) != 2 || got[0].Member.ID != o.Rep.ID || got[0].Desktop != "test-lina" {
		t.Errorf("the host lists %+v", got)
	}

	// A wrong password and an unknown login read the same, by code and by sentinel.
	for _, login := range []string{"lina", "nobody"} {
		_, err := SignIn(context.Background(), o.host, login, "wrong-password-1", DialOptions{})
		if !errors.Is(err, data.ErrBadLogin) || data.ErrorCode(err) != data.CodeBadLogin || err.Error() != data.ErrBadLogin.Error() {
			t.Errorf("sign in as %s with a wrong password: %v (code %s)", login, err, data.ErrorCode(err))
		}
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	o := newOffice(t)
	c, err := SignIn(context.Background(), o.host, "lina", servicetest.Password, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Members(); err != nil {
		t.Fatal(err)
	}
	if err := c.SignOut(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Members(); !errors.Is(err, data.ErrSignedOut) || data.ErrorCode(err) != data.CodeSignedOut {
		t.Fatalf("a call after signing out: %v", err)
	}
	if n := len(o.srv.Connections()); n != 0 {
		t.Errorf("the host still lists %d desktops", n)
	}
}

func TestAnotherCertificateIsRefused(t *testing.T) {
	o := newOffice(t)
	_, other, err := HostCertificate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = SignIn(context.Background(), Host{Addr: o.host.Addr, Pin: other}, "lina", servicetest.Password, DialOptions{})
	var np *ErrNotPinned
	if !errors.As(err, &np) || np.Got != o.host.Pin || np.Want != other {
		t.Fatalf("a host with another certificate: %v", err)
	}
	got, err := Probe(context.Background(), o.host.Addr)
	if err != nil || got != o.host.Pin || got.PairingCode() == "" || len(got.PairingCode()) != 7 {
		t.Fatalf("Probe: %q (%q), %v", got, got.PairingCode(), err)
	}
}

func TestErrorsCrossTheWire(t *testing.T) {
	o := newOffice(t)
	rep, other := o.join(t, "lina"), o.join(t, "zhangwei")

	// A form's problems come back field by field.
	_, err := rep.CreateCustomer(data.Customer{Kind: data.KindCompany})
	var fe data.FieldErrors
	if !errors.As(err, &fe) || len(fe) == 0 || data.ErrorCode(err) != data.CodeInvalid {
		t.Fatalf("a card without a name: %v", err)
	}
	if fe[0].Field != "name" || !errors.Is(fe[0].Err, data.ErrRequired) || !errors.Is(err, data.ErrRequired) {
		t.Errorf("the name's problem came back as %q: %v", fe[0].Field, fe[0].Err)
	}
	c, err := rep.CreateCustomer(data.Customer{Kind: data.KindCompany, Name: "杭州云帆网络科技有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.OwnerID != o.Rep.ID || c.Version == 0 || c.CreatedAt.IsZero() {
		t.Fatalf("the created card came back as %+v", c)
	}
	// Another rep's card is not there for the other rep.
	if _, err := other.Customer(c.ID); data.ErrorCode(err) != data.CodeNotYours && data.ErrorCode(err) != data.CodeNotFound {
		t.Fatalf("another rep reading the card: %v", err)
	}
	// A save over a newer version is told so.
	c.Region = "杭州"
	saved, err := rep.UpdateCustomer(c)
	if err != nil {
		t.Fatal(err)
	}
	c.Region = "宁波"
	if _, err := rep.UpdateCustomer(c); !errors.Is(err, data.ErrConflict) {
		t.Fatalf("a stale save: %v", err)
	}
	if saved.Version <= c.Version {
		t.Errorf("the save's version %d is not above %d", saved.Version, c.Version)
	}
	// A refusal says who may.
	st, err := rep.Settings()
	if err != nil {
		t.Fatal(err)
	}
	err = rep.SaveSettings(st)
	var r *data.Refusal
	if !errors.As(err, &r) || r.Perm != data.PermSettings || r.Role != data.MemberRep || data.ErrorCode(err) != data.CodeForbidden {
		t.Fatalf("a rep saving the settings: %v", err)
	}
}

// A write on one desktop reaches the others' change feed.
func TestChangeFeed(t *testing.T) {
	o := newOffice(t)
	watcher, writer := o.join(t, "wangjianguo"), o.join(t, "lina")
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan uint64, 16)
	watched := make(chan error, 1)
	go func() { watched <- watcher.Watch(ctx, func(n uint64) { events <- n }) }()
	first := <-events
	if _, err := writer.CreateCustomer(data.Customer{Kind: data.KindCompany, Name: "宁波海川贸易有限公司"}); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-events:
		if n <= first {
			t.Errorf("the feed went from %d to %d", first, n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no change came through the feed")
	}
	cancel()
	if err := <-watched; err != nil {
		t.Errorf("Watch ended with %v", err)
	}
}

// TestRoleTableThroughAHost runs the data layer's role table (data/servicetest) through a host: the
// same table that the file's own sessions pass.
func TestRoleTableThroughAHost(t *testing.T) {
	servicetest.RoleTable(t, func(t *testing.T, tm *servicetest.Team, m data.Member) data.Service {
		host := serve(t, tm.Store)
		c, err := SignIn(context.Background(), host, m.Login, servicetest.Password, DialOptions{Desktop: "suite"})
		if err != nil {
			t.Fatalf("sign in as %s: %v", m.Login, err)
		}
		t.Cleanup(func() { _ = c.SignOut() })
		return c
	})
}

// A message over the host's limit is refused before it is decoded, and nothing is written; the host
// goes on serving.
func TestOversizedMessageIsRefused(t *testing.T) {
	tm := servicetest.NewTeam(t)
	host := serveWith(t, tm.Store, ServerOptions{MaxMessage: 64 << 10})
	c, err := SignIn(context.Background(), host, "lina", servicetest.Password, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before := tm.Store.Commits()
	_, err = c.CreateCustomer(servicetest.Company("大消息有限公司", func(c *data.Customer) { c.Notes = strings.Repeat("很长", 64<<10) }))
	if err == nil || data.ErrorCode(err) == data.CodeInvalid {
		t.Fatalf("a 256 KiB card through a 64 KiB limit: %v", err)
	}
	if got := tm.Store.Commits(); got != before+1 {
		t.Fatalf("the refused message made %d commits; want 1, its audit line", got-before)
	}
	if !strings.Contains(err.Error(), "larger than") {
		t.Errorf("the refusal says %q, not that the message was too large", err)
	}
	if _, err := c.CreateCustomer(servicetest.Company("小消息有限公司")); err != nil {
		t.Fatalf("the next call after the refused one: %v", err)
	}
	if n := refusals(t, tm.Store, "message_too_large"); n != 1 {
		t.Errorf("%d audit lines of the oversized message; want 1", n)
	}
}

// Bytes that are not a message, sent with the pinned certificate but no session, are refused before
// any data and written to the audit trail; the host goes on serving.
func TestMalformedMessageIsRefused(t *testing.T) {
	tm := servicetest.NewTeam(t)
	host := serveWith(t, tm.Store, ServerOptions{})
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: clientTLS(host.Pin), ForceAttemptHTTP2: true}}
	url := "https://" + host.Addr + officepbconnect.OfficeSignInProcedure
	resp, err := hc.Post(url, "application/proto", strings.NewReader("\xff\xff\xff\xff not protobuf"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a malformed message answered %s; want 400 (invalid_argument)", resp.Status)
	}
	if n := refusals(t, tm.Store, "message_malformed"); n != 1 {
		t.Errorf("%d audit lines of the malformed message; want 1", n)
	}
	if _, err := SignIn(context.Background(), host, "lina", servicetest.Password, DialOptions{}); err != nil {
		t.Fatalf("a sign-in after the malformed message: %v", err)
	}
	if n := refusals(t, tm.Store, "message_malformed"); n != 1 {
		t.Errorf("a good call was audited as malformed: %d lines", n)
	}
}

// A flood of sign-in tries from one address is slowed down there, before any password is checked.
func TestSignInFloodIsThrottled(t *testing.T) {
	tm := servicetest.NewTeam(t)
	now := time.Now()
	clock := func() time.Time { return now }
	host := serveWith(t, tm.Store, ServerOptions{Now: clock})
	var last error
	for i := range signInBurst + 1 {
		// Each try names another login, so that no account's own lockout is what stops them.
		_, last = SignIn(context.Background(), host, fmt.Sprintf("nobody%d", i), "wrong-password-1", DialOptions{})
		if i < signInBurst && !errors.Is(last, data.ErrBadLogin) {
			t.Fatalf("try %d: %v", i+1, last)
		}
	}
	var sd *data.SlowDown
	if !errors.As(last, &sd) || sd.Wait <= 0 || data.ErrorCode(last) != data.CodeSlowDown {
		t.Fatalf("try %d from one address: %v", signInBurst+1, last)
	}
	for range 5 {
		if _, err := SignIn(context.Background(), host, "nobody", "wrong-password-1", DialOptions{}); !errors.As(err, &sd) {
			t.Fatalf("the flood goes on: %v", err)
		}
	}
	if n := refusals(t, tm.Store, "sign_in_throttled"); n != 1 {
		t.Fatalf("the trail holds %d lines of the flood, want one a minute", n)
	}
	now = now.Add(signInEvery)
	if _, err := SignIn(context.Background(), host, "lina", servicetest.Password, DialOptions{}); err != nil {
		t.Fatalf("a sign-in once the wait is over: %v", err)
	}
}

// A session lives in the host's memory: its token, replayed to the host started again on the same
// file and address, is refused, and so is a token idle past the host's limit.
func TestReplayedAndExpiredTokensAreRefused(t *testing.T) {
	team := servicetest.NewTeam(t)
	addr := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().String()
	}()
	var mu sync.Mutex
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.Local)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	start := func() func() {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		sharedCert(t)
		srv := NewServer(team.Store, ServerOptions{Idle: time.Hour, Now: clock, Log: log.New(io.Discard, "", 0)})
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln, hostCert.cert, time.Second) }()
		return func() { stop(); <-done }
	}
	stop := start()
	host := Host{Addr: addr, Pin: hostCert.fp}
	c, err := SignIn(context.Background(), host, "lina", servicetest.Password, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Members(); err != nil {
		t.Fatal(err)
	}
	stop()
	stop = start()
	defer func() { stop() }()
	if _, err := c.Members(); !errors.Is(err, data.ErrSignedOut) {
		t.Fatalf("a token replayed to the restarted host: %v", err)
	}

	c, err = SignIn(context.Background(), host, "lina", servicetest.Password, DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(59 * time.Minute)
	mu.Unlock()
	if _, err := c.Members(); err != nil {
		t.Fatalf("a session used within the idle limit: %v", err)
	}
	mu.Lock()
	now = now.Add(61 * time.Minute)
	mu.Unlock()
	if _, err := c.Members(); !errors.Is(err, data.ErrSignedOut) {
		t.Fatalf("a session idle past the limit: %v", err)
	}
	// Both refusals reached the trail, from the caller's address; the second within the minute of the
	// first is not written again.
	if _, err := c.Members(); !errors.Is(err, data.ErrSignedOut) {
		t.Fatalf("the expired token again: %v", err)
	}
	if n := refusals(t, team.Store, "session_refused"); n != 2 {
		t.Fatalf("the trail holds %d refused sessions, want the replayed and the expired token's (one each minute)", n)
	}
}

// refusals counts the trail's lines of a refusal at a host, each from the loopback address.
func refusals(t *testing.T, st *storage.Store, action string) int {
	t.Helper()
	page, err := st.AuditTrail(data.AuditFilter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range page.Lines {
		if l.Actor != "127.0.0.1" || l.Entity != "session" {
			t.Errorf("a refusal's line: %+v", l)
		}
	}
	return len(page.Lines)
}
