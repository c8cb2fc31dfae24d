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
	"net/url"
	"os"
	"path/filepath"

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
	db     *sql.DB
	path   string
	mode   Mode
	schema int // user_version as found (ReadOnly) or after migration
}

// Path is the archive file's path as given to Open.
func (a *Archive) Path() string { return a.path }

// Schema is the schema version of the open archive.
func (a *Archive) Schema() int { return a.schema }

// sqliteMagic starts every SQLite 3 database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Open opens the archive at path.
//
// ReadWrite creates the file (and its parent directory) when missing and
// migrates an older schema in one transaction. ReadOnly never creates or
// modifies anything; it reads an older schema as it is, and the few reads
// that need a newer schema return ErrOldSchema. In both modes a file that
// is not ours, or is newer than we understand, is refused before any pragma
// could change it.
func Open(ctx context.Context, path string, mode Mode) (*Archive, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	exists, err := sniff(path, abs, mode)
	if err != nil {
		return nil, err
	}
	if exists {
		if err := checkLocalFS(abs); err != nil {
			return nil, err
		}
		if err := probe(ctx, path, abs, mode); err != nil {
			return nil, unusable(err)
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return nil, fail(relwatch.ErrNoArchive, "create directory for archive %s: %v", path, err)
		}
		if err := checkLocalFS(abs); err != nil {
			return nil, err
		}
	}

	db, err := sql.Open(driverName, dsn(abs, mode))
	if err != nil {
		return nil, unusable(fmt.Errorf("open archive %s: %w", path, err))
	}
	a := &Archive{db: db, path: path, mode: mode}
	if mode == ReadWrite {
		a.schema, err = migrate(ctx, db)
	} else {
		err = db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&a.schema)
	}
	if err != nil {
		db.Close()
		return nil, unusable(a.wrap("open archive", err))
	}
	return a, nil
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

// dsn builds the connection string. The pragmas go in the DSN because
// database/sql is a pool: a PRAGMA run through Exec reaches one connection
// only. _txlock=immediate makes every write transaction take the write lock
// at BEGIN, where busy_timeout can wait for it, instead of failing with
// SQLITE_BUSY at its first write.
func dsn(abs string, mode Mode) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), OmitHost: true}
	q := "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	if mode == ReadWrite {
		q = "mode=rwc&_txlock=immediate&" + q +
			"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	} else {
		q = "mode=ro&" + q + "&_pragma=query_only(1)"
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

// probe opens an existing file with no pragmas that could write (no WAL
// switch) and checks that it is a relwatch archive we can handle.
func probe(ctx context.Context, path, abs string, mode Mode) error {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), OmitHost: true}
	q := "?mode=ro&_pragma=busy_timeout(5000)"
	if mode == ReadWrite {
		// rw, not ro: a WAL database whose -shm is missing cannot always
		// be opened read-only. Nothing here writes.
		q = "?mode=rw&_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open("sqlite", u.String()+q)
	if err != nil {
		return fmt.Errorf("open archive %s: %w", path, err)
	}
	defer db.Close()
	var version, tables, ours int
	err = db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version)
	if err == nil {
		err = db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name IN ('pages','captures','versions'))
			FROM sqlite_schema WHERE type = 'table'`).Scan(&tables, &ours)
	}
	if err != nil {
		return classify(path, "open archive", err)
	}
	switch {
	case tables == 0 && version == 0 && mode == ReadWrite:
		return nil // an empty database: a fresh archive, interrupted before its first commit
	case tables == 0 && version == 0:
		return fail(relwatch.ErrNotArchive, "%s is not a relwatch archive (it is an empty SQLite database)", path)
	case ours != 3 || version == 0:
		return fail(relwatch.ErrNotArchive, "%s is not a relwatch archive (it is a SQLite database without relwatch's tables)", path)
	case version > len(migrations):
		return fail(relwatch.ErrNewerSchema, "archive %s has schema %d, newer than this relwatch (schema %d): upgrade relwatch", path, version, len(migrations))
	}
	return nil
}

// classify wraps a SQLite error so that corruption and foreign files are
// recognisable as relwatch.ErrUnusable.
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
		}
	}
	return fmt.Errorf("%s: %w", doing, err)
}

func (a *Archive) wrap(doing string, err error) error { return classify(a.path, doing, err) }

// Close closes the archive. A ReadWrite archive first checkpoints the WAL
// and truncates it, so the .db file alone is complete (safe to copy once
// no other process has it open).
func (a *Archive) Close() error {
	var err error
	if a.mode == ReadWrite {
		// busy = 1 means a reader in another process still uses the WAL;
		// the last connection to close will fold it in. Not an error.
		var busy, frames, done int
		err = a.db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done)
		if err != nil {
			err = a.wrap("checkpoint archive", err)
		}
	}
	return errors.Join(err, a.db.Close())
}

// The SQLite archive is a relwatch.Store; a View is a relwatch.Reader.
var (
	_ relwatch.Store  = (*Archive)(nil)
	_ relwatch.Reader = (*View)(nil)
)
