package archive

import (
	"fmt"

	"github.com/relwatch/relwatch"
)

// SQLite-specific ways an archive can be unusable; each wraps
// relwatch.ErrUnusable like the store-independent ones.
var (
	// ErrNetworkFS refuses an archive on NFS, SMB and the like, where
	// SQLite's WAL and flock(2) are unreliable (see docs/archive.md).
	ErrNetworkFS = fmt.Errorf("archive on a network filesystem: %w", relwatch.ErrUnusable)
	// ErrOldSchema is returned in ReadOnly mode by the few reads that need
	// a newer schema (Search needs schema 2). Running a scrape, which opens
	// the archive ReadWrite, upgrades it.
	ErrOldSchema = fmt.Errorf("archive schema is too old for this command, run scrape once to upgrade it: %w", relwatch.ErrUnusable)
	// ErrUnwritable means the archive's storage refused a write: the disk
	// is full, the file or its folder is read-only, an I/O error, or the
	// lock file cannot be used (a directory or a symbolic link at its path).
	ErrUnwritable = fmt.Errorf("archive cannot be written: %w", relwatch.ErrUnusable)
)

// kindError is an error of one of the kinds above with its own message.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// fail returns an error of the given kind. Corruption says so in its
// message; the other kinds' messages say it themselves.
func fail(kind error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if kind == relwatch.ErrCorrupt {
		msg = "archive corrupt: " + msg
	}
	return &kindError{kind, msg}
}
