// Package stores opens an archive by its location, whichever engine holds
// it: a PostgreSQL database for a connection string (postgres://…), else
// a SQLite file. It is the one place that knows both engines; everything
// above it works with a relwatch.Store.
package stores

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/postgres"
)

// Open opens the archive at location; write allows creating and writing
// it. Opened for reading, a missing archive is relwatch.ErrNoArchive: a
// read never creates one.
func Open(ctx context.Context, location string, write bool) (relwatch.Store, error) {
	if postgres.IsDSN(location) {
		mode := postgres.ReadOnly
		if write {
			mode = postgres.ReadWrite
		}
		a, err := postgres.Open(ctx, location, mode)
		if err != nil {
			return nil, err
		}
		return a, nil
	}
	mode := archive.ReadOnly
	if write {
		mode = archive.ReadWrite
	}
	a, err := archive.Open(ctx, location, mode)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Shown is a location as printed: a connection string without its
// password.
func Shown(location string) string {
	if postgres.IsDSN(location) {
		return postgres.Redact(location)
	}
	return location
}

// Lock takes arc's writer lock, waiting up to wait for another run to
// release it, and says on notice whom it waits for (the holder's pid and
// since when, when the store knows them).
func Lock(ctx context.Context, arc relwatch.Store, wait time.Duration, notice io.Writer) (unlock func() error, err error) {
	unlock, err = arc.Lock(ctx, 0)
	var held *relwatch.LockedError
	if wait <= 0 || !errors.As(err, &held) {
		return unlock, err
	}
	holder := "another process"
	if held.PID != 0 {
		holder = fmt.Sprintf("pid %d (started %s)", held.PID, held.Since.UTC().Format(time.DateTime+" UTC"))
	}
	fmt.Fprintf(notice, "relwatch: archive %s is in use: waiting up to %s for %s\n", arc.Path(), wait, holder)
	return arc.Lock(ctx, wait)
}

// ForReparse opens the archive at location for reparse, which never
// creates one: a missing archive is refused before anything is written.
// For a dry run it is a store to rebuild in and roll back (ForDryRun),
// without the writer lock, so that a running scrape neither blocks nor is
// blocked by it; otherwise the archive itself, read-write, under its
// writer lock. done releases what ForReparse took; its error is the
// archive's final write-back (a dry run's is always nil: nothing of it is
// kept).
func ForReparse(ctx context.Context, location string, dryRun bool) (arc relwatch.Store, done func() error, err error) {
	ro, err := Open(ctx, location, false)
	if err != nil {
		return nil, nil, err
	}
	if dryRun {
		scratch, discard, err := ForDryRun(ctx, ro, location)
		if err != nil {
			ro.Close()
			return nil, nil, err
		}
		return scratch, func() error { discard(); ro.Close(); return nil }, nil
	}
	ro.Close()
	rw, err := Open(ctx, location, true)
	if err != nil {
		return nil, nil, err
	}
	unlock, err := rw.Lock(ctx, 0)
	if err != nil {
		return nil, nil, errors.Join(err, rw.Close())
	}
	return rw, func() error { unlock(); return rw.Close() }, nil
}

// ForDryRun is where a dry run that writes and rolls back (reparse
// --dry-run) may work, given the archive open for reading at location:
// for a SQLite file, a private read-write copy (the archive itself stays
// read-only); for PostgreSQL, the archive itself opened for writing, as
// a dry run rolls its one transaction back and so never changes it.
// discard closes and removes what ForDryRun opened.
func ForDryRun(ctx context.Context, arc relwatch.Store, location string) (scratch relwatch.Store, discard func() error, err error) {
	if a, ok := arc.(*archive.Archive); ok {
		scratch, discard, err := a.ScratchCopy(ctx)
		if err != nil {
			return nil, nil, err
		}
		return scratch, discard, nil
	}
	rw, err := Open(ctx, location, true)
	if err != nil {
		return nil, nil, err
	}
	return rw, rw.Close, nil
}
