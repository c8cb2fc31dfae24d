package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://relwatch:s3cret@db.example:5432/archive":              "postgres://relwatch:xxxxx@db.example:5432/archive",
		"postgresql://relwatch@db/archive?sslmode=require":                "postgresql://relwatch@db/archive?sslmode=require",
		"postgres://db/archive?password=s3cret&sslmode=disable":           "postgres://db/archive?password=xxxxx&sslmode=disable",
		"postgres://u:p%40ss@[::1]:5433/a?application_name=relwatch+test": "postgres://u:xxxxx@[::1]:5433/a?application_name=relwatch+test",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Redact("postgres://u:p@ss word@%zz/"); strings.Contains(got, "ss word") {
		t.Errorf("Redact of a malformed URL = %q, shows the password", got)
	}
}

// openErr opens dsn and returns the error, which must be ErrUnusable and
// must not show the password.
func openErr(t *testing.T, dsn, password string, mode Mode) error {
	t.Helper()
	a, err := Open(context.Background(), dsn, mode)
	if err == nil {
		a.Close()
		t.Fatalf("Open(%s) succeeded", Redact(dsn))
	}
	if !errors.Is(err, relwatch.ErrUnusable) {
		t.Errorf("Open(%s) = %v, not ErrUnusable (exit 4)", Redact(dsn), err)
	}
	if password != "" && strings.Contains(err.Error(), password) {
		t.Errorf("the error shows the password: %v", err)
	}
	return err
}

func TestUnreachableServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	err = openErr(t, "postgres://relwatch:hunter2@"+addr+"/archive?connect_timeout=5", "hunter2", ReadOnly)
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "cannot reach the database server") ||
		!strings.Contains(err.Error(), "xxxxx@"+addr) {
		t.Errorf("unreachable server: %v", err)
	}
}

func TestWrongPassword(t *testing.T) {
	dsn := TestDSN(t)
	u, _ := url.Parse(dsn)
	u.User = url.UserPassword(u.User.Username(), "not-the-password")
	err := openErr(t, u.String(), "not-the-password", ReadWrite)
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "refused the login") {
		t.Errorf("wrong password: %v", err)
	}
}

func TestMissingDatabase(t *testing.T) {
	dsn := TestDSN(t)
	u, _ := url.Parse(dsn)
	u.Path = "/no_such_database"
	err := openErr(t, u.String(), "", ReadWrite)
	if !errors.Is(err, relwatch.ErrNoArchive) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing database: %v", err)
	}
}

// tables lists the tables of the test schema.
func tables(t *testing.T, dsn string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func exec(t *testing.T, dsn, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

func TestAnotherProgramsDatabase(t *testing.T) {
	dsn := TestDSN(t)
	exec(t, dsn, `CREATE TABLE invoices (id int PRIMARY KEY); CREATE TABLE customers (id int)`)
	for _, mode := range []Mode{ReadOnly, ReadWrite} {
		err := openErr(t, dsn, "", mode)
		if !errors.Is(err, relwatch.ErrNotArchive) || !strings.Contains(err.Error(), "2 tables of another program: customers, invoices") {
			t.Errorf("another program's database: %v", err)
		}
	}
	if got := tables(t, dsn); strings.Join(got, " ") != "customers invoices" {
		t.Errorf("after refusing, the schema holds %v", got)
	}
}

func TestNewerSchemaRefusedUntouched(t *testing.T) {
	dsn := TestDSN(t)
	a, err := Open(context.Background(), dsn, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	exec(t, dsn, fmt.Sprintf(`UPDATE relwatch_meta SET value = '%d' WHERE key = 'schema'`, SchemaVersion+1))
	before := tables(t, dsn)
	for _, mode := range []Mode{ReadOnly, ReadWrite} {
		err := openErr(t, dsn, "", mode)
		if !errors.Is(err, relwatch.ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade relwatch") {
			t.Errorf("newer schema: %v", err)
		}
	}
	if after := tables(t, dsn); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("tables changed: %v → %v", before, after)
	}
}

func TestEmptyDatabaseReadOnly(t *testing.T) {
	dsn := TestDSN(t)
	err := openErr(t, dsn, "", ReadOnly)
	if !errors.Is(err, relwatch.ErrNoArchive) || !strings.Contains(err.Error(), "run relwatch scrape") {
		t.Errorf("empty database, read-only: %v", err)
	}
	if got := tables(t, dsn); len(got) != 0 {
		t.Errorf("a read-only open created %v", got)
	}
}

// TestMigrationsNumbered: the embedded files are 001.. without a gap, and
// applying them gives the schema SchemaVersion.
func TestMigrationsNumbered(t *testing.T) {
	for i, m := range migrations {
		if m.number != i+1 || !strings.HasPrefix(m.name, fmt.Sprintf("%03d_", i+1)) {
			t.Errorf("migration %d is %s", i+1, m.name)
		}
	}
	if SchemaVersion != len(migrations) || SchemaVersion < 1 {
		t.Errorf("SchemaVersion = %d with %d migrations", SchemaVersion, len(migrations))
	}
}

// TestConcurrentFirstOpens: several processes creating the archive at once
// (here, several pools) all succeed, and the schema is created once.
func TestConcurrentFirstOpens(t *testing.T) {
	dsn := TestDSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := Open(context.Background(), dsn, ReadWrite)
			if err == nil {
				if a.Schema() != SchemaVersion {
					err = fmt.Errorf("schema %d", a.Schema())
				}
				a.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
}
