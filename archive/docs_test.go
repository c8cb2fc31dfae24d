package archive

import (
	"os"
	"regexp"
	"testing"
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
	mustVersion(t, a, capture(kzFR, 1, "2"), snap(kzFR, "", "Paix."), &ChangeRecord{Summary: map[string]int{"changed": 1}})
	mustVersion(t, a, capture(kzFR, 2, "3"), snap(kzFR, "", "Paix.", "Sécurité."), &ChangeRecord{})
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
