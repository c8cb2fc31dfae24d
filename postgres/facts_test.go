package postgres

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
)

// undoVersionFacts takes migrations 005, 007 and 008 back, for tests that make
// an archive of an earlier schema from a new one.
const undoVersionFacts = `DROP TABLE version_facts; DROP VIEW version_facts_computed CASCADE;
	DROP FUNCTION version_facts_of_version, version_facts_of_change, version_facts_of_capture, version_facts_of_response, version_facts_of_seen CASCADE;
	DROP FUNCTION version_facts_refresh; DROP FUNCTION version_facts_pack`

// factsArchive is an archive of one page with three versions, unchanged
// checks between them and a suspect one, as log reads it.
func factsArchive(t *testing.T) (*Archive, string) {
	t.Helper()
	ctx := context.Background()
	dsn := TestDSN(t)
	a, err := Open(ctx, dsn, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	for i := range 3 {
		c := benchCapture(2 * i)
		if i == 2 {
			c.Suspect = "text shrank by 90%"
		}
		var change *relwatch.ChangeRecord
		if i > 0 {
			change = &relwatch.ChangeRecord{Summary: map[string]int{"block_changed": 1}, StampOnly: i == 1}
		}
		if _, err := a.RecordVersion(ctx, c, benchSnap(i), 1, change); err != nil {
			t.Fatal(err)
		}
		if err := a.RecordUnchanged(ctx, benchCapture(2*i+1), i+1); err != nil {
			t.Fatal(err)
		}
	}
	return a, dsn
}

// TestVersionFactsMigration: an archive of the schema before
// version_facts gets the table filled from its versions by the migration,
// and log reads the same.
func TestVersionFactsMigration(t *testing.T) {
	ctx := context.Background()
	a, dsn := factsArchive(t)
	before, err := a.Versions(ctx, benchPage)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	exec(t, dsn, `DROP INDEX captures_failed; `+undoVersionFacts+`; UPDATE relwatch_meta SET value = '4' WHERE key = 'schema'`)
	b, err := Open(ctx, dsn, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Schema() != SchemaVersion {
		t.Fatalf("schema %d after migrating, want %d", b.Schema(), SchemaVersion)
	}
	after, err := b.Versions(ctx, benchPage)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 3 || !reflect.DeepEqual(before, after) {
		t.Errorf("log after the migration:\n%+v\nbefore:\n%+v", after, before)
	}
	if probs, err := b.Check(ctx); err != nil || len(probs) > 0 {
		t.Errorf("check after the migration: %v %v", probs, err)
	}
}

// TestCheckFindsStaleVersionFacts: a version_facts row edited by hand, or
// missing, is a problem check names.
func TestCheckFindsStaleVersionFacts(t *testing.T) {
	ctx := context.Background()
	a, dsn := factsArchive(t)
	if probs, err := a.Check(ctx); err != nil || len(probs) > 0 {
		t.Fatalf("check of a fresh archive: %v %v", probs, err)
	}
	exec(t, dsn, `UPDATE version_facts SET checks = 7 WHERE version = 2; DELETE FROM version_facts WHERE version = 3`)
	probs, err := a.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.Kind+": "+p.Detail)
	}
	want := []string{
		"version: kazakhstan/en version 2 is missing or stale in version_facts",
		"version: kazakhstan/en version 3 is missing or stale in version_facts",
		"version: kazakhstan/en version 2 in version_facts does not match versions, captures and changes",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("check found\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCheckFindsSearchIndexRows: a version's block missing from the search
// index, or one too many, is a search-index problem naming the page and
// the version.
func TestCheckFindsSearchIndexRows(t *testing.T) {
	ctx := context.Background()
	a, dsn := factsArchive(t)
	exec(t, dsn, `DELETE FROM block_versions WHERE ctid = (SELECT min(ctid) FROM block_versions WHERE version = 2);
		INSERT INTO block_versions (block_id, page_pk, version)
		  SELECT block_id, page_pk, 3 FROM block_versions WHERE version = 1 AND block_id NOT IN (SELECT block_id FROM block_versions WHERE version = 3) LIMIT 1`)
	probs, err := a.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range probs {
		if p.Kind == "search-index" {
			got = append(got, p.Detail)
		}
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "kazakhstan/en version 2: index has") || !strings.HasPrefix(got[1], "kazakhstan/en version 3: index has") {
		t.Errorf("check found %q; want a search-index problem for versions 2 and 3", got)
	}
}
