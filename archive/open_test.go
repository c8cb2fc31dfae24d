package archive

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var updateFixture = flag.Bool("update-fixture", false, "rewrite testdata/schema1.db")

// fixtureV1 is an archive written by schema 1: two pages, three versions of
// kazakhstan/fr (with accents, for the search test after migration).
const fixtureV1 = "testdata/schema1.db"

// TestWriteFixtureV1 regenerates the schema-1 fixture with -update-fixture:
// a current archive with migration 2 undone.
func TestWriteFixtureV1(t *testing.T) {
	if !*updateFixture {
		t.Skip("run with -update-fixture to regenerate")
	}
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzFR, 0, "<html>fr 1</html>"), snap(kzFR, "12 déc. 2017", "Le partenariat pour la paix."), nil)
	mustUnchanged(t, a, capture(kzFR, 1, "<html>fr 1</html>"), 1)
	mustVersion(t, a, capture(kzFR, 2, "<html>fr 2</html>"), snap(kzFR, "13 févr. 2018", "Le partenariat pour la paix.", "Coopération en matière de sécurité."),
		&ChangeRecord{DiffJSON: []byte(`[]`), Summary: map[string]int{"added": 1}})
	mustVersion(t, a, capture(kzFR, 3, "<html>fr 3</html>"), snap(kzFR, "1 mars 2019", "Le partenariat pour la paix."),
		&ChangeRecord{DiffJSON: []byte(`[]`), Summary: map[string]int{"removed": 1}})
	mustVersion(t, a, capture(kzEN, 0, "<html>en 1</html>"), snap(kzEN, "12 Dec. 2017", "Partnership for Peace."), nil)
	downgradeToV1(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// A rollback-journal file with no -wal: one self-contained file.
	for _, q := range []string{"PRAGMA journal_mode = DELETE", "VACUUM"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fixtureV1, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// downgradeToV1 turns a current archive into a schema-1 one by undoing
// migration 2.
func downgradeToV1(t testing.TB, a *Archive) {
	t.Helper()
	for _, q := range []string{
		"DROP TRIGGER version_facts_insert", "DROP TRIGGER version_facts_update", "DROP TRIGGER version_facts_delete",
		"DROP TRIGGER version_facts_change_insert", "DROP TRIGGER version_facts_change_update",
		"DROP TRIGGER version_facts_change_delete", "DROP TRIGGER version_facts_capture_insert",
		"DROP TRIGGER version_facts_capture_update", "DROP TABLE version_facts",
		"DROP TABLE text_fts", "DROP TABLE block_versions", "DROP TABLE text_blocks",
		"DROP INDEX versions_by_first_seen2", "CREATE INDEX versions_by_first_seen ON versions (page_pk, first_seen)",
		"ALTER TABLE captures DROP COLUMN canonical_url", "ALTER TABLE captures DROP COLUMN original_url",
		"ALTER TABLE captures DROP COLUMN original_digest", "ALTER TABLE captures DROP COLUMN origin",
		"ALTER TABLE captures DROP COLUMN retrieved",
		"PRAGMA user_version = 1",
	} {
		if _, err := a.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// copyFixture copies a fixture into a temporary directory.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	path := tempPath(t)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMigrateV1Fixture(t *testing.T) {
	ctx := context.Background()
	path := copyFixture(t, fixtureV1)

	// Read-only: an old schema is read as it is, untouched.
	before, _ := os.ReadFile(path)
	ro, err := Open(ctx, path, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	roVersions, err := ro.Versions(ctx, kzFR)
	if err != nil || len(roVersions) != 3 {
		t.Errorf("v1 read-only Versions = %d, %v", len(roVersions), err)
	}
	if _, err := ro.Search(ctx, "paix", nil); !errors.Is(err, ErrOldSchema) {
		t.Errorf("v1 read-only Search: %v, want ErrOldSchema", err)
	}
	mustCheckClean(t, ro)
	ro.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("opening a schema-1 archive read-only changed it")
	}

	a := openRW(t, path)
	defer a.Close()
	if a.Schema() != SchemaVersion || SchemaVersion != 4 {
		t.Fatalf("schema after migration = %d, want %d", a.Schema(), SchemaVersion)
	}
	mustCheckClean(t, a)
	// Schema 4 reads log from version_facts: the same as the old join.
	if vs, err := a.Versions(ctx, kzFR); err != nil || !reflect.DeepEqual(vs, roVersions) {
		t.Errorf("Versions after migration = %+v, %v\nwant %+v", vs, err, roVersions)
	}
	hits, err := a.Search(ctx, "securite", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Page != "kazakhstan/fr" || len(hits[0].Versions) != 1 || hits[0].Versions[0] != 2 {
		t.Errorf("search after migration = %+v, want the version-2 sentence", hits)
	}
	// The migrated archive keeps working.
	v := mustVersion(t, a, capture(kzFR, 4, "<html>fr 4</html>"), snap(kzFR, "", "Nouveau."), nil)
	if v != 4 {
		t.Errorf("next version = %d, want 4", v)
	}
	mustCheckClean(t, a)
}

func TestNewerSchemaRefusedUntouched(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	if _, err := a.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	a.Close()
	before, _ := os.ReadFile(path)
	for _, mode := range []Mode{ReadOnly, ReadWrite} {
		_, err := Open(ctx, path, mode)
		if !errors.Is(err, ErrNewerSchema) || !errors.Is(err, ErrUnusable) {
			t.Errorf("mode %d: %v, want ErrNewerSchema", mode, err)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a newer archive was modified")
	}
	assertNoSiblings(t, path)
}

// assertNoSiblings checks that no -wal, -shm or .lock file was left next to
// a refused file.
func assertNoSiblings(t *testing.T, path string) {
	t.Helper()
	for _, s := range []string{"-wal", "-shm", ".lock", "-journal"} {
		if _, err := os.Stat(path + s); err == nil {
			t.Errorf("%s%s was left behind", path, s)
		}
	}
}

func TestNotAnArchiveRefusedUntouched(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite", foreign)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	text := filepath.Join(dir, "config.yaml")
	os.WriteFile(text, []byte("pages:\n  - kazakhstan\n"), 0o644)
	short := filepath.Join(dir, "short.db")
	os.WriteFile(short, []byte("SQLite format 3\x00 and then nothing"), 0o644)

	for _, tc := range []struct {
		name, path string
		want       error
		says       string
	}{
		{"sqlite without our tables", foreign, ErrNotArchive, "SQLite database without relwatch's tables"},
		{"text file", text, ErrNotArchive, "is not a SQLite file"},
		{"directory", dir, ErrNotArchive, "is a directory"},
		{"cut-off header", short, ErrCorrupt, "truncated"},
	} {
		for _, mode := range []Mode{ReadOnly, ReadWrite} {
			t.Run(tc.name, func(t *testing.T) {
				var before []byte
				if tc.path != dir {
					before, _ = os.ReadFile(tc.path)
				}
				_, err := Open(ctx, tc.path, mode)
				if !errors.Is(err, tc.want) || !errors.Is(err, ErrUnusable) || !strings.Contains(err.Error(), tc.says) {
					t.Errorf("mode %d: %v, want %v saying %q", mode, err, tc.want, tc.says)
				}
				if tc.path != dir {
					if after, _ := os.ReadFile(tc.path); !bytes.Equal(before, after) {
						t.Error("the file was modified")
					}
					assertNoSiblings(t, tc.path)
				}
			})
		}
	}
}

func TestEmptyFileBecomesArchive(t *testing.T) {
	// A crash between creating the file and the first commit leaves an
	// empty file; ReadWrite takes it over, ReadOnly refuses it.
	path := tempPath(t)
	os.WriteFile(path, nil, 0o644)
	if _, err := Open(context.Background(), path, ReadOnly); !errors.Is(err, ErrNotArchive) {
		t.Errorf("read-only on an empty file: %v, want ErrNotArchive", err)
	}
	a := openRW(t, path)
	defer a.Close()
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
}
