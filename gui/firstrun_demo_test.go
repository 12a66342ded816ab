package gui

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"salesdesk/data/storage"
)

// demoStopped stops a demo after its first batch, as a kill would.
type demoStopped struct{}

// TestFirstStartFinishesAnInterruptedDemo: the window opening a file whose demo stopped half way
// finishes the demo (every customer asked for, the file clean) instead of showing half of it.
func TestFirstStartFinishesAnInterruptedDemo(t *testing.T) {
	a := test.NewTempApp(t)
	st, err := storage.Open(filepath.Join(t.TempDir(), "half.db"), storage.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	const customers = 5001 // a batch of 5000, then one more card
	func() {
		defer func() {
			if r := recover(); r != nil && r != (demoStopped{}) {
				panic(r)
			}
		}()
		_ = storage.GenerateDemo(st, storage.DemoOptions{Customers: customers, Seed: 2, Now: fixedNow,
			Progress: func(done, _ int) {
				if done < customers {
					panic(demoStopped{})
				}
			}})
	}()
	if d, ok := st.InterruptedDemo(); !ok || d.Done != 5000 {
		t.Fatalf("the demo was not interrupted after its first batch: %+v %v", d, ok)
	}
	setLanguage("en")
	u := newUI(a, st, Config{})
	inlineWork(u)
	u.startup()
	if _, ok := st.InterruptedDemo(); ok {
		t.Fatal("the window's start left the demo interrupted")
	}
	if active, archived := st.CustomerCount(); active+archived != customers {
		t.Errorf("%d customers, want %d", active+archived, customers)
	}
	if u.welcome.empty != nil {
		t.Error("the welcome dialog offers a demo over the finished one")
	}
	if rep, err := st.Check(); err != nil || !rep.OK() {
		t.Errorf("check: %v %v", err, rep.Problems)
	}
}
