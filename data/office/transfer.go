package office

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"connectrpc.com/connect"

	"salesdesk/data"
	"salesdesk/data/office/officepb"
)

// Files between a desktop and its host: an export made on the host streams to the desktop that
// chose the file, and so does a backup. Each travels as a server stream of chunks, far below
// MaxMessage, so that a 100k export neither waits whole in memory nor meets the message limit.

// chunkSize is the bytes of one FileChunk.
const chunkSize = 256 << 10

// chunkWriter sends what is written to it as FileChunks of chunkSize.
type chunkWriter struct {
	send func(*officepb.FileChunk) error
	buf  []byte
	sent int64
}

func (w *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		room := chunkSize - len(w.buf)
		take := min(room, len(p))
		w.buf = append(w.buf, p[:take]...)
		p = p[take:]
		if len(w.buf) == chunkSize {
			if err := w.flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	return n, nil
}

func (w *chunkWriter) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	err := w.send(&officepb.FileChunk{Data: w.buf})
	w.sent += int64(len(w.buf))
	w.buf = make([]byte, 0, chunkSize)
	return err
}

// liveSessionOf is the session of a call that passed the auth interceptor.
func liveSessionOf(ctx context.Context) (*liveSession, error) {
	ls, _ := ctx.Value(ctxKey{}).(*liveSession)
	if ls == nil {
		return nil, wireFailure(connect.CodeUnauthenticated, data.ErrSignedOut)
	}
	return ls, nil
}

func (o *officeHandler) Export(ctx context.Context, req *connect.Request[officepb.ExportRequest], stream *connect.ServerStream[officepb.FileChunk]) error {
	ls, err := liveSessionOf(ctx)
	if err != nil {
		return err
	}
	m := req.Msg
	w := &chunkWriter{send: stream.Send, buf: make([]byte, 0, chunkSize)}
	var res data.ExportResult
	if m.GetFormat() == "json" {
		res, err = ls.ses.ExportJSON(w, data.JSONExportOptions{Audit: m.GetAudit()})
	} else {
		res, err = ls.ses.Export(w, data.ExportOptions{Format: m.GetFormat(), What: data.ExportWhat(m.GetWhat()),
			Customers: customerFilterFromPB(m.GetCustomers()), Opportunities: opportunityFilterFromPB(m.GetOpportunities()), Lang: m.GetLang()})
	}
	if err != nil {
		return (&handler{srv: o.srv}).fail(ctx, "Export", err)
	}
	if err := w.flush(); err != nil {
		return err
	}
	return stream.Send(&officepb.FileChunk{Done: true, Customers: int64(res.Customers), Opportunities: int64(res.Opportunities), FollowUps: int64(res.FollowUps)})
}

func (o *officeHandler) Backup(ctx context.Context, req *connect.Request[officepb.BackupRequest], stream *connect.ServerStream[officepb.FileChunk]) error {
	ls, err := liveSessionOf(ctx)
	if err != nil {
		return err
	}
	// The backup is a real one on the host too (its folder, its rotation), verified before it leaves.
	info, err := ls.ses.BackupNow(ctx, "", nil)
	if err != nil {
		return (&handler{srv: o.srv}).fail(ctx, "Backup", err)
	}
	f, err := os.Open(info.Path)
	if err != nil {
		return wireFailure(connect.CodeInternal, err)
	}
	defer f.Close()
	if err := stream.Send(&officepb.FileChunk{Total: info.Size, Name: filepath.Base(info.Path)}); err != nil {
		return err
	}
	w := &chunkWriter{send: stream.Send, buf: make([]byte, 0, chunkSize)}
	if _, err := io.Copy(w, f); err != nil {
		return wireFailure(connect.CodeInternal, err)
	}
	if err := w.flush(); err != nil {
		return err
	}
	return stream.Send(&officepb.FileChunk{Done: true, Total: info.Size, Name: filepath.Base(info.Path),
		Customers: int64(info.Counts.Customers), Opportunities: int64(info.Counts.Deals), FollowUps: int64(info.Counts.FollowUps)})
}

// receiveFile writes a stream of chunks to w until the last one, which it returns.
func (c *Client) receiveFile(stream *connect.ServerStreamForClient[officepb.FileChunk], w io.Writer, progress data.Progress) (*officepb.FileChunk, error) {
	defer stream.Close()
	var done, total int64
	for stream.Receive() {
		m := stream.Msg()
		if m.GetTotal() > 0 {
			total = m.GetTotal()
		}
		if m.GetDone() {
			if total > 0 && done != total {
				return nil, fmt.Errorf("office: the host sent %d of %d bytes: %w", done, total, data.ErrOffline)
			}
			return m, nil
		}
		if len(m.GetData()) > 0 {
			if _, err := w.Write(m.GetData()); err != nil {
				return nil, err
			}
			done += int64(len(m.GetData()))
			if progress != nil {
				progress(done, total)
			}
		}
	}
	if err := stream.Err(); err != nil {
		return nil, c.fail(err)
	}
	// A stream that ends without its last chunk was cut: what was written is not the whole file.
	return nil, fmt.Errorf("office: the transfer ended early: %w", data.ErrOffline)
}

// Export writes an export the host makes, as ExportOptions asks, to w (a file of this desktop).
func (c *Client) Export(w io.Writer, opt data.ExportOptions) (data.ExportResult, error) {
	return c.export(w, &officepb.ExportRequest{Format: opt.Format, What: string(opt.What), Customers: customerFilterToPB(opt.Customers),
		Opportunities: opportunityFilterToPB(opt.Opportunities), Lang: opt.Lang})
}

// ExportJSON writes the host's whole file as SalesDesk's JSON to w.
func (c *Client) ExportJSON(w io.Writer, opt data.JSONExportOptions) (data.ExportResult, error) {
	return c.export(w, &officepb.ExportRequest{Format: "json", Audit: opt.Audit})
}

func (c *Client) export(w io.Writer, req *officepb.ExportRequest) (data.ExportResult, error) {
	// A large export takes longer than one call's deadline: it is bounded by the stream's progress.
	stream, err := c.office.Export(context.Background(), connect.NewRequest(req))
	if err != nil {
		return data.ExportResult{}, c.fail(err)
	}
	last, err := c.receiveFile(stream, w, nil)
	if err != nil {
		return data.ExportResult{}, err
	}
	return data.ExportResult{Customers: int(last.GetCustomers()), Opportunities: int(last.GetOpportunities()), FollowUps: int(last.GetFollowUps())}, nil
}

// Backup makes a backup on the host and writes the same bytes to w; the result names the host's copy.
func (c *Client) Backup(ctx context.Context, w io.Writer, progress data.Progress) (data.BackupInfo, error) {
	stream, err := c.office.Backup(ctx, connect.NewRequest(&officepb.BackupRequest{}))
	if err != nil {
		return data.BackupInfo{}, c.fail(err)
	}
	last, err := c.receiveFile(stream, w, progress)
	if err != nil {
		if ctx.Err() != nil {
			return data.BackupInfo{}, ctx.Err()
		}
		return data.BackupInfo{}, err
	}
	return data.BackupInfo{Path: last.GetName(), Size: last.GetTotal(), Counts: data.RecordCounts{Customers: int(last.GetCustomers()),
		Deals: int(last.GetOpportunities()), FollowUps: int(last.GetFollowUps())}}, nil
}
