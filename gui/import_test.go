package gui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"salesdesk/data"
)

// The import window over a CSV as Excel saves it: headers matched by themselves, a preview that
// writes nothing, the import with its rejected row, and Undo taking it all back.
func TestImportWindowPreviewImportUndo(t *testing.T) {
	u := newTestUI(t, "zh")
	csv := "\ufeff客户名称,所属行业,联系人,电话,邮箱\n" +
		"杭州云帆网络科技有限公司,软件,张伟,13800138000,zw@yf.com\n" +
		"苏州恒达机械有限公司,制造业,李娜,0512-66881234,\n" +
		",制造业,王五,13900000000,\n" // no name: rejected
	iw := importWindowOver(t, u, "客户.csv", csv)
	if got := iw.current().Mapping.Field(0); got != "name" {
		t.Fatalf("客户名称 mapped to %q; want name", got)
	}

	iw.start(true)
	if iw.report == nil || !iw.report.DryRun || iw.report.Customers.Created != 2 || len(iw.report.Rejected) != 1 {
		t.Fatalf("preview report %+v", iw.report)
	}
	if n, _ := counts(u.store); n != 0 {
		t.Fatalf("the preview wrote %d customers", n)
	}
	if got := rejectText(iw.report.Rejected[0]); !strings.Contains(got, "第 4 行") || !strings.Contains(got, "没有客户") {
		t.Errorf("rejected row reads %q; want row 4 and the reason in Chinese", got)
	}
	if got := iw.result.Text; !strings.Contains(got, "1 行有问题（见下）") {
		t.Errorf("the preview's result %q does not point to the rejected row below", got)
	}

	iw.start(false)
	if n, _ := counts(u.store); n != 2 || iw.report.ImportID == 0 || iw.undo.Hidden || iw.saveRej.Hidden {
		t.Fatalf("after the import: %d customers, report %+v", n, iw.report)
	}
	rows := listed(u.store, data.CustomerFilter{Search: "13800138000"})
	if len(rows) != 1 || rows[0].Name != "杭州云帆网络科技有限公司" {
		t.Errorf("imported card not found by its phone: %v", rowNames(rows))
	}

	iw.onUndo()
	if n, _ := counts(u.store); n != 0 || !iw.undo.Hidden {
		t.Errorf("after undo: %d customers", n)
	}
}

func TestMappingProblemsInTheWindowsLanguage(t *testing.T) {
	setLanguage("zh")
	t.Cleanup(func() { setLanguage("en") })
	if got := mappingProblems(data.Mapping{}); len(got) != 1 || got[0] != T("import.map.none") {
		t.Errorf("empty mapping: %v", got)
	}
	m := data.AutoMap([]string{"联系人", "电话"})
	if got := strings.Join(mappingProblems(m), "\n"); !strings.Contains(got, "没有指明客户") {
		t.Errorf("no customer column: %q", got)
	}
	if got := mappingProblems(data.AutoMap([]string{"客户名称", "联系人"})); len(got) != 0 {
		t.Errorf("a complete mapping: %v", got)
	}
}

// An earlier import is undone from the list of imports, which then shows it undone.
func TestImportsListUndoesAnEarlierImport(t *testing.T) {
	u := newTestUI(t, "en")
	iw := importWindowOver(t, u, "customers.csv", "Customer,Phone\nAcme Trading Co.,13800138000\nBeta Ltd.,13900139000\n")
	iw.start(false)
	iw.win.Close()
	if n, _ := counts(u.store); n != 2 {
		t.Fatalf("imported %d customers; want 2", n)
	}
	id := u.onImports()
	if len(id.records) != 1 || !strings.Contains(importLine(id.records[0]), "customers.csv") {
		t.Fatalf("imports listed: %+v", id.records)
	}
	id.undo(id.records[0].ID, false)
	if n, _ := counts(u.store); n != 0 || !id.records[0].Undone {
		t.Errorf("after undo: %d customers, record %+v", n, id.records[0])
	}
	if !strings.Contains(importLine(id.records[0]), "undone") {
		t.Errorf("line %q does not say undone", importLine(id.records[0]))
	}
}

// A file whose cell runs over two lines: the window names the row before anything is imported, the
// import refuses it until the box is ticked, and then imports it with the line break.
func TestImportWindowMultilineNeedsTheBox(t *testing.T) {
	u := newTestUI(t, "zh")
	csv := "客户名称,电话,备注\n北京科技,13800138000,\"北京市海淀区\n中关村大街1号\"\n上海贸易,13900139000,\n"
	iw := importWindowOver(t, u, "客户.csv", csv)
	if iw.multiline.Hidden || !strings.Contains(iw.problems.Text, "第 2 行") || !strings.Contains(iw.problems.Text, "备注") {
		t.Fatalf("the window does not name the row: box hidden %v, %q", iw.multiline.Hidden, iw.problems.Text)
	}
	iw.start(true)
	if iw.report == nil || len(iw.report.Multiline) != 1 || iw.report.Customers.Created != 2 {
		t.Fatalf("preview %+v", iw.report)
	}
	iw.start(false)
	if n, _ := counts(u.store); n != 0 {
		t.Fatalf("imported %d customers without the box ticked", n)
	}
	iw.multiline.SetChecked(true)
	iw.start(false)
	if n, _ := counts(u.store); n != 2 {
		t.Fatalf("imported %d customers with the box ticked; want 2", n)
	}
	// No row was rejected: nothing is listed below, and the result does not say there is.
	if got := iw.result.Text; len(iw.report.Rejected) != 0 || !strings.Contains(got, "0 行被拒。") || strings.Contains(got, T("import.below")) {
		t.Errorf("the result %q with %d rows rejected", got, len(iw.report.Rejected))
	}
}

// A cancel the user asked for ends with the result line saying what was written and Undo, not with an
// error dialog over it.
func TestCancelledImportIsNoError(t *testing.T) {
	u := newTestUI(t, "zh")
	iw := importWindowOver(t, u, "客户.csv", "客户名称\n杭州云帆网络科技有限公司\n")
	rep := &data.ImportReport{Rows: 14000, Cancelled: true, ImportID: 7}
	rep.Customers.Created = 14000
	iw.finished(rep, fmt.Errorf("data: import 客户.csv: %w", data.ErrImportCancelled), false)
	if top := iw.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a dialog shows over the cancelled import: %v", drawnTexts(top))
	}
	if got := iw.result.Text; !strings.Contains(got, "已取消") || !strings.Contains(got, "14000") {
		t.Errorf("result line %q; want the cancel and what was written", got)
	}
	if iw.undo.Hidden {
		t.Error("no Undo for what the cancelled import wrote")
	}
	iw.finished(&data.ImportReport{Rows: 3}, errors.New("disk full"), false)
	if iw.win.Canvas().Overlays().Top() == nil {
		t.Error("an import's real error shows no dialog")
	}
}

// importWindowOver writes a file of the given name and content and opens the import window over it.
func importWindowOver(t *testing.T, u *ui, name, content string) *importWindow {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := u.local.OpenImport(path)
	if err != nil {
		t.Fatal(err)
	}
	return u.openImport(src)
}
