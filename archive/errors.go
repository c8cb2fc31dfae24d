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

// fail is relwatch.Fail: an error of one of the kinds above, or of the
// store-independent ones, with its own message.
var fail = relwatch.Fail
