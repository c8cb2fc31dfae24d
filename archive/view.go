package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// ScratchCopy copies the archive into a private temporary file and opens
// the copy ReadWrite (migrating it, as a ReadWrite open of the archive
// would), for work that must write to see its result but must not change
// the archive: reparse --dry-run. The copy is one consistent read
// (VACUUM INTO) through a read-only connection: it takes no writer lock and
// waits for no writer. discard closes the copy and removes it.
//
// The copy is as large as the archive, without its free pages. A process
// killed while it holds one cannot remove it: each copy's folder holds an
// flock for as long as its process runs, and ScratchCopy first removes the
// folders of copies whose process is gone.
func (a *Archive) ScratchCopy(ctx context.Context) (scratch *Archive, discard func() error, err error) {
	removeStaleScratch()
	dir, owner, err := makeScratchDir()
	if err != nil {
		return nil, nil, fmt.Errorf("copy archive %s: %w", a.path, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
			owner.Close()
		}
	}()
	abs, err := filepath.Abs(a.path)
	if err != nil {
		return nil, nil, fmt.Errorf("copy archive %s: %w", a.path, err)
	}
	// Not a.db: a ReadOnly archive's connections are query_only, which
	// refuses VACUUM INTO. mode=ro still never writes the archive.
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), OmitHost: true}
	q := "?mode=ro&_pragma=busy_timeout(5000)"
	if a.immutable {
		q = "?mode=ro&immutable=1"
	}
	src, err := sql.Open("sqlite", u.String()+q)
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
		return errors.Join(scratch.Close(), os.RemoveAll(dir), owner.Close())
	}, nil
}

// scratchPrefix names the temporary folders of scratch copies; scratchOwner
// is the file in each that its process holds an flock on.
const (
	scratchPrefix = "relwatch-scratch-"
	scratchOwner  = "owner.lock"
)

// makeScratchDir makes a folder for a scratch copy and takes the flock that
// says its process is alive. The kernel drops it when the process ends.
func makeScratchDir() (dir string, owner *os.File, err error) {
	dir, err = os.MkdirTemp("", scratchPrefix)
	if err != nil {
		return "", nil, err
	}
	owner, err = os.OpenFile(filepath.Join(dir, scratchOwner), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		err = syscall.Flock(int(owner.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	}
	if err != nil {
		if owner != nil {
			owner.Close()
		}
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, owner, nil
}

// staleUnowned is how old a scratch folder without an owner file must be
// to be taken for a leftover: one made by an older relwatch, or by a
// process killed between making the folder and its owner file.
const staleUnowned = time.Hour

// removeStaleScratch removes the scratch folders in the temporary directory
// whose process is gone: their owner file's flock can be taken. Errors are
// ignored; a folder that cannot be removed now is tried again next time.
func removeStaleScratch() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), scratchPrefix+"*"))
	for _, dir := range dirs {
		fi, err := os.Lstat(dir)
		if err != nil || !fi.IsDir() {
			continue // never follow a link out of the temporary directory
		}
		f, err := os.OpenFile(filepath.Join(dir, scratchOwner), os.O_RDWR|syscall.O_NOFOLLOW, 0)
		if errors.Is(err, fs.ErrNotExist) {
			if time.Since(fi.ModTime()) > staleUnowned {
				os.RemoveAll(dir)
			}
			continue
		}
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.RemoveAll(dir)
		}
		f.Close()
	}
}

// View answers reads from one read transaction: one consistent snapshot of
// the archive (SQLite's WAL), whatever is written meanwhile. It is valid
// only inside the ReadView call that made it, and not for concurrent use.
type View struct {
	a  *Archive
	tx *sql.Tx
}

// ReadView runs fn with a View: every read fn makes through it sees the
// archive as it was at the view's first read, so reads made one after the
// other (pages, then each page's versions, snapshots and changes) fit
// together even while a scrape, backfill, import or reparse writes. It
// never waits for a writer nor makes one wait. fn's error is returned as
// it is.
func (a *Archive) ReadView(ctx context.Context, fn func(relwatch.Reader) error) error {
	tx, err := a.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return a.wrap("read archive", err)
	}
	defer tx.Rollback()
	return fn(&View{a: a, tx: tx})
}

// readErr is readTx's wrapping for a View's reads.
func (v *View) readErr(doing string, err error) error {
	if err == nil || errors.Is(err, relwatch.ErrNotFound) || errors.Is(err, relwatch.ErrUnusable) {
		return err
	}
	return v.a.wrap(doing, err)
}

// Pages is Archive.Pages in the view.
func (v *View) Pages(ctx context.Context) ([]relwatch.PageStatus, error) {
	out, err := pagesTx(ctx, v.tx)
	return out, v.readErr("list pages", err)
}

// Versions is Archive.Versions in the view.
func (v *View) Versions(ctx context.Context, page snapshots.PageKey) ([]relwatch.VersionInfo, error) {
	out, err := v.a.versionsTx(ctx, v.tx, page)
	return out, v.readErr("list versions", err)
}

// Snapshot is Archive.Snapshot in the view.
func (v *View) Snapshot(ctx context.Context, page snapshots.PageKey, version int) (snapshots.Snapshot, error) {
	s, err := snapshotTx(ctx, v.tx, page, version)
	return s, v.readErr("read snapshot", err)
}

// Change is Archive.Change in the view.
func (v *View) Change(ctx context.Context, page snapshots.PageKey, to int) (relwatch.ChangeRecord, *time.Time, error) {
	cr, window, err := changeTx(ctx, v.tx, page, to)
	return cr, window, v.readErr("read change", err)
}

// VersionProvenance is Archive.VersionProvenance in the view.
func (v *View) VersionProvenance(ctx context.Context, page snapshots.PageKey, version int) (relwatch.Provenance, error) {
	p, err := v.a.provenanceTx(ctx, v.tx, page, version)
	return p, v.readErr("read provenance", err)
}

// VersionsByHash is Archive.VersionsByHash in the view.
func (v *View) VersionsByHash(ctx context.Context, page snapshots.PageKey, prefix string) ([]relwatch.VersionInfo, error) {
	out, err := v.a.versionsByHashTx(ctx, v.tx, page, prefix)
	return out, v.readErr("find versions by hash", err)
}
