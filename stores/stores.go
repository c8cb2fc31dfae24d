// Package stores opens an archive by its location, whichever engine holds
// it: a PostgreSQL database for a connection string (postgres://…), else
// a SQLite file. It is the one place that knows both engines; everything
// above it works with a relwatch.Store.
package stores

import (
	"context"

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
