package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// A backup made from Settings lands in the backup folder, verified; restoring it brings back the file
// as it was, keeps the replaced file as a safety copy, and every screen reads the restored file.
func TestBackupNowAndRestoreFromSettings(t *testing.T) {
	u := newTestUI(t, "en")
	path := u.file.Path()
	first, err := u.store.CreateCustomer(data.Customer{Kind: data.KindCompany, Name: "备份前公司", Status: data.StatusProspect})
	if err != nil {
		t.Fatal(err)
	}
	p := u.settings.backup
	p.onBackupNow()
	backups, err := u.file.Backups()
	if err != nil || len(backups) != 1 {
		t.Fatalf("after Back up now: %d backups, %v; want 1", len(backups), err)
	}
	if !strings.Contains(p.status.Text, "1 backups") {
		t.Errorf("status %q", p.status.Text)
	}
	backup := backups[0].Path

	// A change after the backup, then the restore.
	if _, err := u.store.CreateCustomer(data.Customer{Kind: data.KindCompany, Name: "备份后公司", Status: data.StatusProspect}); err != nil {
		t.Fatal(err)
	}
	old := u.file
	u.replaceFile("restore", func(path string) error {
		_, err := storage.Restore(backup, path, storage.RestoreOptions{BackupDir: filepath.Join(filepath.Dir(path), "backups")})
		return err
	})
	if u.file == old || u.file.Path() != path {
		t.Fatal("the window still holds the closed file")
	}
	rows := listed(u.store, data.CustomerFilter{})
	if len(rows) != 1 || rows[0].ID != first.ID {
		t.Errorf("after the restore: %s; want only 备份前公司", rowNames(rows))
	}
	after, _ := u.file.Backups()
	var safety bool
	for _, b := range after {
		safety = safety || strings.Contains(filepath.Base(b.Path), "before-restore")
	}
	if !safety {
		t.Errorf("no safety copy of the replaced file among %v", after)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Errorf("the backup itself is gone: %v", err)
	}
}

// Restoring refuses while a card holds unsaved typing: the typing belongs to the file being replaced.
func TestRestoreWaitsForUnsavedCards(t *testing.T) {
	u := newTestUI(t, "en")
	cw := u.openCard(0)
	cw.fields["name"].entry.SetText("未保存")
	old := u.file
	called := false
	u.replaceFile("restore", func(string) error { called = true; return nil })
	if called || u.file != old {
		t.Error("the file was replaced under a card with unsaved changes")
	}
}
