//go:build unix

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"salesdesk/data/storage"
)

// tempKillChildEnv holds, for the test binary started again as a child, the command line to run.
const tempKillChildEnv = "SALESDESK_TEMPKILL_ARGS"

// TestTempKillChild is the child of the kill tests: it runs one command and is killed in it.
func TestTempKillChild(t *testing.T) {
	args := os.Getenv(tempKillChildEnv)
	if args == "" {
		t.Skip("the child of the temp kill tests")
	}
	os.Exit(run(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
}

// killAfterTemp runs the command in a child process that stops once its temp file of kind exists
// (it says so through a FIFO, with the temp's path), kills it with SIGKILL and returns the temp.
func killAfterTemp(t *testing.T, kind string, args ...string) string {
	t.Helper()
	fifo := filepath.Join(t.TempDir(), "paused")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTempKillChild$")
	cmd.Env = append(os.Environ(), tempKillChildEnv+"="+strings.Join(args, "\x1f"),
		"SALESDESK_TEST_PAUSE_AFTER_TEMP="+kind+":"+fifo)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	paused := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the child, or the exit path below, opens it to write
		if err != nil {
			paused <- ""
			return
		}
		defer f.Close()
		line, _ := bufio.NewReader(f).ReadString('\n')
		paused <- strings.TrimSpace(line)
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case tmp := <-paused:
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-exited
		if tmp == "" {
			t.Fatalf("the child did not say where it stopped; output:\n%s", out.String())
		}
		if _, err := os.Stat(tmp); err != nil {
			t.Fatalf("the temp file the child stopped at: %v", err)
		}
		return tmp
	case err := <-exited:
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.Close()
		}
		t.Fatalf("the child ended (%v) before its temp file existed; output:\n%s", err, out.String())
		return ""
	}
}

// hiddenFiles lists the hidden files in the folders: where SalesDesk's temp files go.
func hiddenFiles(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	for _, dir := range dirs {
		m, _ := filepath.Glob(filepath.Join(dir, ".*"))
		out = append(out, m...)
	}
	return out
}

// TestKilledCommandsLeaveNoTemps kills a backup, a compaction and a restore once their temp file
// exists; the window's start-up clean-up removes what the first kill left, the next run of the same
// command what the second left, and the database is intact (check passes, the same customers).
func TestKilledCommandsLeaveNoTemps(t *testing.T) {
	dir := t.TempDir()
	db := newDemoDB(t, dir, 60)
	backups := storage.DefaultBackupDir(db)
	if err := os.MkdirAll(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCmd("backup", "--db", db, backups+"/"); code != 0 {
		t.Fatalf("first backup: %s", stderr)
	}
	good, _ := filepath.Glob(filepath.Join(backups, "demo-*.db"))
	if len(good) != 1 {
		t.Fatalf("backups %v", good)
	}
	customers := func() int {
		s, err := storage.Open(db, storage.Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("the database does not open: %v", err)
		}
		defer s.Close()
		n, _ := s.CustomerCount()
		return n
	}
	want := customers()
	cases := []struct {
		name, kind string
		args       func(run int) []string
	}{
		// A backup's name has the second in it: each run its own, as two runs a second apart have.
		{"backup", "tmp", func(run int) []string {
			return []string{"backup", "--db", db, filepath.Join(backups, fmt.Sprintf("demo-2026-01-0%d-120000.db", run))}
		}},
		{"compact", "compact", func(int) []string { return []string{"compact", "--db", db} }},
		{"restore", "restore", func(int) []string { return []string{"restore", good[0], "--db", db, "--yes"} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tmp := killAfterTemp(t, tc.kind, tc.args(1)...)
			if removed := storage.RemoveLeftTemps(db, backups); len(removed) == 0 {
				t.Errorf("the window's clean-up removed nothing; %s is left", tmp)
			}
			if left := hiddenFiles(t, dir, backups); len(left) != 0 {
				t.Errorf("after the window's clean-up: %v", left)
			}
			tmp = killAfterTemp(t, tc.kind, tc.args(2)...)
			if code, _, stderr := runCmd(tc.args(3)...); code != 0 {
				t.Fatalf("%s again: exit %d: %s", tc.name, code, stderr)
			}
			if left := hiddenFiles(t, dir, backups); len(left) != 0 {
				t.Errorf("after %s ran again, %v are left (killed at %s)", tc.name, left, tmp)
			}
			if code, stdout, stderr := runCmd("check", "--db", db); code != 0 {
				t.Errorf("check: exit %d\n%s%s", code, stdout, stderr)
			}
			if got := customers(); got != want {
				t.Errorf("%d customers, want %d", got, want)
			}
		})
	}
}

// killAfterOutput runs the command in a child process and kills it with SIGKILL once its output holds
// want (the child's own word that it got so far).
func killAfterOutput(t *testing.T, want string, args ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestTempKillChild$")
	cmd.Env = append(os.Environ(), tempKillChildEnv+"="+strings.Join(args, "\x1f"))
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var seen []byte
	buf := make([]byte, 4096)
	for !bytes.Contains(seen, []byte(want)) {
		n, err := pipe.Read(buf)
		seen = append(seen, buf[:n]...)
		if err != nil {
			_ = cmd.Wait()
			t.Fatalf("the child ended before %q; output:\n%s", want, seen)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, pipe)
	_ = cmd.Wait()
}

// TestKilledDemoIsFinished kills a demo after its first batch: check then names the interrupted demo
// and how to finish it, and `demo` on the file finishes it with the counts first asked for.
func TestKilledDemoIsFinished(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	const customers = 6000 // two batches of 5000 and 1000: the kill lands after the first
	killAfterOutput(t, "generated 5000/6000", "demo", "--db", db, "--customers", fmt.Sprint(customers), "--seed", "3")
	code, stdout, stderr := runCmd("check", "--db", db)
	if code == 0 || !strings.Contains(stdout+stderr, "a demo was interrupted") ||
		!strings.Contains(stdout+stderr, "salesdesk demo --db "+db) {
		t.Errorf("check of the interrupted demo: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCmd("demo", "--db", db)
	if code != 0 || !strings.Contains(stderr, "finishing the demo that was interrupted") {
		t.Fatalf("demo again: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, fmt.Sprintf("%d customers", customers)) {
		t.Errorf("demo again: %s", stdout)
	}
	if code, stdout, stderr := runCmd("check", "--db", db); code != 0 {
		t.Errorf("check after the demo was finished: exit %d\n%s%s", code, stdout, stderr)
	}
}
