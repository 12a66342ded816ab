package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// localeVars are the variables that choose the language of messages (gettext's order).
var localeVars = []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"}

func TestTableHeadersFollowTheLocale(t *testing.T) {
	db := sharedDB(t)
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // the header's first column
	}{
		{"LANG zh_CN", map[string]string{"LANG": "zh_CN.UTF-8"}, "卡号"},
		{"LC_ALL zh_CN over LANG en", map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "卡号"},
		{"LC_MESSAGES zh_CN", map[string]string{"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "卡号"},
		{"LANGUAGE zh_CN first", map[string]string{"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "卡号"},
		{"LC_ALL en over LANG zh", map[string]string{"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "CARD NO"},
		{"LANG C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, "CARD NO"},
		// gettext ignores LANGUAGE when the locale is C.
		{"LANG C with LANGUAGE zh", map[string]string{"LANG": "C", "LANGUAGE": "zh_CN"}, "CARD NO"},
		{"nothing set", map[string]string{}, "CARD NO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range localeVars {
				t.Setenv(v, tc.env[v]) // empty counts as unset for the locale lookup
			}
			code, stdout, stderr := runCmd("customers", "--db", db)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if first := strings.Fields(stdout)[0]; first != strings.Fields(tc.want)[0] {
				t.Errorf("header starts %q, want %q", first, tc.want)
			}
		})
	}
}

var built struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// builtBinary builds salesdesk as scripts/start.sh does, once for the tests that run it.
func builtBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "salesdesk-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "salesdesk")
		cmd := exec.Command("go", "build", "-tags", "no_emoji", "-o", built.path, ".")
		built.out, built.err = cmd.CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.path
}

// envWithout is the test's environment without the locale variables, plus extra.
func envWithout(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "LC_") && name != "LANG" && name != "LANGUAGE" && name != "GODEBUG" {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// Fyne's lang package logs "Fyne error: Error parsing user locale C" from its init under
// LANG=C.UTF-8; the built program must print nothing of it, before main or after.
func TestNoFyneLocaleErrorUnderCLocales(t *testing.T) {
	bin := builtBinary(t)
	db := sharedDB(t)
	for _, env := range [][]string{
		{"LANG=C.UTF-8"}, {"LANG=C.utf8"}, {"LANG=C"}, {"LANG=POSIX"}, {"LC_ALL=C"}, {"LC_ALL=C.UTF-8"},
		{"LANG=xx_Garbage!.UTF-8"}, {}, // no locale at all
	} {
		for _, args := range [][]string{{"version"}, {"customers", "--db", db}} {
			t.Run(strings.Join(env, " ")+" "+args[0], func(t *testing.T) {
				cmd := exec.Command(bin, args...)
				cmd.Env = envWithout(env...)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				if err := cmd.Run(); err != nil {
					t.Fatalf("%v: %v\n%s", args, err, stderr.String())
				}
				if strings.Contains(stderr.String(), "Fyne error") || strings.Contains(stderr.String(), "locale") {
					t.Errorf("stderr:\n%s", stderr.String())
				}
				if args[0] == "customers" && !strings.HasPrefix(stdout.String(), "CARD NO") {
					t.Errorf("not the English table:\n%.200s", stdout.String())
				}
			})
		}
	}
}

// The filter in internal/quietlocale works only if its init runs before Fyne's lang init.
func TestInitRunsBeforeFyneLang(t *testing.T) {
	cmd := exec.Command(builtBinary(t), "version")
	cmd.Env = envWithout("LANG=en_US.UTF-8", "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	order := map[string]int{}
	for i, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "init" {
			order[f[1]] = i + 1
		}
	}
	quiet, fyneLang := order["salesdesk/internal/quietlocale"], order["fyne.io/fyne/v2/lang"]
	if quiet == 0 || fyneLang == 0 {
		t.Fatalf("inittrace lists quietlocale at %d and Fyne's lang at %d:\n%.2000s", quiet, fyneLang, out)
	}
	if quiet > fyneLang {
		t.Errorf("quietlocale is initialised after Fyne's lang (%d > %d)", quiet, fyneLang)
	}
}
