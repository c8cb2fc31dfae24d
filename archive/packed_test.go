package archive

import (
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// TestPackedVersionsReadAsColumns: Versions, which reads a row as one
// value, gives what reading qVersions column by column gives, for every
// kind of field, and falls back to the columns when a field holds the
// separator.
func TestPackedVersionsReadAsColumns(t *testing.T) {
	ctx := t.Context()
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "b0"), snap(kzEN, "09 May 2025", "x"), nil)
	mustUnchanged(t, a, capture(kzEN, 1, "b0"), 1)
	c := capture(kzEN, 2, "b1")
	c.Suspect = "text shrank by 80 %"
	mustVersion(t, a, c, snap(kzEN, "", "y"), &relwatch.ChangeRecord{Summary: map[string]int{"changed": 1, "added": 2}, StampOnly: true, ParserChange: true})
	mustVersion(t, a, capture(kzEN, 3, "b2"), snap(kzEN, "", "y", "z"), &relwatch.ChangeRecord{})

	byColumns := func() []relwatch.VersionInfo {
		t.Helper()
		var vs []relwatch.VersionInfo
		err := a.readTx(ctx, "test", func(tx *sql.Tx) error {
			pk, err := pagePK(ctx, tx, kzEN)
			if err != nil {
				return err
			}
			vs, err = a.scanVersions(ctx, tx, kzEN, qVersions, pk, versionFilter{}, scanVersion)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	same := func(step string) {
		t.Helper()
		got, err := a.Versions(ctx, kzEN)
		if err != nil {
			t.Fatal(err)
		}
		if want := byColumns(); len(got) != 3 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Versions reads\n%+v\ncolumn by column\n%+v", step, got, want)
		}
	}
	same("live versions")
	if got, _ := a.Versions(ctx, kzEN); got[0].Summary != nil || got[1].Summary == nil || got[0].WindowStart != nil || got[1].WindowStart == nil {
		t.Errorf("NULL and empty told apart wrongly: %+v", got[:2])
	}
	if _, err := a.db.Exec(`UPDATE responses SET final_url = 'https://example.org/a' || char(31) || 'b'`); err != nil {
		t.Fatal(err)
	}
	same("a final URL that holds the separator")
	if got, _ := a.Versions(ctx, kzEN); got[0].FinalURL != "https://example.org/a\x1fb" {
		t.Errorf("final URL read back as %q", got[0].FinalURL)
	}
}

// TestEachVersionIsVersions: EachVersion hands over, batch by batch, what
// Versions reads, for a page of many batches; a row that does not split
// in the middle of the page is read column by column from there on; and
// an error of fn stops the read and is returned as it is.
func TestEachVersionIsVersions(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "gen.db")
	// Batches of 64 rows: 300 versions make five, as 1,280 would at the
	// real size, at a fraction of the generation's time under -race.
	defer func(n int) { streamBatchSize = n }(streamBatchSize)
	streamBatchSize = 64
	if _, err := Generate(ctx, path, GenerateOptions{Pages: 2, Versions: 300, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	a, err := Open(ctx, path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	page := snapshots.PageKey{ID: "topic-001", Lang: "en"}
	streamed := func() ([]relwatch.VersionInfo, int) {
		t.Helper()
		var all []relwatch.VersionInfo
		calls := 0
		err := a.EachVersion(ctx, page, func(batch []relwatch.VersionInfo) error {
			calls++
			all = append(all, batch...)
			clear(batch) // the store's again: what it hands out next must not depend on it
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return all, calls
	}
	same := func(step string) {
		t.Helper()
		want, err := a.Versions(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		got, calls := streamed()
		if len(want) != 300 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: EachVersion gave %d versions in %d batches, not the %d of Versions (or not the same)", step, len(got), calls, len(want))
		}
		if calls < 3 {
			t.Errorf("%s: %d versions in %d batches: not read as they come", step, len(got), calls)
		}
	}
	same("generated")
	// Version 100 is in the second batch, after rows that split.
	if _, err := a.db.ExecContext(ctx, `UPDATE version_facts SET origin = 'a' || char(31) || 'b'
		WHERE version = 100 AND page_pk = (SELECT page_pk FROM pages WHERE id = 'topic-001')`); err != nil {
		t.Fatal(err)
	}
	same("version 100's origin holds the separator")
	if vs, _ := a.Versions(ctx, page); vs[99].Origin != "a\x1fb" || vs[98].Origin != "" || vs[100].Origin != "" {
		t.Errorf("the edit reached %q, %q, %q", vs[98].Origin, vs[99].Origin, vs[100].Origin)
	}

	stop := errors.New("reader gone")
	calls := 0
	err = a.EachVersion(ctx, page, func([]relwatch.VersionInfo) error { calls++; return stop })
	if err != stop || calls != 1 {
		t.Errorf("fn failing at once: EachVersion = %v after %d calls, want %v after 1", err, calls, stop)
	}
	if err := a.EachVersion(ctx, snapshots.PageKey{ID: "nowhere", Lang: "en"}, func([]relwatch.VersionInfo) error { return nil }); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("a page not in the archive: %v", err)
	}
}
