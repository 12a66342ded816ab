package storage

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"salesdesk/data"
	"slices"
)

// OutputGuard guards the outputs of a command or window working on this store: the file, and both
// its configured and its default backup folder (backups made before a change of folder stay there).
func (s *Store) OutputGuard() data.OutputGuard {
	return data.OutputGuard{DB: s.path, Folders: []string{s.BackupDir(), DefaultBackupDir(s.path)}}
}

// OutputFile is an output being written: a hidden temp file beside the target, locked while it is
// written so that a later run can tell a live temp from one a kill left behind.
type OutputFile struct {
	path, tmp string
	f         *os.File
	replace   bool
	done      bool
}

// outputTempPattern is the temp name of an output at path; it is its own, so that a later run
// removes only what an output left.
func outputTempPattern(path string) string { return "." + filepath.Base(path) + ".part-*" }

// CreateOutput starts writing the file at path, after Check. An existing file is replaced only when
// replace is true (the user said so), and only when Commit is called; until then, and after Abort,
// it is untouched. The file is created 0600, whatever the umask: outputs hold customers' personal data.
// Temp files that a killed earlier output to the same path left behind are removed first.
func CreateOutput(path string, g data.OutputGuard, replace bool) (*OutputFile, error) {
	if err := g.Check(path); err != nil {
		return nil, err
	}
	if _, err := os.Lstat(path); err == nil && !replace {
		return nil, &data.OutputError{Path: path, Why: "already exists", Err: data.ErrOutputExists}
	}
	RemoveStaleOutputTemps(path)
	f, err := os.CreateTemp(filepath.Dir(path), outputTempPattern(path))
	if err != nil {
		return nil, err
	}
	o := &OutputFile{path: path, tmp: f.Name(), f: f, replace: replace}
	if err := lockTemp(f); err != nil {
		o.Abort()
		return nil, fmt.Errorf("lock %s: %w", o.tmp, err)
	}
	return o, nil
}

func (o *OutputFile) Write(p []byte) (int, error) { return o.f.Write(p) }

// Abort throws the temp file away; the target is left as it was. It does nothing after Commit.
func (o *OutputFile) Abort() {
	if o.done {
		return
	}
	o.done = true
	_ = o.f.Close()
	_ = os.Remove(o.tmp)
}

// Commit syncs the temp file and gives it the target's name in one rename.
func (o *OutputFile) Commit() error {
	if o.done {
		return errors.New("data: output already finished")
	}
	defer o.Abort()
	if err := o.f.Sync(); err != nil {
		return err
	}
	// Windows renames no open file; elsewhere the temp stays open, and so locked, until it has its name.
	if runtime.GOOS == "windows" {
		if err := o.f.Close(); err != nil {
			return err
		}
	}
	// Without replace a hard link takes the name, so a file made meanwhile is not replaced either.
	if !o.replace {
		if err := linkNew(o.tmp, o.path); err != nil {
			if errors.Is(err, ErrBackupExists) {
				return &data.OutputError{Path: o.path, Why: "already exists", Err: data.ErrOutputExists}
			}
			return err
		}
	} else if err := os.Rename(o.tmp, o.path); err != nil {
		return err
	}
	o.done = true
	if err := o.f.Close(); err != nil && runtime.GOOS != "windows" {
		return err
	}
	return syncDir(filepath.Dir(o.path))
}

// WriteOutput writes the file at path with fill, as CreateOutput and Commit do; a failing fill
// leaves no file behind and an existing one untouched.
func WriteOutput(path string, g data.OutputGuard, replace bool, fill func(io.Writer) error) error {
	o, err := CreateOutput(path, g, replace)
	if err != nil {
		return err
	}
	defer o.Abort()
	bw := bufio.NewWriterSize(o, 1<<20)
	if err := fill(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return o.Commit()
}

// RemoveStaleOutputTemps removes the temp files that outputs to path left behind when killed: only
// names of outputs to path, and only those no running output holds locked.
func RemoveStaleOutputTemps(path string) []string {
	names, _ := filepath.Glob(filepath.Join(filepath.Dir(path), outputTempPattern(path)))
	var removed []string
	for _, name := range slices.Sorted(slices.Values(names)) {
		if removeUnusedTemp(name) {
			removed = append(removed, name)
		}
	}
	return removed
}

// keepMode gives a replacement file the permissions of the file it is about to replace, so that a
// compact or a restore leaves a 0400 or 0640 database as the user set it; a new file keeps the 0600
// its temp file was made with.
func keepMode(tmp, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return os.Chmod(tmp, st.Mode().Perm())
}

// The stream writer of a large workbook keeps each sheet in a temp file of excelize's (up to the
// whole export's size), which a kill leaves in the system's temp folder under a name anyone's
// excelize uses. An export gives excelize a folder of its own, locked while it runs, so that the next
// export can tell the folders of killed ones and remove them.
const xlsxTempPattern = "salesdesk-xlsx-*"

// xlsxTempRoot is where the folders go; tests point it elsewhere.
var xlsxTempRoot = os.TempDir

func newXLSXTempDir() (dir string, release func(), err error) {
	RemoveStaleXLSXTemps()
	dir, err = os.MkdirTemp(xlsxTempRoot(), xlsxTempPattern)
	if err != nil {
		return "", nil, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil {
		if err = lockTemp(lock); err != nil {
			_ = lock.Close()
		}
	}
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, func() {
		_ = lock.Close() // first: Windows removes no open file
		_ = os.RemoveAll(dir)
	}, nil
}

// RemoveStaleXLSXTemps removes the temp folders of workbook exports that were killed: only
// SalesDesk's own folders, and only those no running export holds locked.
func RemoveStaleXLSXTemps() []string {
	dirs, _ := filepath.Glob(filepath.Join(xlsxTempRoot(), xlsxTempPattern))
	var removed []string
	for _, dir := range dirs {
		if removeUnusedTempDir(dir) {
			removed = append(removed, dir)
		}
	}
	return removed
}
