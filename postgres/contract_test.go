package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archivetest"
)

// TestContract runs the store contract that every engine passes.
func TestContract(t *testing.T) {
	archivetest.Run(t, archivetest.Engine{Name: "postgres", New: func(t testing.TB) archivetest.Opener {
		return opener(TestDSN(t))
	}, WithoutParseKeys: withoutParseKeys})
}

// withoutParseKeys is an archive of schema 3 (before versions.parse_key)
// holding what fill wrote.
func withoutParseKeys(t testing.TB, fill func(relwatch.Store)) archivetest.Opener {
	dsn := TestDSN(t)
	open := opener(dsn)
	a := open(t, true)
	fill(a)
	a.Close()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP INDEX captures_failed; `+undoVersionFacts+`; ALTER TABLE versions DROP COLUMN parse_key;
		UPDATE relwatch_meta SET value = '3' WHERE key = 'schema'`); err != nil {
		t.Fatal(err)
	}
	return open
}

func opener(dsn string) archivetest.Opener {
	return func(t testing.TB, writable bool) relwatch.Store {
		t.Helper()
		mode := ReadOnly
		if writable {
			mode = ReadWrite
		}
		a, err := Open(context.Background(), dsn, mode)
		if err != nil {
			t.Fatalf("open %s: %v", Redact(dsn), err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
}
