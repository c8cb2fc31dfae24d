package archive

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archivetest"
)

// TestContract runs the store contract that every engine passes.
func TestContract(t *testing.T) {
	archivetest.Run(t, archivetest.Engine{Name: "sqlite", New: func(t testing.TB) archivetest.Opener {
		return opener(filepath.Join(t.TempDir(), "archive.db"))
	}, WithoutParseKeys: withoutParseKeys})
}

// withoutParseKeys is an archive of schema 7 (before versions.parse_key)
// holding what fill wrote.
func withoutParseKeys(t testing.TB, fill func(relwatch.Store)) archivetest.Opener {
	path := filepath.Join(t.TempDir(), "archive.db")
	open := opener(path)
	a := open(t, true)
	fill(a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Schema 7 had none of what schemas 8 to 11 added (their migrations
	// run again on the next open).
	if _, err := db.Exec(`DROP INDEX captures_failed; ALTER TABLE versions DROP COLUMN parse_key;
		DROP TRIGGER version_facts_seen; PRAGMA user_version = 7`); err != nil {
		t.Fatal(err)
	}
	return open
}

func opener(path string) archivetest.Opener {
	return func(t testing.TB, writable bool) relwatch.Store {
		t.Helper()
		mode := ReadOnly
		if writable {
			mode = ReadWrite
		}
		a, err := Open(context.Background(), path, mode)
		if err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
}
