package office

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"connectrpc.com/connect"

	"salesdesk/data"
	"salesdesk/data/office/officepb"
)

// Imports from a joined desktop (issue 12): the desktop reads the file it chose to show the wizard's
// sheets, columns and preview, as beside a file of its own, and sends its bytes to the host
// (Office.Upload, a client stream of chunks). The host keeps them in a temporary file for the
// session, reads them with the same code, and runs the dry runs and the import there (Office.Import,
// a server stream of progress and then the report), as the signed-in member with that member's role.

// maxUploads is how many uploaded files a session keeps: the wizard of one file, and one more opened
// beside it. Opening a third drops the oldest.
const maxUploads = 2

// reportPart is how many rows of a report one ImportEvent carries, far below MaxMessage even for
// rows of long cells.
const reportPart = 500

// cancelWait is how long a desktop that pressed Cancel waits for the host's report of what the
// import did before it gives up on hearing it.
const cancelWait = 30 * time.Second

// upload is a file a desktop sent to import.
type upload struct {
	id   string
	file *os.File
	src  *data.ImportSource

	run    sync.Mutex // held while an import of it runs
	mu     sync.Mutex // guards cancel
	cancel context.CancelFunc
}

func (u *upload) discard() {
	_ = u.src.Close()
	_ = u.file.Close()
	_ = os.Remove(u.file.Name())
}

// forgetLocked ends a session: its uploaded files go with it.
func (s *Server) forgetLocked(token string) {
	ls := s.sessions[token]
	if ls == nil {
		return
	}
	delete(s.sessions, token)
	for _, up := range ls.uploads {
		// An import under way stops at its next batch; its file goes once it has.
		up.stop()
		go up.release()
	}
	ls.uploads = nil
}

// release discards the upload once no import of it runs.
func (u *upload) release() {
	u.run.Lock()
	defer u.run.Unlock()
	u.discard()
}

// dropUploads discards every session's uploaded files, when the host has stopped serving.
func (s *Server) dropUploads() {
	s.mu.Lock()
	var all []*upload
	for _, ls := range s.sessions {
		all = append(all, ls.uploads...)
		ls.uploads = nil
	}
	s.mu.Unlock()
	for _, up := range all {
		up.stop()
		up.release()
	}
}

// stop cancels an import of the upload under way, and says whether there was one.
func (u *upload) stop() bool {
	u.mu.Lock()
	cancel := u.cancel
	u.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	return cancel != nil
}

// uploadOf is the session's upload of that id.
func (s *Server) uploadOf(ls *liveSession, id string) *upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, up := range ls.uploads {
		if up.id == id {
			return up
		}
	}
	return nil
}

func (o *officeHandler) Upload(ctx context.Context, stream *connect.ClientStream[officepb.FileChunk]) (*connect.Response[officepb.UploadReply], error) {
	ls, err := liveSessionOf(ctx)
	if err != nil {
		return nil, err
	}
	h := &handler{srv: o.srv}
	// A member who may not import is refused before the host keeps any of the file.
	if err := ls.ses.Require(data.PermImport); err != nil {
		return nil, h.fail(ctx, "Upload", err)
	}
	f, err := os.CreateTemp("", "salesdesk-import-*")
	if err != nil {
		return nil, h.fail(ctx, "Upload", err)
	}
	keep := false
	defer func() {
		if !keep {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	var name string
	var size, total int64
	for stream.Receive() {
		m := stream.Msg()
		if m.GetName() != "" && name == "" {
			name = excerpt(filepath.Base(filepath.Clean("/"+m.GetName())), 200)
		}
		if m.GetTotal() > 0 {
			total = m.GetTotal()
		}
		if total > data.MaxImportBytes || size+int64(len(m.GetData())) > data.MaxImportBytes {
			return nil, wireFailure(connect.CodeInvalidArgument, fmt.Errorf("office: %s: %w", name, data.ErrImportTooLarge))
		}
		if _, err := f.Write(m.GetData()); err != nil {
			return nil, h.fail(ctx, "Upload", err)
		}
		size += int64(len(m.GetData()))
	}
	if err := stream.Err(); err != nil {
		return nil, err
	}
	if total > 0 && size != total {
		return nil, wireFailure(connect.CodeInvalidArgument, fmt.Errorf("office: %s: %d of %d bytes arrived: %w", name, size, total, data.ErrImportDamaged))
	}
	if name == "" {
		name = "import"
	}
	src, err := data.ReadImport(name, f, size)
	if err != nil {
		return nil, h.fail(ctx, "Upload", err)
	}
	ls.ses.UseRememberedMappings(src)
	id, err := newToken()
	if err != nil {
		_ = src.Close()
		return nil, h.fail(ctx, "Upload", err)
	}
	up := &upload{id: id, file: f, src: src}
	var dropped []*upload
	o.srv.mu.Lock()
	if o.srv.sessions[ls.token] != ls {
		o.srv.mu.Unlock()
		_ = src.Close()
		return nil, wireFailure(connect.CodeUnauthenticated, data.ErrSignedOut)
	}
	ls.uploads = append(ls.uploads, up)
	if n := len(ls.uploads) - maxUploads; n > 0 {
		dropped = append(dropped, ls.uploads[:n]...)
		ls.uploads = append([]*upload(nil), ls.uploads[n:]...)
	}
	o.srv.mu.Unlock()
	keep = true
	for _, d := range dropped {
		d.stop()
		d.release()
	}
	reply := &officepb.UploadReply{UploadId: id}
	for _, sh := range src.Sheets {
		reply.Mappings = append(reply.Mappings, mappingToPB(sh.Mapping))
		reply.Skip = append(reply.Skip, sh.Skip)
	}
	return connect.NewResponse(reply), nil
}

func (o *officeHandler) Import(ctx context.Context, req *connect.Request[officepb.ImportRequest], stream *connect.ServerStream[officepb.ImportEvent]) error {
	ls, err := liveSessionOf(ctx)
	if err != nil {
		return err
	}
	h := &handler{srv: o.srv}
	m := req.Msg
	up := o.srv.uploadOf(ls, m.GetUploadId())
	if up == nil {
		return wireFailure(connect.CodeNotFound, fmt.Errorf("office: the file sent to import is no longer on the host (the session ended): open it again: %w", data.ErrNotFound))
	}
	if !up.run.TryLock() {
		return wireFailure(connect.CodeAborted, errors.New("office: an import of this file is already under way"))
	}
	defer up.run.Unlock()
	if len(m.GetSheets()) != len(up.src.Sheets) {
		return wireFailure(connect.CodeInvalidArgument, fmt.Errorf("office: the file has %d sheets, the import chose for %d", len(up.src.Sheets), len(m.GetSheets())))
	}
	for i, sh := range up.src.Sheets {
		c := m.GetSheets()[i]
		sh.Skip = c.GetSkip()
		sh.Mapping = mappingFromPB(c.GetMapping())
	}
	ictx, cancel := context.WithCancel(ctx)
	defer cancel()
	up.mu.Lock()
	up.cancel = cancel
	up.mu.Unlock()
	defer func() {
		up.mu.Lock()
		up.cancel = nil
		up.mu.Unlock()
	}()
	opt := data.ImportOptions{OnDuplicate: data.DuplicatePolicy(m.GetOnDuplicate()), DryRun: m.GetDryRun(), BatchSize: int(m.GetBatchSize()),
		Limit: int(m.GetLimit()), AllowMultiline: m.GetAllowMultiline(), DefaultOwner: m.GetDefaultOwner(),
		// A desktop that went away has its stream broken: the import stops at the next batch, as at
		// Cancel, and what it committed is a finished transaction per batch that an undo takes back.
		Progress: func(p data.ImportProgress) { _ = stream.Send(&officepb.ImportEvent{Progress: importProgressToPB(p)}) }}
	rep, err := ls.ses.Import(ictx, up.src, opt)
	if rep != nil {
		if serr := sendReport(stream, rep); serr != nil {
			return serr
		}
	}
	if err != nil {
		return h.fail(ctx, "Import", err)
	}
	return nil
}

// sendReport streams rep: its rows in parts, then the rest.
func sendReport(stream *connect.ServerStream[officepb.ImportEvent], rep *data.ImportReport) error {
	rest := *rep
	outcomes, rejected, warnings := rest.Outcomes, rest.Rejected, rest.Warnings
	rest.Outcomes, rest.Rejected, rest.Warnings = nil, nil, nil
	for len(outcomes) > 0 || len(rejected) > 0 || len(warnings) > 0 {
		ev := &officepb.ImportEvent{}
		n := min(len(outcomes), reportPart)
		for _, o := range outcomes[:n] {
			ev.Outcomes = append(ev.Outcomes, rowOutcomeToPB(o))
		}
		outcomes = outcomes[n:]
		n = min(len(rejected), reportPart)
		for _, r := range rejected[:n] {
			ev.Rejected = append(ev.Rejected, rejectedRowToPB(r))
		}
		rejected = rejected[n:]
		n = min(len(warnings), reportPart)
		for _, w := range warnings[:n] {
			ev.Warnings = append(ev.Warnings, rowProblemToPB(w))
		}
		warnings = warnings[n:]
		if err := stream.Send(ev); err != nil {
			return err
		}
	}
	return stream.Send(&officepb.ImportEvent{Report: importReportToPB(rest)})
}

func (o *officeHandler) CancelImport(ctx context.Context, req *connect.Request[officepb.CancelImportRequest]) (*connect.Response[officepb.CancelImportReply], error) {
	ls, err := liveSessionOf(ctx)
	if err != nil {
		return nil, err
	}
	up := o.srv.uploadOf(ls, req.Msg.GetUploadId())
	if up == nil {
		return connect.NewResponse(&officepb.CancelImportReply{}), nil
	}
	return connect.NewResponse(&officepb.CancelImportReply{Running: up.stop()}), nil
}

// ---- the desktop's side ----

var _ data.Importer = (*Client)(nil)

// OpenImport reads a file of this desktop for the import wizard and sends it to the host, which
// answers with the mapping it remembers for each sheet's header.
func (c *Client) OpenImport(path string) (*data.ImportSource, error) {
	return c.OpenImportContext(context.Background(), path, nil)
}

// OpenImportContext is OpenImport with a cancel and the upload's progress (bytes sent of the size).
//
// The desktop reads the file for the wizard's preview while it sends it (each takes about 1.5 s for
// 100 MB), so that the bar moves from the start; a file it cannot read stops the sending.
func (c *Client) OpenImportContext(ctx context.Context, path string, progress data.Progress) (*data.ImportSource, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type opened struct {
		src *data.ImportSource
		err error
	}
	local := make(chan opened, 1)
	go func() {
		src, err := data.OpenImport(path)
		if err != nil {
			cancel()
		}
		local <- opened{src, err}
	}()
	reply, err := c.upload(ctx, path, progress)
	read := <-local
	if read.err != nil {
		return nil, read.err
	}
	src := read.src
	if err != nil {
		_ = src.Close()
		return nil, err
	}
	if len(reply.GetMappings()) != len(src.Sheets) {
		_ = src.Close()
		return nil, fmt.Errorf("office: the host read %d sheets in %s, this desktop %d: %w", len(reply.GetMappings()), src.Name, len(src.Sheets), data.ErrImportDamaged)
	}
	for i, sh := range src.Sheets {
		sh.Mapping = mappingFromPB(reply.GetMappings()[i])
		sh.Skip = reply.GetSkip()[i]
	}
	src.Upload = reply.GetUploadId()
	return src, nil
}

func (c *Client) upload(ctx context.Context, path string, progress data.Progress) (*officepb.UploadReply, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > data.MaxImportBytes {
		return nil, fmt.Errorf("office: %s: %w", filepath.Base(path), data.ErrImportTooLarge)
	}
	stream := c.office.Upload(ctx)
	// A send fails only when the stream broke; CloseAndReceive then says why.
	if err := stream.Send(&officepb.FileChunk{Name: filepath.Base(path), Total: st.Size()}); err == nil {
		buf := make([]byte, chunkSize)
		var sent int64
		for {
			n, rerr := io.ReadFull(f, buf)
			if n > 0 {
				if err := stream.Send(&officepb.FileChunk{Data: buf[:n]}); err != nil {
					break
				}
				sent += int64(n)
				if progress != nil {
					progress(sent, st.Size())
				}
			}
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				break
			}
			if rerr != nil {
				return nil, rerr
			}
		}
	}
	resp, err := stream.CloseAndReceive()
	if err != nil {
		if ctx.Err() != nil {
			return nil, data.ErrImportCancelled
		}
		return nil, c.fail(err)
	}
	return resp.Msg, nil
}

// Import runs the import of src, opened by OpenImport, on the host with the sheets and columns as
// src now holds them. Cancelling ctx asks the host to stop at the next batch and waits for its report
// of what was written, as a Cancel does beside the file.
func (c *Client) Import(ctx context.Context, src *data.ImportSource, opt data.ImportOptions) (*data.ImportReport, error) {
	if src.Upload == "" {
		return nil, errors.New("office: the file was not sent to the host: open it with the client's OpenImport")
	}
	req := &officepb.ImportRequest{UploadId: src.Upload, OnDuplicate: string(opt.OnDuplicate), DryRun: opt.DryRun, BatchSize: int64(opt.BatchSize),
		Limit: int64(opt.Limit), AllowMultiline: opt.AllowMultiline, DefaultOwner: opt.DefaultOwner}
	for _, sh := range src.Sheets {
		req.Sheets = append(req.Sheets, &officepb.ImportSheetChoice{Skip: sh.Skip, Mapping: mappingToPB(sh.Mapping)})
	}
	// The stream has no deadline of its own (a large import takes minutes); it lives until the
	// report, or cancelWait after a cancel the host did not answer.
	sctx, stop := context.WithCancel(context.Background())
	defer stop()
	stream, err := c.office.Import(sctx, connect.NewRequest(req))
	if err != nil {
		return nil, c.fail(err)
	}
	defer stream.Close()
	cancelled := make(chan struct{})
	defer context.AfterFunc(ctx, func() {
		close(cancelled)
		cctx, done := c.call()
		defer done()
		_, _ = c.office.CancelImport(cctx, connect.NewRequest(&officepb.CancelImportRequest{UploadId: src.Upload}))
		t := time.NewTimer(cancelWait)
		defer t.Stop()
		select {
		case <-t.C:
			stop()
		case <-sctx.Done():
		}
	})()
	rep := &data.ImportReport{}
	var got bool
	for stream.Receive() {
		ev := stream.Msg()
		if p := ev.GetProgress(); p != nil && opt.Progress != nil {
			opt.Progress(importProgressFromPB(p))
		}
		for _, o := range ev.GetOutcomes() {
			rep.Outcomes = append(rep.Outcomes, rowOutcomeFromPB(o))
		}
		for _, r := range ev.GetRejected() {
			rep.Rejected = append(rep.Rejected, rejectedRowFromPB(r))
		}
		for _, w := range ev.GetWarnings() {
			rep.Warnings = append(rep.Warnings, rowProblemFromPB(w))
		}
		if r := ev.GetReport(); r != nil {
			last := importReportFromPB(r)
			last.Outcomes, last.Rejected, last.Warnings = rep.Outcomes, rep.Rejected, rep.Warnings
			*rep = last
			got = true
		}
	}
	err = stream.Err()
	if err != nil {
		select {
		case <-cancelled:
			if !got {
				return nil, data.ErrImportCancelled
			}
		default:
		}
		err = c.fail(err)
	}
	if !got {
		if err == nil {
			err = fmt.Errorf("office: the import's report did not arrive: %w", data.ErrOffline)
		}
		return nil, err
	}
	return rep, err
}
