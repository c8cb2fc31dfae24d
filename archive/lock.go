package archive

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/gofrs/flock"
)

// Lock takes the single-writer lock for a whole scrape run: an flock(2) on
// "<archive>.lock", which the kernel releases when the holder exits, however
// it exits. The holder's pid and start time are written into the file so
// that the loser can say who holds it. Lock waits up to wait, then returns
// a *relwatch.LockedError.
//
// SQLite serialises writes on its own; the lock exists so that two runs do
// not interleave their captures and both announce the same change.
func (a *Archive) Lock(ctx context.Context, wait time.Duration) (unlock func() error, err error) {
	if a.mode != ReadWrite {
		return nil, fmt.Errorf("lock archive %s: open read-only", a.path)
	}
	path := a.path + ".lock"
	fl := flock.New(path)
	ok, err := fl.TryLock()
	if err == nil && !ok && wait > 0 {
		wctx, cancel := context.WithTimeout(ctx, wait)
		ok, err = fl.TryLockContext(wctx, 25*time.Millisecond)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("lock archive %s: %w", a.path, err)
	}
	if !ok {
		return nil, readHolder(a.path, path)
	}
	// Written through a second descriptor: the lock belongs to fl's.
	info := fmt.Sprintf("pid=%d since=%s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339Nano))
	if err := os.WriteFile(path, []byte(info), 0o644); err != nil {
		fl.Unlock()
		return nil, fmt.Errorf("lock archive %s: %w", a.path, err)
	}
	return fl.Unlock, nil
}

func readHolder(archive, path string) *relwatch.LockedError {
	le := &relwatch.LockedError{Path: archive}
	b, err := os.ReadFile(path)
	if err != nil {
		return le
	}
	var since string
	if _, err := fmt.Sscanf(string(b), "pid=%d since=%s", &le.PID, &since); err == nil {
		le.Since, _ = time.Parse(time.RFC3339Nano, since)
	}
	return le
}
