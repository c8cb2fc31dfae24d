package archive

import (
	"strings"
	"testing"
)

// planQueries are checked by TestQueryPlans.
var planQueries = map[string]string{
	"qLatestVersion":   qLatestVersion,
	"qLastCapture":     qLastCapture,
	"qLastGoodCapture": qLastGoodCapture,
	"qFailuresSince":   qFailuresSince,
	"qPagePK":          qPagePK,
	"qVersions":        qVersions,
	"qSnapshot":        qSnapshot,
	"qSnapshotLatest":  qSnapshotLatest,
	"qSnapshotAt":      qSnapshotAt,
	"qValidators":      qValidators,
	"qChange":          qChange,
	"qProvenance":      qProvenance,
	"qBlockVersions":   qBlockVersions,
	"qFindBlock":       qFindBlock,
}

// TestQueryPlans asks SQLite how it would run each history query: every
// table must be reached by a SEARCH on an index with the page (or the row)
// as its key, never by a SCAN, so a page's history costs the same however
// many versions other pages have.
func TestQueryPlans(t *testing.T) {
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	for name, q := range planQueries {
		args := make([]any, strings.Count(q, "?"))
		rows, err := a.db.Query("EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, d := range plan {
			if !strings.HasPrefix(d, "SEARCH ") {
				t.Errorf("%s: %q in plan %q", name, d, plan)
			}
		}
	}
}
