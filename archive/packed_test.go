package archive

import (
	"database/sql"
	"reflect"
	"testing"

	"github.com/relwatch/relwatch"
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
