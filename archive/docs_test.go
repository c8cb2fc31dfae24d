package archive

import (
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/relwatch/relwatch"
)

// TestDocQueries runs every SQL example in docs/archive.md against a small
// archive, so that the user documentation cannot drift from the schema.
func TestDocQueries(t *testing.T) {
	doc, err := os.ReadFile("../docs/archive.md")
	if err != nil {
		t.Skipf("docs not found: %v", err)
	}
	blocks := regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllSubmatch(doc, -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d SQL examples, want at least 5", len(blocks))
	}
	a := TestArchive(t)
	mustVersion(t, a, capture(kzFR, 0, "1"), snap(kzFR, "", "Sécurité."), nil)
	mustVersion(t, a, capture(kzFR, 1, "2"), snap(kzFR, "", "Paix."), &relwatch.ChangeRecord{Summary: map[string]int{"changed": 1}})
	mustVersion(t, a, capture(kzFR, 2, "3"), snap(kzFR, "", "Paix.", "Sécurité."), &relwatch.ChangeRecord{})
	for _, b := range blocks {
		for _, q := range regexp.MustCompile(`;\s*\n`).Split(string(b[1]), -1) {
			if regexp.MustCompile(`^\s*$`).MatchString(q) {
				continue
			}
			rows, err := a.db.Query(q)
			if err != nil {
				t.Errorf("query fails: %v\n%s", err, q)
				continue
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			t.Logf("%d rows: %.60s…", n, q)
		}
	}
}

// TestSystemSQLiteReadsArchive opens an archive with the sqlite3 command,
// if there is one, as users are told they can. Older sqlite3 builds have
// their own integrity_check quirks (3.40 misreports some WITHOUT ROWID
// layouts), so the archive is checked by the user's tool too.
func TestSystemSQLiteReadsArchive(t *testing.T) {
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("no sqlite3 command")
	}
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzFR, 0, "1"), snap(kzFR, "", "Sécurité."), nil)
	mustVersion(t, a, capture(kzFR, 1, "2"), snap(kzFR, "", "Sécurité.", "Paix."), nil)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-readonly", path, "PRAGMA integrity_check; PRAGMA foreign_key_check;",
		`SELECT count(*) FROM text_fts WHERE text_fts MATCH '"securite"';`).CombinedOutput()
	if err != nil || string(out) != "ok\n1\n" {
		t.Errorf("sqlite3 says %q (%v), want ok and one hit", out, err)
	}
}
