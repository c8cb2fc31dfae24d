package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestEnv names the environment variable that gives the tests a server:
// a connection string to a database the tests may create schemas in.
// .ci/postgres.sh starts a throwaway server and sets it.
const TestEnv = "RELWATCH_TEST_POSTGRES"

// TestDSN returns a connection string to a new, empty schema of its own on
// the test server, dropped when the test ends. Without $RELWATCH_TEST_POSTGRES
// the test is skipped, saying so. For tests of this and other packages.
func TestDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(TestEnv)
	if base == "" {
		t.Skip("no PostgreSQL server for the tests: set " + TestEnv + " (source .ci/postgres.sh starts one)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to the test server (%s): %v", Redact(base), err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return WithSchema(base, schema)
}

// WithSchema returns dsn with its search_path set to schema.
func WithSchema(dsn, schema string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
