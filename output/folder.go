package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Outputs relwatch writes into a folder the user names (export DIR,
// --report-dir DIR) never go through a symbolic link below that folder: a
// link there could point anywhere, and writing or removing through it
// would change files relwatch does not own. DIR itself may be a link: the
// user chose it.

// CheckFolder refuses an empty folder name (it would mean the current
// folder, whose README.md an export would overwrite) and a path that
// exists but is not a folder.
func CheckFolder(what, dir string) error {
	if strings.TrimSpace(dir) == "" {
		return fmt.Errorf("%s: empty folder name", what)
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // created on the first write
	case err != nil:
		return fmt.Errorf("%s %s: %w", what, dir, err)
	case !fi.IsDir():
		return fmt.Errorf("%s %s: exists and is not a folder", what, dir)
	}
	return nil
}

// NoLinkBelow refuses rel (a slash path under dir) when a folder on the
// way or the file itself is a symbolic link. Parts that do not exist yet
// are fine: relwatch creates them.
func NoLinkBelow(dir, rel string) error {
	p := dir
	for _, part := range strings.Split(rel, "/") {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link: relwatch writes and removes only its own files, never through a link", p)
		}
	}
	return nil
}
