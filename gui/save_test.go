package gui

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
)

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestSaveDialogsGuardTheFiles chooses the database, a backup and a new name in the backup folder in
// the save dialogs, as Fyne's dialog hands them over (storage.Writer on the choice, then the
// callback): none is changed or made, and an error is shown. A file of the user's own, whose
// replacement the dialog confirmed, is replaced by the whole new file, 0600; a failing export leaves it
// as it was.
func TestSaveDialogsGuardTheFiles(t *testing.T) {
	u := newTestUI(t, "en")
	db := u.file.Path()
	backup, err := u.file.BackupNow(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	inBackups := filepath.Join(filepath.Dir(backup.Path), "new.xlsx")
	export := func(w io.Writer, _ *atomic.Bool) error {
		_, err := io.WriteString(w, "the whole export")
		return err
	}
	for _, tc := range []struct{ name, chosen, protected string }{
		{"the database", db, db},
		{"a backup", backup.Path, backup.Path},
		{"a new file in the backup folder", inBackups, backup.Path},
	} {
		for _, save := range []struct {
			name string
			run  func()
		}{
			{"export", func() { u.onExportChosen(export)(storage.Writer(storage.NewFileURI(tc.chosen))) }},
			{"backup to", func() { u.settings.backup.onBackupFileChosen(storage.Writer(storage.NewFileURI(tc.chosen))) }},
		} {
			if save.name == "backup to" && tc.chosen == inBackups {
				continue // a new backup in the backup folder is what the button is for
			}
			before, dbBefore := sum(t, tc.protected), sum(t, db)
			shown := len(u.dialogs)
			save.run()
			if sum(t, tc.protected) != before || sum(t, db) != dbBefore {
				t.Errorf("%s, %s: %s was changed", save.name, tc.name, tc.protected)
			}
			if _, err := os.Stat(inBackups); err == nil {
				t.Fatalf("%s, %s: a file was made in the backup folder", save.name, tc.name)
			}
			if len(u.dialogs) <= shown {
				t.Errorf("%s, %s: no error was shown", save.name, tc.name)
			}
			u.closeDialog()
		}
		if err := u.checkSave(mustWriter(t, tc.chosen)); err == nil {
			t.Errorf("%s: checkSave let it through", tc.name)
		}
	}

	mine := filepath.Join(t.TempDir(), "mine.xlsx")
	if err := os.WriteFile(mine, []byte("the user's old file"), 0o644); err != nil {
		t.Fatal(err)
	}
	u.onExportChosen(func(w io.Writer, _ *atomic.Bool) error {
		_, _ = io.WriteString(w, "half an export")
		return errors.New("disk full")
	})(mustWriter(t, mine), nil)
	if b, _ := os.ReadFile(mine); string(b) != "the user's old file" {
		t.Errorf("a failed export changed the chosen file: %q", b)
	}
	u.onExportChosen(export)(mustWriter(t, mine), nil)
	if b, _ := os.ReadFile(mine); string(b) != "the whole export" {
		t.Errorf("the confirmed file holds %q", b)
	}
	if st, err := os.Stat(mine); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the saved file: %v %v", st.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(mine), ".mine.xlsx.*")); len(left) > 0 {
		t.Errorf("temp files left: %v", left)
	}
}

func mustWriter(t *testing.T, path string) *pendingSave {
	t.Helper()
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	p, ok := wc.(*pendingSave)
	if !ok {
		t.Fatalf("storage.Writer gave a %T, not the guarded writer", wc)
	}
	return p
}

// TestRejectedRowsSaveIsGuarded: the import window's "save the rejected rows" refuses the database
// and writes a chosen new file whole, 0600, its formula cells neutralised.
func TestRejectedRowsSaveIsGuarded(t *testing.T) {
	u := newTestUI(t, "zh")
	in := filepath.Join(t.TempDir(), "客户.csv")
	if err := os.WriteFile(in, []byte("客户名称,备注\n,=HYPERLINK(\"http://x\")\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := u.local.OpenImport(in)
	if err != nil {
		t.Fatal(err)
	}
	iw := u.openImport(src)
	iw.start(true)
	if iw.report == nil || len(iw.report.Rejected) != 1 {
		t.Fatalf("report %+v", iw.report)
	}
	db := u.file.Path()
	before := sum(t, db)
	shown := len(u.dialogs)
	iw.onRejectsFileChosen(iw.report)(storage.Writer(storage.NewFileURI(db)))
	if sum(t, db) != before {
		t.Fatal("saving the rejected rows changed the database")
	}
	if len(u.dialogs) <= shown {
		t.Error("no error was shown")
	}
	out := filepath.Join(t.TempDir(), "rejected.csv")
	iw.onRejectsFileChosen(iw.report)(storage.Writer(storage.NewFileURI(out)))
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), `'=HYPERLINK(""http://x"")`) {
		t.Errorf("the rejected rows: %q %v", b, err)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the rejected rows' file: %v %v", st.Mode(), err)
	}
}

// A progress that is full while the work goes on (the office's host reading an uploaded file) turns
// the bar into a moving one that says what is awaited, instead of a bar stuck at 100%.
func TestProgressFullWhileTheWorkGoesOn(t *testing.T) {
	u := newTestUI(t, "zh")
	inlineWork(u)
	want := T("office.import_host_reading")
	look := func() (note, moving bool) {
		for _, o := range shownObjects(u.win.Canvas().Overlays().Top()) {
			switch v := o.(type) {
			case *widget.ProgressBarInfinite:
				moving = true
			case *widget.Label:
				note = note || v.Text == want
			}
		}
		return note, moving
	}
	var looks [][2]bool
	u.withProgressThen("发送", want, func(_ context.Context, progress data.Progress) error {
		progress(5, 10)
		note, moving := look()
		looks = append(looks, [2]bool{note, moving})
		progress(10, 10)
		note, moving = look()
		looks = append(looks, [2]bool{note, moving})
		return nil
	}, func() {}, nil)
	if len(looks) != 2 || looks[0] != [2]bool{false, false} || looks[1] != [2]bool{true, true} {
		t.Errorf("the dialog's note and moving bar, half sent then all sent: %v; want [false false] then [true true]", looks)
	}
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays open after the work")
	}
}

// shownObjects lists the visible objects under o, through containers and widgets' renderers.
func shownObjects(o fyne.CanvasObject) []fyne.CanvasObject {
	if o == nil || !o.Visible() {
		return nil
	}
	out := []fyne.CanvasObject{o}
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, shownObjects(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(v).Objects() {
			out = append(out, shownObjects(c)...)
		}
	}
	return out
}
