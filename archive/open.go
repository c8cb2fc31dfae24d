package archive

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/relwatch/relwatch"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Mode says whether Open may create and write the archive.
type Mode int

const (
	ReadOnly Mode = iota
	ReadWrite
)

// Archive is an open archive file. Its methods are safe for concurrent use.
type Archive struct {
	db      *sql.DB
	path    string
	abs     string
	mode    Mode
	schema  int  // user_version as found (ReadOnly) or after migration
	created bool // this Open made the archive (ReadWrite)
	// immutable: a ReadOnly archive in a folder where SQLite cannot make
	// its -wal and -shm files, read without locking (nobody can write it).
	immutable bool
}

// Path is the archive file's path as given to Open.
func (a *Archive) Path() string { return a.path }

// Schema is the schema version of the open archive.
func (a *Archive) Schema() int { return a.schema }

// Created reports whether Open made a new, empty archive (ReadWrite only):
// the file did not exist or held nothing yet. When two processes create one
// at the same moment, exactly one of them reports it.
func (a *Archive) Created() bool { return a.created }

// sqliteMagic starts every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Open opens the archive at path.
//
// ReadWrite creates the file when missing, in an existing directory only (a
// mistyped --db must not start a second history somewhere new), and
// migrates an older schema in one transaction. ReadOnly never creates
// anything nor changes what the archive holds; it reads an older schema as
// it is, and the few reads that need a newer schema return ErrOldSchema. In
// a folder where SQLite cannot create its -wal and -shm files (read-only
// media, another user's folder) ReadOnly reads the file as immutable. In
// both modes a file that is not ours, or is newer than we understand, is
// refused before any pragma could change it.
func Open(ctx context.Context, path string, mode Mode) (*Archive, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	exists, err := sniff(path, abs, mode)
	if err != nil {
		return nil, err
	}
	a := &Archive{path: path, abs: abs, mode: mode}
	if !exists {
		if err := checkDirectory(path, abs); err != nil {
			return nil, err
		}
	}
	if err := checkLocalFS(abs); err != nil {
		return nil, err
	}
	if exists && mode == ReadOnly && hotJournal(abs) {
		if err := rollBackHotJournal(ctx, path, abs); err != nil {
			return nil, unusable(err)
		}
	}
	if exists && mode == ReadOnly {
		return a, a.connectReader(ctx)
	}
	if exists {
		// A separate connection without the pool's pragmas: its WAL
		// switch writes, and must never reach a file that is not ours.
		if err := probe(ctx, path, abs); err != nil {
			return nil, unusable(err)
		}
	}
	if err := a.connect(ctx); err != nil {
		return nil, unusable(a.wrap("open archive", err))
	}
	return a, nil
}

// connectReader opens an existing archive ReadOnly. Its pool's pragmas
// write nothing, so the pool's first connection checks that the file is
// an archive we can read (a separate probe connection would read the
// whole schema a second time, on every read command).
func (a *Archive) connectReader(ctx context.Context) error {
	err := a.connect(ctx)
	if err != nil && !folderWritable(a.abs) {
		// SQLite could not make the -shm file it reads a WAL archive
		// with. With no log to read, the file alone is the archive and
		// nobody can be writing it.
		if walHasContent(a.abs) {
			return fail(relwatch.ErrNoArchive, "archive %s cannot be read here: its write-ahead log %s-wal holds writes that are not in the .db yet, and this folder cannot be written; run any relwatch command once where it can (or copy both files elsewhere) (%v)", a.path, a.path, err)
		}
		a.immutable = true
		if a.connect(ctx) == nil {
			return nil
		}
		a.immutable = false
	}
	if err != nil {
		return unusable(err)
	}
	return nil
}

// checkDirectory refuses to create an archive whose directory is missing
// or is not a directory.
func checkDirectory(path, abs string) error {
	dir := filepath.Dir(abs)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(relwatch.ErrNoArchive, "no archive at %s, and its directory %s does not exist: relwatch creates an archive only in an existing directory (check --db or archive: in the config)", path, dir)
	case err != nil:
		return fail(relwatch.ErrNoArchive, "archive %s: %v", path, err)
	case !fi.IsDir():
		return fail(relwatch.ErrNoArchive, "no archive at %s: %s is not a directory", path, dir)
	}
	return nil
}

// connect opens the connection pool and reads (ReadOnly) or migrates
// (ReadWrite) the schema. Two processes making a new archive at the same
// moment can meet SQLITE_BUSY without any busy wait while both switch the
// fresh file to WAL (each holds a read lock the other's switch must wait
// for, so SQLite refuses one at once); that is retried until one has made
// it, after which the other finds a made archive.
func (a *Archive) connect(ctx context.Context) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		db, err := sql.Open(driverName, dsn(a.abs, a.mode, a.immutable))
		if err != nil {
			return err
		}
		var from int
		if a.mode == ReadWrite {
			from, a.schema, err = migrate(ctx, db)
			a.created = err == nil && from == 0
		} else {
			a.schema, err = checkArchive(ctx, db, a.path, a.mode)
		}
		if err == nil {
			a.db = db
			return nil
		}
		db.Close()
		if !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(5+rand.IntN(20)) * time.Millisecond):
		}
	}
}

func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// folderWritable reports whether SQLite could create its -wal and -shm
// files next to the archive.
func folderWritable(abs string) bool {
	return syscall.Access(filepath.Dir(abs), 2 /* W_OK */) == nil
}

// hotJournal reports whether a rollback journal lies next to the archive:
// a writer was killed inside a transaction (an archive made before WAL
// mode, or one being switched to it), and the journal holds the pages it
// had overwritten.
func hotJournal(abs string) bool {
	j, err := os.Stat(abs + "-journal")
	return err == nil && j.Size() > 0
}

// rollBackHotJournal puts back the pages a killed writer's transaction
// had overwritten, which SQLite does on the first read of a connection
// that may write, and a read-only connection refuses to (it fails with
// "attempt to write a readonly database"). Nothing committed changes: the
// archive becomes what it was before that transaction, as the writer's
// own next open would make it.
func rollBackHotJournal(ctx context.Context, path, abs string) error {
	if !folderWritable(abs) || syscall.Access(abs, 2 /* W_OK */) != nil {
		return fail(relwatch.ErrNoArchive, "archive %s cannot be read here: a writer was killed in the middle of a transaction, and its journal %s-journal must be rolled back where the archive can be written; run any relwatch command once where it can", path, path)
	}
	if err := probe(ctx, path, abs); err != nil { // reads, and so rolls back
		return err
	}
	if hotJournal(abs) {
		return fail(relwatch.ErrNoArchive, "archive %s: the journal %s-journal of a killed writer was not rolled back", path, path)
	}
	return nil
}

// walHasContent reports whether the archive's write-ahead log holds frames,
// which an immutable read of the .db alone would miss.
func walHasContent(abs string) bool {
	wal, err := os.Stat(abs + "-wal")
	return err == nil && wal.Size() > 0
}

// unusable makes sure an error from Open says ErrUnusable: whatever stops
// the archive from opening (a read-only file, a permission) makes it
// unusable for this run.
func unusable(err error) error {
	if errors.Is(err, relwatch.ErrUnusable) {
		return err
	}
	return fmt.Errorf("%w: %w", relwatch.ErrUnusable, err)
}

// busyTimeout is how long a connection waits for another's lock.
const busyTimeout = 5 * time.Second

// readerCache is a reading connection's page cache: 512 KiB, not SQLite's
// 2 MB. A read command reads a page's history once, in a scan or two,
// and exits: every 4 KiB of a cache it fills is fresh memory, a page
// fault each (850 of log's 4,200 on a 5,000-version page, about 3 ms),
// for pages it never reads again. A small cache recycles its buffers; the
// operating system's file cache still holds the archive between reads.
const readerCache = "_pragma=cache_size(-512)"

// dsn builds the connection string. The pragmas go in the DSN because
// database/sql is a pool: a PRAGMA run through Exec reaches one connection
// only. _txlock=immediate makes every write transaction take the write lock
// at BEGIN, where busy_timeout can wait for it, instead of failing with
// SQLITE_BUSY at its first write.
func dsn(abs string, mode Mode, immutable bool) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), OmitHost: true}
	q := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)", busyTimeout.Milliseconds())
	switch {
	case mode == ReadWrite:
		q = "mode=rwc&_txlock=immediate&" + q +
			"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	case immutable:
		q = "mode=ro&immutable=1&" + q + "&_pragma=query_only(1)&" + readerCache
	default:
		q = "mode=ro&" + q + "&_pragma=query_only(1)&" + readerCache
	}
	return u.String() + "?" + q
}

// sniff looks at path with plain file I/O. It reports whether the file
// exists and refuses directories and files that are not SQLite databases.
// An empty file is accepted in ReadWrite mode: a crash between creating the
// file and the first commit leaves one, and it holds nothing to protect.
func sniff(path, abs string, mode Mode) (bool, error) {
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if mode == ReadOnly {
			return false, fail(relwatch.ErrNoArchive, "archive %s does not exist (run relwatch scrape to create it)", path)
		}
		return false, nil
	case err != nil:
		return false, fail(relwatch.ErrNoArchive, "archive %s: %v", path, err)
	case fi.IsDir():
		return false, fail(relwatch.ErrNotArchive, "%s is not a relwatch archive (it is a directory)", path)
	case !fi.Mode().IsRegular():
		return false, fail(relwatch.ErrNotArchive, "%s is not a relwatch archive (it is not a regular file)", path)
	case fi.Size() == 0:
		if mode == ReadOnly {
			return false, fail(relwatch.ErrNotArchive, "%s is not a relwatch archive (it is an empty file)", path)
		}
		return true, nil
	}
	f, err := os.Open(abs)
	if err != nil {
		return false, fail(relwatch.ErrNoArchive, "%s: %v", path, err)
	}
	defer f.Close()
	hdr := make([]byte, 100)
	n, _ := io.ReadFull(f, hdr)
	if n < len(sqliteMagic) || !bytes.Equal(hdr[:len(sqliteMagic)], sqliteMagic) {
		return false, fail(relwatch.ErrNotArchive, "%s is not a relwatch archive (it is not a SQLite file)", path)
	}
	if n < 100 {
		return false, fail(relwatch.ErrCorrupt, "%s is truncated (%d bytes, shorter than a SQLite header)", path, fi.Size())
	}
	return true, checkTruncated(path, abs, hdr, fi.Size())
}

// checkTruncated compares the database size recorded in the header with the
// file's size. SQLite itself would only notice a cut-off file when a query
// reached a missing page, possibly deep into a scrape. The header size is
// only trusted when SQLite marks it valid, and only when no WAL could hold
// pages beyond the main file.
func checkTruncated(path, abs string, hdr []byte, size int64) error {
	if wal, err := os.Stat(abs + "-wal"); err == nil && wal.Size() > 0 {
		return nil
	}
	pageSize := int64(binary.BigEndian.Uint16(hdr[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	pages := int64(binary.BigEndian.Uint32(hdr[28:32]))
	changeCounter := binary.BigEndian.Uint32(hdr[24:28])
	validFor := binary.BigEndian.Uint32(hdr[92:96])
	if pages == 0 || changeCounter != validFor {
		return nil
	}
	if size < pages*pageSize {
		return fail(relwatch.ErrCorrupt, "%s is truncated (%d bytes, header says %d)", path, size, pages*pageSize)
	}
	return nil
}

// probe opens an existing file that ReadWrite is to open, with no pragmas
// that could write (no WAL switch), and checks that it is a relwatch
// archive we can handle.
func probe(ctx context.Context, path, abs string) error {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), OmitHost: true}
	// rw, not ro: a WAL database whose -shm is missing cannot always be
	// opened read-only. Nothing here writes.
	q := "?mode=rw&_pragma=busy_timeout(5000)"
	db, err := sql.Open("sqlite", u.String()+q)
	if err != nil {
		return fmt.Errorf("open archive %s: %w", path, err)
	}
	defer db.Close()
	_, err = checkArchive(ctx, db, path, ReadWrite)
	return err
}

// checkArchive checks that db is a relwatch archive whose schema this
// relwatch can handle, and returns its schema version (0 for an empty
// database ReadWrite may make one of).
func checkArchive(ctx context.Context, db *sql.DB, path string, mode Mode) (int, error) {
	var version, tables, ours int
	// One statement, so one snapshot: read apart, the version could be
	// read before another process's first commit and the tables after it.
	err := db.QueryRowContext(ctx, `SELECT (SELECT user_version FROM pragma_user_version),
			count(*), count(*) FILTER (WHERE name IN ('pages','captures','versions'))
		FROM sqlite_schema WHERE type = 'table'`).Scan(&version, &tables, &ours)
	if err != nil {
		return 0, classify(path, "open archive", err)
	}
	switch {
	case tables == 0 && version == 0 && mode == ReadWrite:
		return 0, nil // an empty database: a fresh archive, interrupted before its first commit
	case tables == 0 && version == 0:
		return 0, fail(relwatch.ErrNotArchive, "%s is not a relwatch archive (it is an empty SQLite database)", path)
	case ours != 3 || version == 0:
		return 0, fail(relwatch.ErrNotArchive, "%s is not a relwatch archive (it is a SQLite database without relwatch's tables)", path)
	case version > len(migrations):
		return 0, fail(relwatch.ErrNewerSchema, "archive %s has schema %d, newer than this relwatch (schema %d): upgrade relwatch", path, version, len(migrations))
	}
	return version, nil
}

// classify wraps a SQLite error so that corruption, foreign files and
// storage that refuses writes are recognisable as relwatch.ErrUnusable.
func classify(path, doing string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT:
			return fail(relwatch.ErrCorrupt, "%s: %s: %v", path, doing, err)
		case sqlite3.SQLITE_NOTADB:
			return fail(relwatch.ErrNotArchive, "%s is not a relwatch archive (it is not a SQLite file: %v)", path, err)
		case sqlite3.SQLITE_CANTOPEN:
			return fail(relwatch.ErrNoArchive, "archive %s cannot be opened: %v", path, err)
		case sqlite3.SQLITE_FULL:
			return fail(ErrUnwritable, "archive %s: %s: the disk is full (%v)", path, doing, err)
		case sqlite3.SQLITE_READONLY:
			return fail(ErrUnwritable, "archive %s: %s: the archive or its folder is read-only (%v)", path, doing, err)
		case sqlite3.SQLITE_IOERR:
			return fail(ErrUnwritable, "archive %s: %s: I/O error, the disk may be full or failing (%v)", path, doing, err)
		case sqlite3.SQLITE_PERM:
			return fail(ErrUnwritable, "archive %s: %s: permission denied (%v)", path, doing, err)
		}
	}
	return fmt.Errorf("%s: %w", doing, err)
}

func (a *Archive) wrap(doing string, err error) error { return classify(a.path, doing, err) }

// Close closes the archive and returns the error of its final write-back.
//
// A ReadWrite archive first copies the write-ahead log into the .db file
// (a passive checkpoint: it never waits for readers, so a long-lived reader
// in another process adds nothing to a scrape). When no reader holds an
// older snapshot that makes the .db alone complete; otherwise the frames
// that reader still needs stay in the -wal, and the reader's own Close
// copies them once it ends. A failed write-back (the disk filled up) loses
// nothing, the log keeps every committed write, but the .db alone is then
// incomplete: the error says so.
//
// A ReadOnly archive, when it closes, does the same copy if the -wal holds
// anything and the file is writable for us (best effort, never waiting):
// that is how the newest version reaches the .db when a scrape ended while
// this reader was running. It changes how the archive is stored, never
// what it holds.
func (a *Archive) Close() error {
	var err error
	if a.mode == ReadWrite {
		err = a.checkpoint(a.db)
	}
	err = errors.Join(err, a.db.Close())
	if a.mode == ReadOnly && !a.immutable {
		a.foldLog()
	}
	return err
}

// checkpoint runs a passive checkpoint on db. Busy (another connection is
// checkpointing) is not an error: that one does the work.
func (a *Archive) checkpoint(db *sql.DB) error {
	var busy, frames, done int
	err := db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &done)
	if err != nil {
		return fmt.Errorf("%w; the archived data is safe in %s-wal: keep that file next to the archive, the next relwatch run copies it in",
			a.wrap("write the write-ahead log back into the archive", err), a.path)
	}
	return nil
}

// foldLog copies a non-empty write-ahead log into the archive through a
// short-lived read-write connection with no busy wait. Errors are ignored:
// a reader that cannot write leaves the log for the next writer.
func (a *Archive) foldLog() {
	if wal, err := os.Stat(a.abs + "-wal"); err != nil || wal.Size() == 0 {
		return
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(a.abs), OmitHost: true}
	db, err := sql.Open("sqlite", u.String()+"?mode=rw")
	if err != nil {
		return
	}
	defer db.Close()
	a.checkpoint(db)
}

// The SQLite archive is a relwatch.Store; a View is a relwatch.Reader.
var (
	_ relwatch.Store  = (*Archive)(nil)
	_ relwatch.Reader = (*View)(nil)
)
