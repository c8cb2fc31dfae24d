package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// ScratchCopy copies the archive into a private temporary file and opens
// the copy ReadWrite (migrating it, as a ReadWrite open of the archive
// would), for work that must write to see its result but must not change
// the archive: reparse --dry-run. The copy is one consistent read
// (VACUUM INTO) through a read-only connection: it takes no writer lock and
// waits for no writer. discard closes the copy and removes it.
//
// The copy is as large as the archive, without its free pages.
func (a *Archive) ScratchCopy(ctx context.Context) (scratch *Archive, discard func() error, err error) {
	dir, err := os.MkdirTemp("", "relwatch-scratch-")
	if err != nil {
		return nil, nil, fmt.Errorf("copy archive %s: %w", a.path, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	abs, err := filepath.Abs(a.path)
	if err != nil {
		return nil, nil, fmt.Errorf("copy archive %s: %w", a.path, err)
	}
	// Not a.db: a ReadOnly archive's connections are query_only, which
	// refuses VACUUM INTO. mode=ro still never writes the archive.
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), OmitHost: true}
	src, err := sql.Open("sqlite", u.String()+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, nil, unusable(fmt.Errorf("copy archive %s: %w", a.path, err))
	}
	copyPath := filepath.Join(dir, "scratch.db")
	_, err = src.ExecContext(ctx, `VACUUM INTO ?`, copyPath)
	src.Close()
	if err != nil {
		return nil, nil, a.wrap("copy archive", err)
	}
	scratch, err = Open(ctx, copyPath, ReadWrite)
	if err != nil {
		return nil, nil, err
	}
	scratch.path = a.path + " (scratch copy)" // for messages
	return scratch, func() error {
		return errors.Join(scratch.Close(), os.RemoveAll(dir))
	}, nil
}
