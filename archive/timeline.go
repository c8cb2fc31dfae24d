package archive

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

var _ relwatch.TimelineReader = (*Archive)(nil)

// The queries of TimelineSummary, each one pass over the page's
// version_facts rows inside SQLite, returning a few rows.
const (
	qChangesPerYear = `SELECT count(*), 0 FROM version_facts WHERE page_pk = ?
		UNION ALL SELECT count(*), CAST(substr(first_seen, 1, 4) AS INTEGER) FROM version_facts
		WHERE page_pk = ? AND version > 1 AND NOT coalesce(parser_change, 0) GROUP BY 2`
	qRepeats = `SELECT content_hash, group_concat(version) FROM
		(SELECT content_hash, version FROM version_facts WHERE page_pk = ? ORDER BY version)
		GROUP BY content_hash HAVING count(*) > 1`
)

// VersionRange is Versions from version from to version to, inclusive,
// read without decoding the page's other versions.
func (a *Archive) VersionRange(ctx context.Context, page snapshots.PageKey, from, to int) ([]relwatch.VersionInfo, error) {
	f := versionFilter{
		cond: "version BETWEEN ? AND ?", args: []any{from, to},
		keep: func(v relwatch.VersionInfo) bool { return v.Version >= from && v.Version <= to },
	}
	var out []relwatch.VersionInfo
	err := a.readTx(ctx, "list versions", func(tx *sql.Tx) (err error) {
		out, err = a.someVersionsTx(ctx, tx, page, f)
		return err
	})
	return out, err
}

// TimelineSummary counts a page's versions and its changes per year, and
// lists the content hashes it came back to, without reading every version.
func (a *Archive) TimelineSummary(ctx context.Context, page snapshots.PageKey) (relwatch.TimelineSummary, error) {
	sum := relwatch.TimelineSummary{ChangesPerYear: map[int]int{}, Repeats: map[string][]int{}}
	err := a.readTx(ctx, "summarise versions", func(tx *sql.Tx) error {
		if a.schema < 4 {
			// Read-only on an older archive: no version_facts.
			vs, err := a.versionsTx(ctx, tx, page)
			sum = relwatch.SummarizeVersions(vs)
			return err
		}
		pk, err := pagePK(ctx, tx, page)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, qChangesPerYear, pk, pk)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n, year int
			if err := rows.Scan(&n, &year); err != nil {
				return err
			}
			if year == 0 {
				sum.Versions = n
			} else {
				sum.ChangesPerYear[year] = n
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, qRepeats, pk)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var hash, list string
			if err := rows.Scan(&hash, &list); err != nil {
				return err
			}
			for _, f := range strings.Split(list, ",") {
				n, err := strconv.Atoi(f)
				if err != nil {
					return fail(relwatch.ErrCorrupt, "%s: bad version number %q", page, f)
				}
				sum.Repeats[hash] = append(sum.Repeats[hash], n)
			}
			slices.Sort(sum.Repeats[hash])
		}
		return rows.Err()
	})
	return sum, err
}
