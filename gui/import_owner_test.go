package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"

	"salesdesk/data"
)

// The import window gives the cards without an owner to the user importing (or to whom they pick),
// and its preview lists each row imported with a note by number, with the reason and what was kept.
func TestImportWindowOwnerAndNotedRows(t *testing.T) {
	// Given a file with no owner column, a bad phone and a bad email
	u := newTestUI(t, "zh")
	mgr, err := u.file.SaveMember(data.System, data.Member{Name: "赵经理", Role: data.MemberManager, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	csv := "客户名称,联系人,电话,邮箱,跟进人\n" +
		"甲公司,张三,12345,zhang@example.com,\n" +
		"乙公司,李四,13800138000,li@@bad,\n" +
		"丙公司,王五,13900139000,wang@example.com,不存在的人\n"
	path := filepath.Join(t.TempDir(), "客户.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := u.local.OpenImport(path)
	if err != nil {
		t.Fatal(err)
	}
	iw := u.openImport(src)

	// Then the default owner is the current user
	if iw.owner.Selected != "王建国" || iw.defaultOwner() != u.me().MemberID {
		t.Errorf("default owner %q (%d), want the current user", iw.owner.Selected, iw.defaultOwner())
	}

	// When the preview runs
	iw.start(true)

	// Then each noted row is listed by number with its reason and what became of the value
	text := strings.Join(iw.lines, "\n")
	for _, want := range []string{"第 2 行", "“12345”", T("import.kept_in_notes"), "第 3 行", "“li@@bad”",
		"第 4 行", Tf("import.owner_default", "王建国")} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lines lack %q:\n%s", want, text)
		}
	}
	if !strings.Contains(iw.result.Text, Tf("import.noted_count", 3)) {
		t.Errorf("result %q does not count the noted rows", iw.result.Text)
	}

	// When another owner is picked and the file imported
	iw.owner.SetSelected("赵经理")
	iw.start(false)

	// Then every card has that owner, and the bad values sit in the contacts' notes
	for _, name := range []string{"甲公司", "乙公司", "丙公司"} {
		rows := listed(u.store, data.CustomerFilter{Search: name})
		if len(rows) != 1 || rows[0].OwnerID != mgr.ID {
			t.Errorf("%s: %v, want one card owned by %d", name, rows, mgr.ID)
			continue
		}
		if name == "甲公司" {
			c, _ := u.store.Customer(rows[0].ID)
			if len(c.Contacts) != 1 || !strings.Contains(c.Contacts[0].Notes, "12345") {
				t.Errorf("甲公司's contact %+v, want the bad phone in the notes", c.Contacts)
			}
		}
	}
}

// The open dialog offers the files the import takes.
func TestImportFileFilter(t *testing.T) {
	for name, want := range map[string]bool{"客户.csv": true, "客户.CSV": true, "book.xlsx": true, "export.json": true,
		"old.xls": false, "salesdesk.db": false, "notes.txt": false} {
		if got := importFilter.Matches(storage.NewFileURI(filepath.Join(t.TempDir(), name))); got != want {
			t.Errorf("%s: offered %v, want %v", name, got, want)
		}
	}
}
