package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/relwatch/relwatch"
)

// Lock takes the single-writer lock for a whole scrape run: an flock(2) on
// "<archive>.lock", which the kernel releases when the holder exits, however
// it exits. The holder's pid and start time are written into the file so
// that the loser can say who holds it. Lock waits up to wait, then returns
// a *relwatch.LockedError.
//
// SQLite serialises writes on its own; the lock exists so that two runs do
// not interleave their captures and both announce the same change.
//
// The lock file is opened without following a symbolic link (relwatch never
// makes one there, so a link is someone else's and writing through it could
// overwrite any file); a link or a directory at the lock path is an
// ErrUnwritable error.
func (a *Archive) Lock(ctx context.Context, wait time.Duration) (unlock func() error, err error) {
	if a.mode != ReadWrite {
		return nil, fmt.Errorf("lock archive %s: open read-only", a.path)
	}
	path := a.path + ".lock"
	f, err := openLockFile(path)
	if err != nil {
		return nil, err
	}
	if err := a.acquire(ctx, f, wait); err != nil {
		f.Close()
		return nil, err
	}
	if err := writeHolder(f); err != nil {
		f.Close() // closing the only descriptor releases the flock
		return nil, fmt.Errorf("%w: lock archive %s: write %s: %v", ErrUnwritable, a.path, path, err)
	}
	return func() error {
		// Emptied before it is released, so that a loser never reads the
		// record of a holder that is gone.
		err := f.Truncate(0)
		return errors.Join(err, syscall.Flock(int(f.Fd()), syscall.LOCK_UN), f.Close())
	}, nil
}

const (
	lockPoll = 25 * time.Millisecond
	// holderGrace is how long a loser waits for the winner's record: the
	// winner writes it right after taking the lock, so only a loaded machine
	// makes a loser wait at all.
	holderGrace = 2 * time.Second
)

// acquire takes the flock on f, polling until wait has passed. A loser then
// reads the holder's record; while the record is missing (the holder has the
// lock but has not written it yet, or has just emptied it to let go) it keeps
// trying the lock for up to holderGrace, so that it either gets the lock or
// can name its holder.
func (a *Archive) acquire(ctx context.Context, f *os.File, wait time.Duration) error {
	start := time.Now()
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("%w: lock archive %s: %v", ErrUnwritable, a.path, err)
		}
		poll := lockPoll
		if waited := time.Since(start); waited >= wait {
			le := readHolder(a.path, f)
			if le.PID != 0 || waited >= wait+holderGrace {
				return le
			}
			poll = time.Millisecond
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("lock archive %s: %w", a.path, ctx.Err())
		case <-time.After(poll):
		}
	}
}

// openLockFile opens (creating it if needed) the lock file for reading and
// writing, refusing a symbolic link and anything but a regular file.
func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o644)
	switch {
	case errors.Is(err, syscall.ELOOP):
		return nil, fail(ErrUnwritable, "lock file %s is a symbolic link, which relwatch did not make and does not follow: remove it", path)
	case errors.Is(err, syscall.EISDIR):
		return nil, fail(ErrUnwritable, "lock file %s is a directory: remove it or use another --db", path)
	case err != nil:
		return nil, fail(ErrUnwritable, "cannot open lock file %s: %v", path, err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fail(ErrUnwritable, "lock file %s is not a regular file: remove it", path)
	}
	return f, nil
}

// recordSize is the fixed size of the holder record. Writing all of it at
// offset 0 replaces the previous record in one write, with no moment at
// which the file is empty or half written.
const recordSize = 64

func writeHolder(f *os.File) error {
	rec := fmt.Sprintf("pid=%d since=%s", os.Getpid(), time.Now().UTC().Format(time.RFC3339Nano))
	buf := fmt.Appendf(nil, "%-*s\n", recordSize-1, rec)
	if _, err := f.WriteAt(buf, 0); err != nil {
		return err
	}
	return f.Truncate(recordSize) // drops whatever followed an older, longer record
}

// readHolder reads the holder's record through the loser's own descriptor.
// A record naming a process that no longer exists is a dead holder's,
// left by a kill: the new holder has not written its own yet.
func readHolder(archive string, f *os.File) *relwatch.LockedError {
	le := &relwatch.LockedError{Path: archive}
	buf := make([]byte, recordSize)
	n, err := f.ReadAt(buf, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return le
	}
	line, _, _ := bytes.Cut(buf[:n], []byte("\n"))
	var pid int
	var since string
	if _, err := fmt.Sscanf(string(line), "pid=%d since=%s", &pid, &since); err != nil || !alive(pid) {
		return le
	}
	le.PID = pid
	le.Since, _ = time.Parse(time.RFC3339Nano, since)
	return le
}

// alive reports whether a process with this pid exists (EPERM: it exists,
// as another user).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
