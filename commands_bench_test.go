package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The bench makes its own small file, prints every figure with the queries' counts, and leaves
// nothing behind in its folder but what it was told to keep.
func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCmd("bench", "--customers", "300", "--runs", "1", "--dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"300 customers", "open + first page of the list, warm", "one hanzi", "pinyin syllable",
		"card number", "save a card", "first keystroke after a save", "board:", "metrics:", "JSON export", "backup",
		"memory's peak while opening", "anonymous", "heap's growth during a JSON export", "import of that CSV"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the bench printed no %q:\n%s", want, stdout)
		}
	}
	// Every query of the classes finds cards in the demo: a count of 0 would measure nothing.
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		if len(f) > 3 && (strings.HasPrefix(line, "one hanzi") || strings.HasPrefix(line, "pinyin syllable") || strings.HasPrefix(line, "tag ")) {
			for _, w := range f {
				if w == "0" {
					t.Errorf("a query found nothing: %q", line)
				}
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "bench.db")); err != nil {
		t.Errorf("the file measured is not in --dir: %v", err)
	}
	// A second run into the same folder is refused rather than mixing demos.
	if code, _, stderr := runCmd("bench", "--customers", "300", "--runs", "1", "--dir", dir); code == 0 || !strings.Contains(stderr, "exists") {
		t.Errorf("a second run into the same folder: exit %d, %q", code, stderr)
	}
	if code, _, stderr := runCmd("bench", "--customers", "0"); code != 2 || !strings.Contains(stderr, "--customers") {
		t.Errorf("--customers 0: exit %d, %q", code, stderr)
	}
}
