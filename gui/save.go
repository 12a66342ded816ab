package gui

import (
	"errors"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage/repository"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// Fyne's save dialog opens the chosen file with os.Create — truncating it — before its callback runs
// (dialog/file.go, makeOpenButton, v2.7.1), so a callback that checks the path comes too late: picking
// the database in the dialog would have emptied it. SalesDesk therefore replaces the writer of the
// "file" scheme: storage.Writer opens nothing, and what is written goes to a hidden temp file that
// takes the name only on Close (data.CreateOutput), after the output guard has passed it. A save that
// fails or is cancelled is aborted and leaves the chosen file as it was.

// fileRepository is everything Fyne's own repository for files does; the guarded one passes all of
// it on but the writer.
type fileRepository interface {
	repository.WritableRepository
	repository.AppendableRepository
	repository.ListableRepository
	repository.HierarchicalRepository
	repository.CopyableRepository
	repository.MovableRepository
	repository.DeleteAllRepository
}

type guardedFiles struct {
	fileRepository
	guard func() data.OutputGuard
}

// installSaveGuard puts the guarded writer in front of the app's file repository.
func installSaveGuard(guard func() data.OutputGuard) {
	prev, err := repository.ForScheme("file")
	if err != nil {
		fyne.LogError("no file repository to guard", err)
		return
	}
	if g, ok := prev.(*guardedFiles); ok {
		prev = g.fileRepository
	}
	files, ok := prev.(fileRepository)
	if !ok {
		fyne.LogError("the file repository cannot be guarded", nil)
		return
	}
	repository.Register("file", &guardedFiles{fileRepository: files, guard: guard})
}

// Writer opens nothing: the file is written when the first byte comes, through the guard.
func (r *guardedFiles) Writer(u fyne.URI) (fyne.URIWriteCloser, error) {
	return &pendingSave{uri: u, guard: r.guard()}, nil
}

// Appender would write into the file in place; SalesDesk never appends to a file it saves.
func (r *guardedFiles) Appender(u fyne.URI) (fyne.URIWriteCloser, error) {
	return nil, errors.New("appending to " + u.Path() + " is not allowed")
}

// pendingSave is a file the user chose in a save dialog, not yet written.
type pendingSave struct {
	uri     fyne.URI
	guard   data.OutputGuard
	out     *storage.OutputFile
	aborted bool
}

func (p *pendingSave) URI() fyne.URI { return p.uri }

func (p *pendingSave) start() error {
	if p.aborted {
		return os.ErrClosed
	}
	if p.out == nil {
		// The dialog asked before replacing a file, so an existing one may be replaced.
		out, err := storage.CreateOutput(p.uri.Path(), p.guard, true)
		if err != nil {
			return err
		}
		p.out = out
	}
	return nil
}

func (p *pendingSave) Write(b []byte) (int, error) {
	if err := p.start(); err != nil {
		return 0, err
	}
	return p.out.Write(b)
}

// Close gives the written file its name.
func (p *pendingSave) Close() error {
	if p.aborted {
		return nil
	}
	if err := p.start(); err != nil {
		return err
	}
	p.aborted = true
	return p.out.Commit()
}

// Abort drops what was written; the chosen file stays as it was.
func (p *pendingSave) Abort() {
	if p.out != nil && !p.aborted {
		p.out.Abort()
	}
	p.aborted = true
}

// abortSave drops a save dialog's writer without writing anything.
func abortSave(wc fyne.URIWriteCloser) {
	if p, ok := wc.(*pendingSave); ok {
		p.Abort()
		return
	}
	_ = wc.Close()
}

// outputGuard keeps the window's saves off the database, its backups and the window's own
// preferences.
func (u *ui) outputGuard() data.OutputGuard {
	var g data.OutputGuard
	if u.file != nil {
		g = u.file.OutputGuard()
	}
	if root := u.app.Storage().RootURI(); root != nil && filepath.Clean(root.Path()) != filepath.Clean(os.TempDir()) {
		g.Folders = append(g.Folders, root.Path())
	}
	return g
}

// checkSave refuses a dialog's choice the guard refuses, before any work is done for it.
func (u *ui) checkSave(wc fyne.URIWriteCloser) error {
	if err := u.outputGuard().Check(wc.URI().Path()); err != nil {
		abortSave(wc)
		return err
	}
	return nil
}
