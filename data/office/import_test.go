package office

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"salesdesk/data"
	"salesdesk/data/office/officepb"
)

// importFile writes a CSV file of n customers (the template's columns) to the test's folder; the row
// of index bad, if any, has a date no calendar has.
func importFile(t *testing.T, n, bad int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("客户名称,所属行业,联系人,电话,最后跟进时间,备注\n")
	for i := range n {
		date := "2026-03-02"
		if i == bad {
			date = "2026-13-45"
		}
		fmt.Fprintf(&b, "远程导入测试%05d有限公司,IT服务,联系人%d,138%08d,%s,%s\n", i, i, i, date, strings.Repeat("备注", 20))
	}
	path := filepath.Join(t.TempDir(), "客户名单.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A joined desktop imports a file of its own: the bytes go to the host, the preview and the import
// run there as the member, progress and the whole report come back, and the host remembers the
// mapping the desktop saved.
func TestImportFromAJoinedDesktop(t *testing.T) {
	o := newOffice(t)
	mgr := o.join(t, "wangjianguo")
	const rows = 3000 // over one chunk of the upload, and over reportPart outcomes
	path := importFile(t, rows, 17)
	if st, _ := os.Stat(path); st.Size() <= chunkSize {
		t.Fatalf("the file is %d bytes: one chunk, which tests no stream", st.Size())
	}

	var sent, size int64
	src, err := mgr.OpenImportContext(context.Background(), path, func(done, total int64) { sent, size = done, total })
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if src.Upload == "" || sent != size || size == 0 {
		t.Fatalf("upload %q: progress said %d of %d", src.Upload, sent, size)
	}
	if len(src.Sheets) != 1 || src.Sheets[0].Rows != rows || len(src.Sheets[0].Mapping.Groups()) == 0 {
		t.Fatalf("the sheets as read: %+v", src.Sheets)
	}

	before, _, err := mgr.CustomerCount()
	if err != nil {
		t.Fatal(err)
	}
	commits := o.Store.Commits()
	dry, err := mgr.Import(context.Background(), src, data.ImportOptions{OnDuplicate: data.DuplicateSkip, DryRun: true, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if !dry.DryRun || dry.Rows != 20 || dry.Customers.Created != 19 || len(dry.Rejected) != 1 || o.Store.Commits() != commits {
		t.Fatalf("the preview: rows %d, created %d, rejected %d, commits %d→%d", dry.Rows, dry.Customers.Created, len(dry.Rejected), commits, o.Store.Commits())
	}

	// The desktop saves the mapping it chose (as the wizard does) and imports.
	if err := mgr.SaveMapping(src.Sheets[0].Mapping); err != nil {
		t.Fatal(err)
	}
	var progress []data.ImportProgress
	rep, err := mgr.Import(context.Background(), src, data.ImportOptions{OnDuplicate: data.DuplicateSkip, BatchSize: 500,
		DefaultOwner: o.Mgr.ID, Progress: func(p data.ImportProgress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ImportID == 0 || rep.Rows != rows || rep.Customers.Created != rows-1 || len(rep.Outcomes) != rows-1 {
		t.Fatalf("the import: id %d, rows %d, created %d, outcomes %d", rep.ImportID, rep.Rows, rep.Customers.Created, len(rep.Outcomes))
	}
	if len(rep.Rejected) != 1 || rep.Rejected[0].Row != 2+17 || len(rep.Rejected[0].Problems) == 0 ||
		!errors.Is(rep.Rejected[0].Problems[0].Err, data.ErrDateInvalid) {
		t.Fatalf("the rejected row came back as %+v", rep.Rejected)
	}
	if rep.Outcomes[0].Row != 2 || rep.Outcomes[len(rep.Outcomes)-1].Row != rows+1 {
		t.Errorf("the outcomes came back out of order: first row %d, last %d", rep.Outcomes[0].Row, rep.Outcomes[len(rep.Outcomes)-1].Row)
	}
	if len(progress) < rows/500 || progress[len(progress)-1].Done != rows {
		t.Errorf("progress: %d events, last %+v", len(progress), progress[len(progress)-1])
	}
	after, _, err := mgr.CustomerCount()
	if err != nil {
		t.Fatal(err)
	}
	if after != before+rows-1 {
		t.Fatalf("the host has %d customers, %d before an import of %d", after, before, rows-1)
	}
	imports, err := mgr.Imports()
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) == 0 || imports[0].ID != rep.ImportID || imports[0].ByID != o.Mgr.ID || !imports[0].Finished || imports[0].File != "客户名单.csv" {
		t.Fatalf("the host's list of imports: %+v", imports)
	}

	// The same file again: the host gives back the mapping saved for its header.
	again, err := mgr.OpenImport(path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Upload == src.Upload || again.Sheets[0].Mapping.Fingerprint != src.Sheets[0].Mapping.Fingerprint {
		t.Fatalf("the second upload %q (first %q), fingerprint %q", again.Upload, src.Upload, again.Sheets[0].Mapping.Fingerprint)
	}
	undo, err := mgr.UndoImport(rep.ImportID, false)
	if err != nil {
		t.Fatal(err)
	}
	if undo == nil {
		t.Fatal("the undo reported nothing")
	}
	if n, _, _ := mgr.CustomerCount(); n != before {
		t.Fatalf("after the undo the host has %d customers, %d before", n, before)
	}
}

// A rep may not import: the host refuses the upload before it keeps the file.
func TestImportIsRefusedToARep(t *testing.T) {
	o := newOffice(t)
	rep := o.join(t, "lina")
	_, err := rep.OpenImport(importFile(t, 5, -1))
	var r *data.Refusal
	if !errors.As(err, &r) || r.Perm != data.PermImport || data.ErrorCode(err) != data.CodeForbidden {
		t.Fatalf("a rep's upload: %v", err)
	}
}

// Cancel stops the host's import at its next batch: the desktop hears what was written, and the
// host's record of the import says it was cancelled.
func TestImportCancelFromAJoinedDesktop(t *testing.T) {
	o := newOffice(t)
	mgr := o.join(t, "wangjianguo")
	const rows = 2000
	src, err := mgr.OpenImport(importFile(t, rows, -1))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := mgr.Import(ctx, src, data.ImportOptions{OnDuplicate: data.DuplicateSkip, BatchSize: 50,
		Progress: func(p data.ImportProgress) {
			if p.Done >= 100 {
				cancel()
			}
		}})
	if !errors.Is(err, data.ErrImportCancelled) {
		t.Fatalf("a cancelled import: %v", err)
	}
	if rep == nil || !rep.Cancelled || rep.ImportID == 0 || rep.Customers.Created == 0 || rep.Customers.Created >= rows {
		t.Fatalf("the cancelled import's report: %+v", rep)
	}
	imports, err := mgr.Imports()
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) == 0 || imports[0].ID != rep.ImportID || !imports[0].Cancelled || imports[0].Finished {
		t.Fatalf("the host's record of it: %+v", imports)
	}
	if n := found(t, mgr); n != rep.Customers.Created {
		t.Fatalf("the host has %d of the file's customers, the report says %d", n, rep.Customers.Created)
	}
}

// Uploads that are not files to import are refused with the reason, and keep nothing: a file that
// claims more than the limit, one cut short, one that is no table, an upload id of another session.
func TestBadUploadsAreRefused(t *testing.T) {
	o := newOffice(t)
	mgr, other := o.join(t, "wangjianguo"), o.join(t, "zhaomin")
	send := func(chunks ...*officepb.FileChunk) error {
		stream := mgr.office.Upload(context.Background())
		for _, c := range chunks {
			if err := stream.Send(c); err != nil {
				break
			}
		}
		_, err := stream.CloseAndReceive()
		return mgr.fail(err)
	}
	if err := send(&officepb.FileChunk{Name: "huge.csv", Total: data.MaxImportBytes + 1}); !errors.Is(err, data.ErrImportTooLarge) {
		t.Errorf("a file over the limit: %v", err)
	}
	if err := send(&officepb.FileChunk{Name: "cut.csv", Total: 1000}, &officepb.FileChunk{Data: []byte("客户名称\n甲公司\n")}); !errors.Is(err, data.ErrImportDamaged) {
		t.Errorf("a file cut short: %v", err)
	}
	if err := send(&officepb.FileChunk{Name: "../../etc/x.png"}, &officepb.FileChunk{Data: []byte("\x89PNG\r\n\x1a\n0000")}); !errors.Is(err, data.ErrImportFileType) || data.ErrorCode(err) != data.CodeInvalid {
		t.Errorf("a picture: %v", err)
	}
	src, err := mgr.OpenImport(importFile(t, 3, -1))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := other.Import(context.Background(), src, data.ImportOptions{OnDuplicate: data.DuplicateSkip}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("another session's upload: %v", err)
	}
	// Choices for sheets the file does not have.
	stream, err := mgr.office.Import(context.Background(), connect.NewRequest(&officepb.ImportRequest{UploadId: src.Upload}))
	if err == nil {
		for stream.Receive() {
		}
		err = stream.Err()
	}
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("an import without sheets: %v", err)
	}
	if n := found(t, mgr); n != 0 {
		t.Fatalf("the refused uploads wrote %d customers", n)
	}
	// The host keeps only the session's last files.
	for range maxUploads + 1 {
		s, err := mgr.OpenImport(importFile(t, 2, -1))
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	o.srv.mu.Lock()
	kept := len(o.srv.sessions[mgr.token].uploads)
	o.srv.mu.Unlock()
	if kept != maxUploads {
		t.Errorf("the session keeps %d uploads", kept)
	}
}

// found counts the host's cards of importFile's files.
func found(t *testing.T, c *Client) int {
	t.Helper()
	page, err := c.Customers(data.CustomerFilter{Search: "远程导入测试", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}
