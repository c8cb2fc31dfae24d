package relwatch

import (
	"errors"
	"fmt"
	"time"
)

// ErrUnusable is wrapped by every error that means "this archive cannot be
// used as it is": missing, not ours, too new, corrupt or locked. The CLI
// maps it to its own exit code.
var ErrUnusable = errors.New("archive unusable")

// Sentinels for the ways an archive can be unusable. Each wraps ErrUnusable.
// The errors returned wrap one of them and carry their own message, which
// says what the file actually is ("x.db is not a relwatch archive (it is a
// directory)"); test for them with errors.Is.
var (
	ErrNoArchive   = fmt.Errorf("no archive: %w", ErrUnusable)
	ErrNotArchive  = fmt.Errorf("not a relwatch archive: %w", ErrUnusable)
	ErrNewerSchema = fmt.Errorf("archive schema is newer than this relwatch: %w", ErrUnusable)
	ErrCorrupt     = fmt.Errorf("archive corrupt: %w", ErrUnusable)
)

// ErrNotFound means a page or version is not in the archive. It is not an
// ErrUnusable: the archive is fine, the question has no answer.
var ErrNotFound = errors.New("not found")

// LockedError is returned by Lock when another run holds the writer lock.
type LockedError struct {
	Path  string    // the archive
	PID   int       // the holder's process id, 0 if unknown
	Since time.Time // when the holder took the lock, zero if unknown
}

func (e *LockedError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("archive %s is locked by another process", e.Path)
	}
	return fmt.Sprintf("archive %s is locked by pid %d since %s", e.Path, e.PID, e.Since.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrUnusable) true for a lock conflict.
func (e *LockedError) Is(target error) bool { return target == ErrUnusable }

// Fail returns an error of kind (one of the sentinels above) with its own
// message, as every store reports what is wrong with an archive.
// Corruption says so in its message; the other kinds' messages say it
// themselves.
func Fail(kind error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if kind == ErrCorrupt {
		msg = "archive corrupt: " + msg
	}
	return &kindError{kind, msg}
}

// kindError is an error of one of the kinds above with its own message.
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }
