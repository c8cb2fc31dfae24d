package archive

import (
	"context"
	"database/sql"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

var _ relwatch.TimelineReader = (*Archive)(nil)

// qVersionMarks reads what a timeline needs of every version: four small
// columns of version_facts, no summary to decode.
const qVersionMarks = `SELECT version, content_hash, first_seen, coalesce(parser_change, 0)
	FROM version_facts WHERE page_pk = ? ORDER BY version`

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

// VersionMarks lists the marks of every version of a page, oldest first.
func (a *Archive) VersionMarks(ctx context.Context, page snapshots.PageKey) ([]relwatch.VersionMark, error) {
	var out []relwatch.VersionMark
	err := a.readTx(ctx, "list version marks", func(tx *sql.Tx) error {
		if a.schema < 4 {
			// Read-only on an older archive: no version_facts.
			vs, err := a.versionsTx(ctx, tx, page)
			for _, v := range vs {
				out = append(out, relwatch.VersionMark{Version: v.Version, ContentHash: v.ContentHash, FirstSeen: v.FirstSeen, ParserChange: v.ParserChange})
			}
			return err
		}
		pk, err := pagePK(ctx, tx, page)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, qVersionMarks, pk)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m relwatch.VersionMark
			var first string
			if err := rows.Scan(&m.Version, &m.ContentHash, &first, &m.ParserChange); err != nil {
				return err
			}
			if m.FirstSeen, err = parseTime(first); err != nil {
				return fail(relwatch.ErrCorrupt, "version %d of %s has a bad first_seen", m.Version, page)
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}
