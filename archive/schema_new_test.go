package archive

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateSchema = flag.Bool("update-schema", false, "write schema_new.sql from what the migrations make")

// TestNewArchiveSchema: a new archive made from schema_new.sql is the one
// the migrations make of an empty file: the same tables, indexes, triggers
// and views (their SQL text), the same rows in every table (the search
// index's own tables included) and the same schema version and settings.
// With -update-schema it writes schema_new.sql from the migrations first.
func TestNewArchiveSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	migrated := filepath.Join(dir, "migrated.db")
	saved := newSchema
	newSchema = "" // the migrations, one by one
	a, err := Open(ctx, migrated, ReadWrite)
	newSchema = saved
	if err != nil {
		t.Fatal(err)
	}
	if *updateSchema {
		ddl, err := schemaDDL(ctx, a.db)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("schema_new.sql", []byte(ddl), 0o644); err != nil {
			t.Fatal(err)
		}
		newSchema = ddl
	}
	a.Close()
	made := filepath.Join(dir, "new.db")
	b, err := Open(ctx, made, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	want, got := describe(t, migrated), describe(t, made)
	if !slices.Equal(got, want) {
		for _, line := range want {
			if !slices.Contains(got, line) {
				t.Errorf("a new archive lacks what the migrations make: %s", line)
			}
		}
		for _, line := range got {
			if !slices.Contains(want, line) {
				t.Errorf("a new archive has what the migrations do not make: %s", line)
			}
		}
		t.Fatal("schema_new.sql is not what the migrations make; after changing them run: go test ./archive -run TestNewArchiveSchema -args -update-schema")
	}
}

// schemaDDL is the statements that make db's schema: its tables in the
// order they were made, then the rest (indexes, triggers, views) in that
// order, leaving out what SQLite makes itself (its own tables, automatic
// indexes, a virtual table's shadow tables).
func schemaDDL(ctx context.Context, db *sql.DB) (string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		ORDER BY type != 'table', rowid`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	fmt.Fprintf(&b, newSchemaHeader, len(migrations))
	b.WriteString("-- The schema of a new archive: what the migrations of schema.go make of an\n")
	b.WriteString("-- empty file. Written by `go test ./archive -run TestNewArchiveSchema -args -update-schema`.\n")
	var virtual []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			return "", err
		}
		if slices.ContainsFunc(virtual, func(v string) bool { return strings.HasPrefix(name, v+"_") }) {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(ddl), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
		}
		b.WriteString(ddl + ";\n")
	}
	return b.String(), rows.Err()
}

// describe lists what an archive file holds, a line each: every schema
// object with its SQL, every row of every table, the schema version and
// the settings a file keeps.
func describe(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	query := func(q string, each func(vals []any) string) {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, each(vals))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	var tables []string
	query(`SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name`, func(v []any) string {
		if v[0] == "table" && !strings.HasPrefix(strings.ToUpper(fmt.Sprint(v[3])), "CREATE VIRTUAL TABLE") {
			tables = append(tables, v[1].(string))
		}
		return fmt.Sprintf("object %v %v on %v: %v", v[0], v[1], v[2], v[3])
	})
	for _, table := range tables {
		query(`SELECT * FROM "`+table+`"`, func(v []any) string { return fmt.Sprintf("row of %s: %v", table, v) })
	}
	for _, pragma := range []string{"user_version", "application_id", "page_size", "auto_vacuum", "journal_mode", "encoding"} {
		query("PRAGMA "+pragma, func(v []any) string { return fmt.Sprintf("pragma %s = %v", pragma, v) })
	}
	slices.Sort(out)
	return out
}

// A schema_new.sql of another schema version (a migration added, the file
// not written again) is not used: the migrations make the new archive.
func TestNewArchiveSchemaOfAnotherVersion(t *testing.T) {
	ctx := context.Background()
	saved := newSchema
	defer func() { newSchema = saved }()
	newSchema = fmt.Sprintf(newSchemaHeader, len(migrations)-1) + "CREATE TABLE stale (x);\n"
	a, err := Open(ctx, filepath.Join(t.TempDir(), "new.db"), ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var stale, version int
	if err := a.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'stale'").Scan(&stale); err != nil {
		t.Fatal(err)
	}
	if err := a.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if stale != 0 || version != len(migrations) {
		t.Errorf("new archive from a stale schema_new.sql: table stale %d, schema version %d (want 0, %d)", stale, version, len(migrations))
	}
}
