package archive

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
)

// planQueries are checked by TestQueryPlans.
var planQueries = map[string]string{
	"qPages":          qPages,
	"qCheckStates":    qCheckStates,
	"qPagePK":         qPagePK,
	"qVersions":       qVersions,
	"qVersionsPacked": qVersionsPacked,
	"qSnapshot":       qSnapshot,
	"qSnapshotLatest": qSnapshotLatest,
	"qSnapshotAt":     qSnapshotAt,
	"qValidators":     qValidators,
	"qMaxVersion":     qMaxVersion,
	"qChange":         qChange,
	"qProvenance":     qProvenance,
	"qBlockVersions":  qBlockVersions,
	"qFindBlock":      qFindBlock,
}

// listScans are the SCANs a query may make: of the pages themselves, when
// it lists them all, or of the list of pages it was given.
var listScans = map[string]string{
	"qPages":       "SCAN p USING INDEX sqlite_autoindex_pages_1",
	"qCheckStates": "SCAN k VIRTUAL TABLE",
}

// TestQueryPlans asks SQLite how it would run each history query: every
// table must be reached by a SEARCH on an index with the page (or the row)
// as its key, never by a SCAN (but of the pages listed), so a page's
// history costs the same however many versions other pages have.
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
			list, listed := listScans[name]
			switch {
			case strings.HasPrefix(d, "SEARCH "), strings.HasPrefix(d, "CORRELATED SCALAR SUBQUERY "):
			case listed && strings.HasPrefix(d, list):
			default:
				t.Errorf("%s: %q in plan %q", name, d, plan)
			}
		}
	}
}

// TestVersionFactsFollowWrites checks that version_facts, kept by triggers,
// reads the same as the join it replaces after each kind of write.
func TestVersionFactsFollowWrites(t *testing.T) {
	ctx := t.Context()
	a := TestArchive(t)
	same := func(step string) {
		t.Helper()
		vs, err := a.Versions(ctx, kzEN)
		if err != nil {
			t.Fatal(err)
		}
		var facts []string
		for _, v := range vs {
			facts = append(facts, fmt.Sprintf("%d %d %s %s %v %v", v.Version, v.Checks, v.Suspect, v.FinalURL, v.Summary, v.StampOnly))
		}
		var join []string
		err = eachRowDB(a, `SELECT v.version, v.checks, c.suspect, r.final_url, coalesce(ch.summary, ''), coalesce(ch.stamp_only, 0)
			FROM versions v JOIN captures c ON c.capture_id = v.capture_id JOIN responses r ON r.response_id = c.response_id
			LEFT JOIN changes ch ON ch.page_pk = v.page_pk AND ch.to_version = v.version ORDER BY v.version`, func(r *sql.Rows) error {
			var version, checks int
			var suspect, url, summary string
			var stampOnly bool
			if err := r.Scan(&version, &checks, &suspect, &url, &summary, &stampOnly); err != nil {
				return err
			}
			var m map[string]int
			json.Unmarshal([]byte(summary), &m)
			join = append(join, fmt.Sprintf("%d %d %s %s %v %v", version, checks, suspect, url, m, stampOnly))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(facts, join) {
			t.Errorf("%s: version_facts reads\n%q\nthe join reads\n%q", step, facts, join)
		}
		// Check compares every column of version_facts with the join.
		mustCheckClean(t, a)
	}
	mustVersion(t, a, capture(kzEN, 0, "b0"), snap(kzEN, "", "x"), nil)
	same("first version")
	if err := a.RecordUnchanged(ctx, capture(kzEN, 1, "b0"), 1); err != nil {
		t.Fatal(err)
	}
	same("unchanged")
	c := capture(kzEN, 2, "b1")
	c.Suspect = "too short"
	mustVersion(t, a, c, snap(kzEN, "", "y"), &relwatch.ChangeRecord{Summary: map[string]int{"changed": 1}, StampOnly: true})
	same("second version")
	if _, err := a.db.Exec(`UPDATE changes SET summary = '{"added":2}' WHERE to_version = 2`); err != nil {
		t.Fatal(err)
	}
	same("change edited")
	if _, err := a.db.Exec(`UPDATE captures SET suspect = 'edited' WHERE version = 2`); err != nil {
		t.Fatal(err)
	}
	same("capture edited")
	if _, err := a.db.Exec(`UPDATE responses SET final_url = 'https://example.org/moved'
		WHERE response_id = (SELECT response_id FROM captures WHERE outcome = 'changed')`); err != nil {
		t.Fatal(err)
	}
	same("response edited")
	if _, err := a.db.Exec(`INSERT INTO responses (status, final_url, canonical_url, content_type, headers)
		VALUES (200, 'https://example.org/other', '', 'text/html', '{}')`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Exec(`UPDATE captures SET response_id = (SELECT max(response_id) FROM responses) WHERE outcome = 'changed'`); err != nil {
		t.Fatal(err)
	}
	same("capture's response replaced")
	// Schema 11: checks and last_seen move in place, the other columns
	// rebuild the row.
	if _, err := a.db.Exec(`UPDATE versions SET updated_raw = '1 Dec. 2026', checks = checks + 5 WHERE version = 1`); err != nil {
		t.Fatal(err)
	}
	same("version's stamp and checks edited")
	if _, err := a.db.Exec(`UPDATE versions SET last_seen = '2030-01-01T00:00:00.000000000Z' WHERE version = 2`); err != nil {
		t.Fatal(err)
	}
	same("version's last_seen edited")
	// The other order: a version written before its capture, as a writer
	// with foreign keys off (sqlite3's default) may.
	conn, err := a.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		"PRAGMA foreign_keys = OFF",
		`INSERT INTO versions (page_pk, version, content_hash, snapshot, parser_version, capture_id, first_seen, last_seen, checks)
			SELECT page_pk, 3, 'sha256:three', snapshot, parser_version, 1000, '2031-01-01T00:00:00.000000000Z', '2031-01-01T00:00:00.000000000Z', 1
			FROM versions WHERE version = 2`,
		`INSERT INTO captures (capture_id, page_pk, source, started, duration, response_id, outcome, suspect, version)
			SELECT 1000, page_pk, 'live', 1924992000000000000, 0, response_id, 'changed', 'written after its version', 3
			FROM captures WHERE version = 2 AND outcome = 'changed'`,
		// An unchanged check of it, the same way: it is not the version's capture.
		`INSERT INTO captures (capture_id, page_pk, source, started, duration, response_id, outcome, suspect, version)
			SELECT 1001, page_pk, 'live', 1924992100000000000, 0, response_id, 'unchanged', 'not the first', 3
			FROM captures WHERE capture_id = 1000`,
		"PRAGMA foreign_keys = ON",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	var suspect string
	if err := a.db.QueryRow(`SELECT suspect FROM version_facts WHERE version = 3`).Scan(&suspect); err != nil || suspect != "written after its version" {
		t.Errorf("version 3's suspect in version_facts = %q, %v; want its capture's", suspect, err)
	}
}

// eachRowDB runs a query on the archive outside a transaction.
func eachRowDB(a *Archive, q string, scan func(*sql.Rows) error) error {
	rows, err := a.db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
