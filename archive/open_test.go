package archive

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

var updateFixture = flag.Bool("update-fixture", false, "rewrite testdata/schema1.db")

// fixtureV1 is an archive written by schema 1: two pages, three versions of
// kazakhstan/fr (with accents, for the search test after migration).
const fixtureV1 = "testdata/schema1.db"

// TestWriteFixtureV1 regenerated the schema-1 fixture with -update-fixture
// (a schema-4 archive with migrations 2 to 4 undone) until schema 5, whose
// rebuilt tables downgradeToV1 cannot undo: the fixture is frozen now.
func TestWriteFixtureV1(t *testing.T) {
	if !*updateFixture || SchemaVersion > 4 {
		t.Skip("run with -update-fixture to regenerate; frozen since schema 5")
	}
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzFR, 0, "<html>fr 1</html>"), snap(kzFR, "12 déc. 2017", "Le partenariat pour la paix."), nil)
	mustUnchanged(t, a, capture(kzFR, 1, "<html>fr 1</html>"), 1)
	mustVersion(t, a, capture(kzFR, 2, "<html>fr 2</html>"), snap(kzFR, "13 févr. 2018", "Le partenariat pour la paix.", "Coopération en matière de sécurité."),
		&relwatch.ChangeRecord{DiffJSON: []byte(`[]`), Summary: map[string]int{"added": 1}})
	mustVersion(t, a, capture(kzFR, 3, "<html>fr 3</html>"), snap(kzFR, "1 mars 2019", "Le partenariat pour la paix."),
		&relwatch.ChangeRecord{DiffJSON: []byte(`[]`), Summary: map[string]int{"removed": 1}})
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

// downgradeToV1 turns a schema-4 archive into a schema-1 one by undoing
// migrations 2 to 4.
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
	if a.Schema() != SchemaVersion || SchemaVersion != 11 {
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
		if !errors.Is(err, relwatch.ErrNewerSchema) || !errors.Is(err, relwatch.ErrUnusable) {
			t.Errorf("mode %d: %v, want relwatch.ErrNewerSchema", mode, err)
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
		{"sqlite without our tables", foreign, relwatch.ErrNotArchive, "SQLite database without relwatch's tables"},
		{"text file", text, relwatch.ErrNotArchive, "is not a SQLite file"},
		{"directory", dir, relwatch.ErrNotArchive, "is a directory"},
		{"cut-off header", short, relwatch.ErrCorrupt, "truncated"},
	} {
		for _, mode := range []Mode{ReadOnly, ReadWrite} {
			t.Run(tc.name, func(t *testing.T) {
				var before []byte
				if tc.path != dir {
					before, _ = os.ReadFile(tc.path)
				}
				_, err := Open(ctx, tc.path, mode)
				if !errors.Is(err, tc.want) || !errors.Is(err, relwatch.ErrUnusable) || !strings.Contains(err.Error(), tc.says) {
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
	if _, err := Open(context.Background(), path, ReadOnly); !errors.Is(err, relwatch.ErrNotArchive) {
		t.Errorf("read-only on an empty file: %v, want relwatch.ErrNotArchive", err)
	}
	a := openRW(t, path)
	defer a.Close()
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
}

// TestMigrateV4Fixture migrates the schema-4 fixture (see
// TestWriteFixtureV4) and reads every capture back: times to the
// nanosecond, status, URLs, headers (the Date header included, in whatever
// form it came), body, outcome, version and provenance are what schema 4
// stored.
func TestMigrateV4Fixture(t *testing.T) {
	ctx := context.Background()
	path := copyFixture(t, "testdata/schema4.db")

	// What schema 4 holds, read with plain SQL.
	type row struct {
		id                                             int64
		page, source, started, finished                string
		status                                         int
		finalURL, canonical, headers, contentType      string
		body                                           []byte
		outcome, errKind, errMsg, suspect              string
		version                                        int
		originalURL, originalDigest, origin, retrieved string
	}
	db, err := sql.Open("sqlite", path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	var want []row
	rows, err := db.Query(`SELECT c.capture_id, p.id || '/' || p.lang, c.source, c.started, c.finished, c.status,
			c.final_url, c.canonical_url, c.headers, c.content_type, coalesce(c.body_digest, ''), c.outcome, c.error_kind,
			c.error_message, c.suspect, coalesce(c.version, 0), c.original_url, c.original_digest, c.origin, coalesce(c.retrieved, '')
		FROM captures c JOIN pages p USING (page_pk) ORDER BY c.capture_id`)
	if err != nil {
		t.Fatal(err)
	}
	var digests []string
	for rows.Next() {
		var r row
		var digest string
		if err := rows.Scan(&r.id, &r.page, &r.source, &r.started, &r.finished, &r.status, &r.finalURL, &r.canonical,
			&r.headers, &r.contentType, &digest, &r.outcome, &r.errKind, &r.errMsg, &r.suspect, &r.version,
			&r.originalURL, &r.originalDigest, &r.origin, &r.retrieved); err != nil {
			t.Fatal(err)
		}
		want, digests = append(want, r), append(digests, digest)
	}
	rows.Close()
	db.Close()
	if len(want) != 10 {
		t.Fatalf("fixture has %d captures, want 10", len(want))
	}

	ro, err := Open(ctx, path, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	roVersions, err := ro.Versions(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	mustCheckClean(t, ro)
	roStates, err := ro.CheckStates(ctx, []snapshots.PageKey{kzFR})
	roEtag, roLM := roStates[kzFR].ETag, roStates[kzFR].LastModified
	if err != nil || roEtag == "" {
		t.Fatalf("schema-4 validators = %q %q %v", roEtag, roLM, err)
	}
	ro.Close()

	a := openRW(t, path)
	defer a.Close()
	if a.Schema() != SchemaVersion {
		t.Fatalf("schema after migration = %d", a.Schema())
	}
	mustCheckClean(t, a)
	// Schema 7 rebuilt the search index with kinds and headings.
	latest, err := a.Snapshot(ctx, kzEN, roVersions[len(roVersions)-1].Version)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{latest.Title, firstHeading(latest.Sections)} {
		hits, err := a.Search(ctx, q, &kzEN)
		if err != nil || len(hits) == 0 || hits[0].Kind == "" {
			t.Errorf("after migration, Search(%q) = %+v, %v", q, hits, err)
		}
	}
	if vs, err := a.Versions(ctx, kzEN); err != nil || !reflect.DeepEqual(vs, roVersions) {
		t.Errorf("Versions after migration = %+v, %v\nwant %+v", vs, err, roVersions)
	}
	if states, err := a.CheckStates(ctx, []snapshots.PageKey{kzFR}); err != nil || states[kzFR].ETag != roEtag || states[kzFR].LastModified != roLM {
		t.Errorf("validators after migration = %+v %v, want %q %q", states[kzFR], err, roEtag, roLM)
	}

	var got []row
	for _, page := range []snapshots.PageKey{kzEN, kzFR} {
		cs, err := a.Captures(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			hj, err := json.Marshal(c.Header)
			if err != nil {
				t.Fatal(err)
			}
			r := row{id: c.ID, page: page.String(), source: c.Source, started: fmtTime(c.Started), finished: fmtTime(c.Finished),
				status: c.Status, finalURL: c.FinalURL, canonical: c.CanonicalURL, headers: string(hj), contentType: c.ContentType,
				outcome: c.Outcome, errKind: c.ErrorKind, errMsg: c.ErrorMessage, suspect: c.Suspect, version: c.Version,
				originalURL: c.OriginalURL, originalDigest: c.OriginalDigest, origin: c.Origin}
			if !c.Retrieved.IsZero() {
				r.retrieved = fmtTime(c.Retrieved)
			}
			if c.BodyDigest != "" {
				if r.body, err = a.RawBody(ctx, c.BodyDigest); err != nil {
					t.Fatal(err)
				}
			}
			got = append(got, r)
		}
	}
	slices.SortFunc(got, func(x, y row) int { return int(x.id - y.id) })
	for i := range want {
		if digests[i] != "" {
			if want[i].body, err = a.RawBody(ctx, digests[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("capture %d after migration:\n%+v\nwant\n%+v", want[i].id, got[i], want[i])
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d captures after migration, want %d", len(got), len(want))
		}
	}
	// Only the IMF-fixdate Date headers left the header sets: the one in
	// RFC 1123 with "UTC" is kept as sent.
	var split, kept int
	a.db.QueryRow(`SELECT count(http_date) FROM captures`).Scan(&split)
	a.db.QueryRow(`SELECT count(*) FROM responses WHERE headers LIKE '%"Date"%'`).Scan(&kept)
	if split != 4 || kept != 1 {
		t.Errorf("%d Date headers stored as integers, %d kept in headers; want 4 and 1", split, kept)
	}

	// The migrated archive keeps working.
	if v := mustVersion(t, a, capture(kzEN, 20, "<html>en 3</html>"), snap(kzEN, "", "New."), nil); v != 4 {
		t.Errorf("next version = %d, want 4", v)
	}
	mustCheckClean(t, a)
}

// firstHeading is the first non-empty heading among secs.
func firstHeading(secs []snapshots.Section) string {
	var h string
	snapshots.Walk(secs, func(_ []string, s *snapshots.Section) {
		if h == "" {
			h = s.Heading
		}
	})
	return h
}

// TestMigrateSchema10Triggers: an archive of schema 10 (version_facts
// rebuilt on every update of a version, its capture trigger firing for
// every capture) reads as it is, and its next writer moves it to schema
// 11's triggers, after which unchanged checks still keep version_facts
// in step.
func TestMigrateSchema10Triggers(t *testing.T) {
	ctx := context.Background()
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzEN, 0, "b0"), snap(kzEN, "", "x"), nil)
	mustUnchanged(t, a, capture(kzEN, 1, "b0"), 1)
	for _, q := range []string{
		"DROP TRIGGER version_facts_seen", "DROP TRIGGER version_facts_update", "DROP TRIGGER version_facts_capture_insert",
		`CREATE TRIGGER version_facts_update AFTER UPDATE ON versions BEGIN
	DELETE FROM version_facts WHERE page_pk = OLD.page_pk AND version = OLD.version;
	INSERT OR REPLACE INTO version_facts (` + versionFactsCols + `)
	` + versionFactsSelect("NEW") + `
	FROM (SELECT 1) ` + versionFactsFrom("NEW") + `;
END`,
		`CREATE TRIGGER version_facts_capture_insert AFTER INSERT ON captures WHEN NEW.version IS NOT NULL BEGIN
	UPDATE version_facts SET suspect = NEW.suspect, source = NEW.source,
		final_url = coalesce((SELECT final_url FROM responses WHERE response_id = NEW.response_id), ''),
		original_url = NEW.original_url, origin = NEW.origin
	WHERE page_pk = NEW.page_pk AND version = NEW.version AND capture_id = NEW.capture_id;
END`,
		"PRAGMA user_version = 10",
	} {
		if _, err := a.db.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	ro, err := Open(ctx, path, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if vs, err := ro.Versions(ctx, kzEN); err != nil || len(vs) != 1 || vs[0].Checks != 2 {
		t.Errorf("schema 10 read-only: versions %+v, %v; want one of 2 checks", vs, err)
	}
	mustCheckClean(t, ro)
	ro.Close()

	a = openRW(t, path)
	defer a.Close()
	if a.Schema() != 11 {
		t.Fatalf("schema %d after the next writer's open, want 11", a.Schema())
	}
	var triggers string
	if err := a.db.QueryRow(`SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
		WHERE type = 'trigger' AND name IN ('version_facts_seen', 'version_facts_update', 'version_facts_capture_insert')
		AND (sql LIKE '%UPDATE OF%' OR sql LIKE '%outcome IN%') ORDER BY name)`).Scan(&triggers); err != nil ||
		triggers != "version_facts_capture_insert version_facts_seen version_facts_update" {
		t.Errorf("schema 11 triggers: %q, %v", triggers, err)
	}
	mustUnchanged(t, a, capture(kzEN, 2, "b0"), 1)
	if vs, err := a.Versions(ctx, kzEN); err != nil || len(vs) != 1 || vs[0].Checks != 3 || !vs[0].LastSeen.Equal(capture(kzEN, 2, "").Started) {
		t.Errorf("after an unchanged check on schema 11: %+v, %v; want 3 checks, last seen at its start", vs, err)
	}
	mustCheckClean(t, a)
}
