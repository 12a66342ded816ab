package gui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"salesdesk/data"
	"salesdesk/data/storage"
)

// backupPanel is Settings' part for the file itself: backups made now or daily, restoring one, and
// compacting a file that has grown mostly empty. Only a local file has these (u.file).
type backupPanel struct {
	u       *ui
	status  *widget.Label
	free    *widget.Label
	compact *widget.Button
	content fyne.CanvasObject

	// Where the daily backups go and how many the rotation keeps (Settings.Backup).
	dir           *textEntry
	daily, weekly *textEntry
	monthly       *textEntry
	fields        map[string]*field
	saveBtn       *widget.Button
}

func newBackupPanel(u *ui) *backupPanel {
	p := &backupPanel{u: u, status: widget.NewLabel(""), free: widget.NewLabel("")}
	// Paths and Chinese have no spaces to wrap at: break anywhere rather than run past the card.
	p.status.Wrapping = fyne.TextWrapBreak
	p.free.Wrapping = fyne.TextWrapBreak
	now := widget.NewButtonWithIcon(T("backup.now"), theme.DocumentSaveIcon(), p.onBackupNow)
	to := widget.NewButtonWithIcon(T("backup.to"), theme.FolderOpenIcon(), p.onBackupTo)
	restore := widget.NewButtonWithIcon(T("backup.restore"), theme.HistoryIcon(), p.onRestore)
	exportJSON := widget.NewButtonWithIcon(T("backup.export_json"), theme.DownloadIcon(), p.onExportJSON)
	p.compact = widget.NewButtonWithIcon(T("backup.compact"), theme.ViewRestoreIcon(), p.onCompact)
	for _, b := range []*widget.Button{now, to, restore, p.compact} {
		p.u.allowIf(b, data.PermBackup)
	}
	p.u.allowIf(exportJSON, data.PermExport)
	st := u.teamSettings().Backup
	count := func(n int) *textEntry {
		return newParsedEntry(strconv.Itoa(n), "hint.count", func(s string) error { _, err := parseCount(s); return err })
	}
	p.dir, p.daily, p.weekly, p.monthly = newEntry(st.Dir), count(st.Keep.Daily), count(st.Keep.Weekly), count(st.Keep.Monthly)
	p.dir.SetPlaceHolder(T("backup.dir_default"))
	p.fields = map[string]*field{}
	var rows []*field
	for _, f := range []struct {
		key string
		e   *textEntry
	}{{"backup_dir", p.dir}, {"backup_keep_daily", p.daily}, {"backup_keep_weekly", p.weekly}, {"backup_keep_monthly", p.monthly}} {
		fl := newField(f.key, f.e)
		p.fields[f.key] = fl
		rows = append(rows, fl)
	}
	p.saveBtn = widget.NewButtonWithIcon(T("action.save"), theme.DocumentSaveIcon(), p.onSaveRules)
	p.content = widget.NewCard(T("backup.title"), "", container.NewVBox(p.status,
		container.NewHBox(now, to, restore), container.NewHBox(exportJSON), container.NewBorder(nil, nil, nil, p.compact, p.free),
		formGrid(rows...), container.NewHBox(p.saveBtn)))
	if u.file == nil {
		p.content.Hide()
	}
	return p
}

// onExportJSON writes everything as the versioned JSON of docs/export-schema.md, which `salesdesk
// import` reads back into an empty file.
func (p *backupPanel) onExportJSON() {
	st := p.u.local
	p.u.exportFile("salesdesk-export.json", func(w io.Writer, _ *atomic.Bool) error {
		_, err := st.ExportJSON(w, data.JSONExportOptions{})
		return err
	})
}

// onSaveRules keeps the backup folder and the rotation; a refused value is shown at its field and
// nothing is saved.
func (p *backupPanel) onSaveRules() {
	for _, f := range p.fields {
		f.setError(nil)
	}
	var fe data.FieldErrors
	keep := data.Retention{}
	for key, dst := range map[string]*int{"backup_keep_daily": &keep.Daily, "backup_keep_weekly": &keep.Weekly, "backup_keep_monthly": &keep.Monthly} {
		n, err := parseCount(p.fields[key].entry.Text)
		if err != nil {
			fe.Add(key, err)
		}
		*dst = n
	}
	st := p.u.teamSettings()
	st.Backup = data.BackupSettings{Dir: strings.TrimSpace(p.dir.Text), Keep: keep}
	if fe.Any() {
		p.showProblems(fe)
		return
	}
	svc := p.u.store
	p.u.write(p.saveBtn, func() error { return svc.SaveSettings(st) }, func(err error) {
		var fe data.FieldErrors
		switch {
		case err == nil:
			showToast(p.u.win.Canvas(), T("settings.saved"))
			p.refresh()
		case errors.As(err, &fe):
			p.showProblems(fe)
		default:
			p.u.showError(p.u.win, err)
		}
	})
}

func (p *backupPanel) showProblems(fe data.FieldErrors) {
	for _, e := range fe {
		if f, ok := p.fields[e.Field]; ok {
			f.setError(e.Err)
		}
	}
}

// refresh shows the backups on hand and how much of the file is free.
func (p *backupPanel) refresh() {
	f := p.u.file
	if f == nil {
		return
	}
	backups, err := f.Backups()
	switch {
	case err != nil:
		p.status.SetText(errorText(err))
	case len(backups) == 0:
		p.status.SetText(Tf("backup.none", f.BackupDir()))
	default:
		last := backups[0] // newest first
		p.status.SetText(Tf("backup.status", len(backups), f.BackupDir(), formatDateTime(last.Date), formatBytes(last.Size)))
	}
	ratio, err := f.FreeRatio()
	if err != nil {
		p.free.SetText(errorText(err))
		p.compact.Disable()
		return
	}
	p.free.SetText(Tf("backup.free", fmt.Sprintf("%.0f%%", ratio*100)))
	// Compacting rewrites the whole file: worth it only when most of it is empty pages.
	if ratio > 0.5 {
		p.compact.Enable()
	} else {
		p.compact.Disable()
	}
}

// formatDateTime writes a moment the locale's way (as the PDF report does), or — for none.
func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return formatMade(t, currentLanguage())
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
}

// withProgress is ui.withProgress with the panel read again after.
func (p *backupPanel) withProgress(title string, work func(ctx context.Context, progress data.Progress) error, done func()) {
	p.u.withProgress(title, work, done, p.refresh)
}

func (p *backupPanel) onBackupNow() {
	var info data.BackupInfo
	p.withProgress(T("backup.running"), func(ctx context.Context, progress data.Progress) (err error) {
		info, err = p.u.file.BackupNow(ctx, "", progress)
		return err
	}, func() { p.showMade(info) })
}

func (p *backupPanel) showMade(info data.BackupInfo) {
	c := info.Counts
	dialog.ShowInformation(T("backup.title"), Tf("backup.made", info.Path, formatBytes(info.Size),
		c.Customers, c.FollowUps, c.Deals, c.Members), p.u.win)
}

func (p *backupPanel) onBackupTo() {
	save := dialog.NewFileSave(p.onBackupFileChosen, p.u.win)
	save.SetFileName(filepath.Base(storage.BackupName(p.u.file.Path(), storage.BackupManual, p.u.now())))
	showFileDialog(save, p.u.win, T("filedialog.backup"))
}

func (p *backupPanel) onBackupFileChosen(wc fyne.URIWriteCloser, err error) {
	if err != nil || wc == nil {
		if err != nil {
			p.u.showError(p.u.win, err)
		}
		return
	}
	// The guarded writer made no file: the backup is written beside the name and verified
	// before it takes it, and BackupTo never replaces a file (least of all the database).
	path := wc.URI().Path()
	abortSave(wc)
	var info data.BackupInfo
	p.withProgress(T("backup.running"), func(ctx context.Context, progress data.Progress) (err error) {
		info, err = p.u.file.BackupTo(ctx, path, progress)
		return err
	}, func() { p.showMade(info) })
}

func (p *backupPanel) onRestore() {
	open := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			if err != nil {
				p.u.showError(p.u.win, err)
			}
			return
		}
		from := rc.URI().Path()
		_ = rc.Close()
		// The preview checks the backup in full, which reads the whole file: off the UI thread.
		prog := dialog.NewCustomWithoutButtons(T("backup.checking"), widget.NewProgressBarInfinite(), p.u.win)
		prog.Show()
		p.u.background(func() {
			info, err := storage.PreviewBackup(from)
			fyne.Do(func() {
				prog.Hide()
				if d := storage.DamageOf(err); d != nil {
					p.u.showError(p.u.win, textError{Tf("backup.damaged", damageText(d))})
					return
				}
				if err != nil {
					p.u.showError(p.u.win, err)
					return
				}
				p.confirmRestore(from, info)
			})
		})
	}, p.u.win)
	showFileDialog(open, p.u.win, T("filedialog.restore"))
}

// confirmRestore shows what a backup that passed the full check holds and restores it once confirmed.
func (p *backupPanel) confirmRestore(from string, info data.BackupInfo) {
	{
		c := info.Counts
		msg := widget.NewLabel(Tf("backup.preview", from, formatDateTime(info.Time), formatDateTime(info.LastChange),
			c.Customers, c.FollowUps, c.Deals, c.Members, info.Schema))
		msg.Wrapping = proseWrap()
		d := dialog.NewCustomConfirm(T("backup.restore_title"), T("backup.restore_confirm"), T("action.cancel"), msg, func(ok bool) {
			if ok {
				dir := p.u.file.BackupDir()
				p.u.replaceFile(T("backup.restoring"), func(path string) error {
					_, err := storage.Restore(from, path, storage.RestoreOptions{BackupDir: dir})
					return err
				})
			}
		}, p.u.win)
		d.Resize(fyne.NewSize(560, 0))
		p.u.track(d)
		d.Show()
	}
}

func (p *backupPanel) onCompact() {
	d := dialog.NewConfirm(T("backup.compact"), T("backup.compact_confirm"), func(ok bool) {
		if ok {
			p.u.replaceFile(T("backup.compacting"), func(path string) error {
				_, err := storage.CompactFile(path)
				return err
			})
		}
	}, p.u.win)
	p.u.track(d)
	d.Show()
}

// replaceFile closes the file, lets op work on it (restore, compact), and opens it again with every
// screen rebuilt. Cards must be closed first: their edits belong to the file being replaced. If the
// file cannot be opened again, the window says so and quits: nothing is written meanwhile.
func (u *ui) replaceFile(title string, op func(path string) error) {
	// Deal and forecast windows hold what they read from the file being replaced, and a deal's
	// unsaved edits would be saved into the other one: they are closed by the user first. Card
	// windows are closed here, unless one holds unsaved typing.
	for cw := range u.open {
		if cw.dirty() {
			dialog.ShowInformation(title, T("backup.close_cards"), u.win)
			return
		}
	}
	if len(u.others) > 0 {
		dialog.ShowInformation(title, T("backup.close_windows"), u.win)
		return
	}
	for cw := range u.open {
		cw.win.Close()
	}
	path, clock := u.file.Path(), u.file.Clock()
	// The office's desktops hear that the host stopped, and are back once the file is open again.
	sharing := u.hosting != nil
	u.stopSharing(true)
	u.stopFeed()
	// A write still under way ends first (a moment's wait here): the file is not closed under it.
	u.waitWrites()
	if err := u.file.Close(); err != nil {
		u.showError(u.win, err)
		return
	}
	bar := widget.NewProgressBarInfinite()
	d := dialog.NewCustomWithoutButtons(title, bar, u.win)
	d.Show()
	u.background(func() {
		opErr := op(path)
		st, openErr := storage.Open(path, storage.Options{Now: clock})
		fyne.Do(func() {
			d.Hide()
			if openErr != nil {
				// The screens hold the closed file: say why and quit rather than show stale data.
				e := dialog.NewError(errorWithText(openErr), u.win)
				e.SetOnClosed(u.app.Quit)
				e.Show()
				return
			}
			u.useFile(st)
			if opErr != nil {
				u.showError(u.win, opErr)
			}
			if sharing {
				if err := u.share(); err != nil {
					u.showError(u.win, textError{Tf("office.share_failed", errorText(err))})
				}
				u.settings.share.show()
			}
		})
	})
}

// useFile puts a (re)opened file behind every screen.
func (u *ui) useFile(st *storage.Store) {
	// The member who restored or compacted goes on in the file put back (an admin's right).
	s := st.SessionAs(u.store.Me().ID)
	u.file, u.session, u.store, u.local, u.now = st, s, s, s, st.Now
	u.fillDemo = func(o storage.DemoOptions) error { return storage.GenerateDemo(st, o) }
	u.cards = map[uint64]*cardWindow{}
	u.buildUI()
	u.refreshSelected()
	u.loadDeals()
	u.startFeed()
}
