package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Every file SalesDesk writes for the user (exports, reports, the rejected rows, mapping files, the
// window's saves) goes through CreateOutput or WriteOutput: a careless path must never replace the
// database, a backup or another file SalesDesk keeps, and a replaced file must be a whole new one.

// Errors of outputs; an *OutputError wraps one of them.
var (
	ErrOutputProtected = errors.New("a file SalesDesk keeps")
	ErrOutputExists    = errors.New("the file already exists")
)

// OutputError says which output was refused and why, in words for the user.
type OutputError struct {
	Path, Why string
	Err       error
}

func (e *OutputError) Error() string { return e.Path + " " + e.Why }
func (e *OutputError) Unwrap() error { return e.Err }

// OutputGuard names what an output must never be.
type OutputGuard struct {
	// DB is the database file: it, other names of it, and the hidden files SalesDesk keeps beside it
	// (".<name>.tmp-…", ".compact-…", ".restore-…") are refused.
	DB string
	// Folders whose every file is refused: the backup folders, the window's preferences.
	Folders []string
	// Inputs are the files the command reads (the file imported, a mapping): an output over one
	// would lose it.
	Inputs []string
}

// resolvedPath is path made absolute with its symlinks followed as far as they exist, so that two
// names of one place compare equal even before the file exists.
func resolvedPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	if r, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(r, filepath.Base(abs))
	}
	return abs
}

// samePath compares resolved paths as the filesystems of the platform do: macOS and Windows fold case.
func samePath(a, b string) bool {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// within tells whether path lies inside dir (both resolved).
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == "." {
		return false
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		if r, err := filepath.Rel(strings.ToLower(dir), strings.ToLower(path)); err == nil {
			rel = r
		}
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Check refuses an output path that is the database (by any name: symlink, hard link, another
// spelling), a file SalesDesk keeps beside it, anything in a guarded folder, or a folder.
func (g OutputGuard) Check(path string) error {
	refuse := func(why string) error { return &OutputError{Path: path, Why: why, Err: ErrOutputProtected} }
	target := resolvedPath(path)
	st, statErr := os.Stat(path)
	if statErr == nil && st.IsDir() {
		return &OutputError{Path: path, Why: "is a folder; name a file", Err: ErrOutputProtected}
	}
	if g.DB != "" {
		db := resolvedPath(g.DB)
		if samePath(target, db) {
			return refuse("is the database itself; choose another file")
		}
		if statErr == nil {
			if dst, err := os.Stat(g.DB); err == nil && os.SameFile(st, dst) {
				return refuse("is another name (a link) of the database; choose another file")
			}
		}
		if samePath(filepath.Dir(target), filepath.Dir(db)) &&
			strings.HasPrefix(strings.ToLower(filepath.Base(target)), strings.ToLower("."+filepath.Base(db)+".")) {
			return refuse("is a file SalesDesk keeps beside the database; choose another name")
		}
	}
	for _, in := range g.Inputs {
		if in == "" {
			continue
		}
		if samePath(target, resolvedPath(in)) {
			return refuse("is the file being read; choose another file")
		}
		if statErr == nil {
			if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
				return refuse("is another name (a link) of the file being read; choose another file")
			}
		}
	}
	for _, dir := range g.Folders {
		if dir == "" {
			continue
		}
		d := resolvedPath(dir)
		if within(target, d) {
			return refuse(fmt.Sprintf("is in the folder SalesDesk keeps (%s); choose a file outside it", dir))
		}
		if statErr == nil && holdsSameFile(d, st) {
			return refuse(fmt.Sprintf("is another name (a link) of a file in %s; choose another file", dir))
		}
	}
	return nil
}

// holdsSameFile tells whether dir holds a hard link of the file st describes.
func holdsSameFile(dir string, st os.FileInfo) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if fi, err := os.Stat(filepath.Join(dir, e.Name())); err == nil && os.SameFile(fi, st) {
			return true
		}
	}
	return false
}
