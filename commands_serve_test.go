package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"salesdesk/data"
	"salesdesk/data/office"
	"salesdesk/data/storage"
)

// syncBuffer is a buffer the host writes from its goroutine while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// salesdesk serve prints what a desktop needs to pair, serves the file to a signed-in member with the
// member's role, and stops cleanly on its stop signal.
func TestServeCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "team.db")
	st, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := st.SaveMember(data.System, data.Member{Name: "赵敏", Login: "zhaomin", Role: data.MemberAdmin, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []data.Member{{Name: "李娜", Login: "lina", Role: data.MemberRep, Active: true},
		{Name: "王建国", Login: "wangjianguo", Role: data.MemberManager, Active: true},
		{Name: "刘芳", Login: "liufang", Role: data.MemberAdmin, Active: true}} {
		if _, err := st.SessionAs(admin.ID).AddMember(m, "Serve-7kq-Lm2"); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	ctx, stop := context.WithCancel(context.Background())
	oldSignals := serveSignals
	serveSignals = func() (context.Context, context.CancelFunc) { return ctx, stop }
	ready := make(chan string, 1)
	serveReady = func(addr string) { ready <- addr }
	t.Cleanup(func() { serveSignals, serveReady = oldSignals, nil })
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"serve", "--db", path, "--listen", "127.0.0.1:0", "--no-announce"}, &out, &errOut)
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve exited with %d before listening: %s", code, errOut.String())
	}
	printed := out.String()
	fp := ""
	for _, line := range strings.Split(printed, "\n") {
		if v, ok := strings.CutPrefix(line, "certificate: "); ok {
			fp = v
		}
	}
	pin, err := office.ParseFingerprint(fp)
	if err != nil {
		t.Fatalf("serve printed %q: %v", printed, err)
	}
	if !strings.Contains(printed, "address: "+addr) || !strings.Contains(printed, "pairing code: "+pin.PairingCode()) {
		t.Fatalf("serve printed %q", printed)
	}

	c, err := office.SignIn(context.Background(), office.Host{Addr: addr, Pin: pin}, "lina", "Serve-7kq-Lm2", office.DialOptions{Desktop: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCustomer(data.Customer{Kind: data.KindCompany, Name: "杭州云帆网络科技有限公司"}); err != nil {
		t.Fatal(err)
	}
	var r *data.Refusal
	if _, err := c.MemberStatuses(); !errors.As(err, &r) {
		t.Fatalf("a rep asking the host for the sign-ins: %v", err)
	}
	// The command line reads through the host as it reads a file, as the member who signs in.
	t.Setenv(passwordEnv, "Serve-7kq-Lm2")
	var listed, failed bytes.Buffer
	if code := run([]string{"customers", "--host", addr, "--fingerprint", fp, "--user", "lina", "--format", "csv"}, &listed, &failed); code != exitOK ||
		!strings.Contains(listed.String(), "杭州云帆网络科技有限公司") {
		t.Fatalf("customers --host: exit %d, %q, %q", code, listed.String(), failed.String())
	}
	failed.Reset()
	other, _ := office.ParseFingerprint(strings.Repeat("ab", 32))
	if code := run([]string{"customers", "--host", addr, "--fingerprint", string(other), "--user", "lina"}, &listed, &failed); code != exitFailure ||
		!strings.Contains(failed.String(), "certificate changed") {
		t.Fatalf("customers against a host with another certificate: exit %d, %q", code, failed.String())
	}
	failed.Reset()
	if code := run([]string{"check", "--host", addr}, &listed, &failed); code != exitBadUsage || !strings.Contains(failed.String(), "works on the file itself") {
		t.Fatalf("check --host: exit %d, %q", code, failed.String())
	}
	// Exports, reports and backups are made on the host and written here, with the roles of the host.
	dir := t.TempDir()
	remote := func(user string, args ...string) (int, string) {
		t.Helper()
		var o, e bytes.Buffer
		code := run(append(args, "--host", addr, "--fingerprint", fp, "--user", user), &o, &e)
		return code, o.String() + e.String()
	}
	if code, msg := remote("lina", "export", "--format", "csv", "--out", filepath.Join(dir, "rep.csv")); code != exitRefused {
		t.Fatalf("a rep's export through the host: exit %d, %q", code, msg)
	}
	csvPath := filepath.Join(dir, "customers.csv")
	if code, msg := remote("wangjianguo", "export", "--format", "csv", "--out", csvPath); code != exitOK {
		t.Fatalf("export --host: exit %d, %q", code, msg)
	}
	if b, err := os.ReadFile(csvPath); err != nil || !strings.Contains(string(b), "杭州云帆网络科技有限公司") {
		t.Fatalf("the exported file holds %q (%v)", b, err)
	}
	jsonPath := filepath.Join(dir, "all.json")
	if code, msg := remote("wangjianguo", "export", "--format", "json", "--out", jsonPath); code != exitOK {
		t.Fatalf("export --format json --host: exit %d, %q", code, msg)
	}
	if b, err := os.ReadFile(jsonPath); err != nil || !strings.Contains(string(b), "杭州云帆网络科技有限公司") || !json.Valid(b) {
		t.Fatalf("the JSON export is not the file's (%v)", err)
	}
	if code, msg := remote("wangjianguo", "report", "--format", "json", "--out", filepath.Join(dir, "report.json")); code != exitOK {
		t.Fatalf("report --host: exit %d, %q", code, msg)
	}
	if code, msg := remote("lina", "report", "--format", "csv"); code != exitRefused {
		t.Fatalf("a rep's report as a file through the host: exit %d, %q", code, msg)
	}
	// An import reads the file here and runs at the host, as the member; undo-import and imports too.
	importPath := filepath.Join(dir, "客户.csv")
	if err := os.WriteFile(importPath, []byte("客户名称,联系人,电话\n远程导入一号有限公司,张伟,13800138001\n远程导入二号有限公司,李娜,13800138002\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, msg := remote("lina", "import", importPath); code != exitRefused {
		t.Fatalf("a rep's import through the host: exit %d, %q", code, msg)
	}
	code, msg := remote("wangjianguo", "import", importPath)
	if code != exitOK || !strings.Contains(msg, "into the host "+addr+" as import ") || !strings.Contains(msg, "2 created") {
		t.Fatalf("import --host: exit %d, %q", code, msg)
	}
	if code, msg := remote("wangjianguo", "imports"); code != exitOK || !strings.Contains(msg, "客户.csv") || !strings.Contains(msg, "王建国") {
		t.Fatalf("imports --host: exit %d, %q", code, msg)
	}
	id := msg[strings.Index(msg, "as import ")+len("as import "):]
	id = id[:strings.IndexAny(id, ":\n")]
	if code, msg := remote("wangjianguo", "undo-import", id); code != exitOK || !strings.Contains(msg, "2 removed") {
		t.Fatalf("undo-import %s --host: exit %d, %q", id, code, msg)
	}
	// The team's commands: the members, the pool, the trail, each with the host's roles.
	if code, msg := remote("liufang", "members", "list"); code != exitOK || !strings.Contains(msg, "lina") || !strings.Contains(msg, "wangjianguo") {
		t.Fatalf("members list --host: exit %d, %q", code, msg)
	}
	if code, msg := remote("lina", "members", "unlock", "wangjianguo"); code != exitRefused {
		t.Fatalf("a rep unlocking a member through the host: exit %d, %q", code, msg)
	}
	if code, msg := remote("lina", "pool", "list"); code != exitOK {
		t.Fatalf("pool list --host: exit %d, %q", code, msg)
	}
	if code, msg := remote("wangjianguo", "audit", "--action", "undo_import", "--format", "csv"); code != exitOK || !strings.Contains(msg, "王建国") {
		t.Fatalf("audit --host: exit %d, %q", code, msg)
	}
	if code, msg := remote("lina", "audit"); code != exitRefused {
		t.Fatalf("a rep's audit through the host: exit %d, %q", code, msg)
	}
	if code, msg := remote("wangjianguo", "import", filepath.Join(dir, "missing.csv")); code == exitOK || !strings.Contains(msg, "missing.csv") {
		t.Fatalf("import --host of a missing file: exit %d, %q", code, msg)
	}
	if code, msg := remote("wangjianguo", "backup", filepath.Join(dir, "mgr.db")); code != exitRefused {
		t.Fatalf("a manager's backup through the host: exit %d, %q", code, msg)
	}
	backupPath := filepath.Join(dir, "office.db")
	if code, msg := remote("liufang", "backup", backupPath); code != exitOK || !strings.Contains(msg, "the host keeps") {
		t.Fatalf("backup --host: exit %d, %q", code, msg)
	}
	if info, err := storage.PreviewBackup(backupPath); err != nil || info.Counts.Customers != 1 || info.Counts.Members != 4 {
		t.Fatalf("the backup that arrived: %+v, %v", info, err)
	}
	if code, msg := remote("liufang", "backup", backupPath); code == exitOK || !strings.Contains(msg, "already exists") {
		t.Fatalf("a second backup onto the first: exit %d, %q", code, msg)
	}
	failed.Reset()
	t.Setenv(passwordEnv, "wrong-password-1")
	if code := run([]string{"forecast", "--host", addr, "--fingerprint", fp, "--user", "lina"}, &listed, &failed); code != exitSignIn {
		t.Fatalf("a wrong password against the host: exit %d, %q", code, failed.String())
	}

	stop()
	if code := <-done; code != exitOK {
		t.Fatalf("serve exited with %d: %s", code, errOut.String())
	}
	// The host let go of the file, with the rep's card in it.
	st, err = storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if active, _ := st.CustomerCount(); active != 1 {
		t.Fatalf("the file holds %d cards after the host stopped", active)
	}
	// Each file taken out through the host left its line in the host's trail, as the manager's.
	trail, err := st.SessionAs(admin.ID).AuditTrail(data.AuditFilter{Entity: "export", Limit: 50})
	if err != nil || len(trail.Lines) < 3 {
		t.Fatalf("the host's trail holds %d export lines (%v), want the csv, json and report", len(trail.Lines), err)
	}
}

// salesdesk hosts lists the hosts announced on the network.
func TestHostsCommand(t *testing.T) {
	a, err := office.Announce("测试主机", nil, 47852, office.Fingerprint("SHA256:"+strings.Repeat("ab", 32)))
	if err != nil {
		t.Skipf("no multicast on this machine: %v", err)
	}
	defer a.Stop()
	var out, errOut bytes.Buffer
	if code := run([]string{"hosts", "--timeout", "1s"}, &out, &errOut); code != exitOK ||
		!strings.Contains(out.String(), "测试主机") || !strings.Contains(out.String(), ":47852") {
		t.Fatalf("hosts: exit %d, %q, %q", code, out.String(), errOut.String())
	}
}
