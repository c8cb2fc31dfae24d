package main

import (
	"context"
	"os"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/postgres"
)

// dbEnv names the environment variable that gives the archive when --db
// does not: a connection string's password need not then be in a file or
// on a command line.
const dbEnv = "RELWATCH_DB"

// openStore opens the archive at location: a PostgreSQL database when it is
// a connection string (postgres://…), else a SQLite file. write allows
// creating and writing it. Nothing above this function knows which engine
// it has.
func openStore(ctx context.Context, location string, write bool) (relwatch.Store, error) {
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

// shownArchive is an archive location as printed: a connection string
// without its password.
func shownArchive(location string) string {
	if postgres.IsDSN(location) {
		return postgres.Redact(location)
	}
	return location
}

// envArchive is $RELWATCH_DB, "" when unset.
func envArchive() string { return os.Getenv(dbEnv) }
