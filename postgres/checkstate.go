package postgres

import (
	"context"
	"fmt"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// qCheckStates reads, for each page of two parallel arrays of ids and
// languages, its latest version (content hash, parse key, update stamp)
// and its latest successful live capture (headers, the version it saw): one statement for a whole run. %s is the parse key's column.
const qCheckStates = `SELECT p.id, p.lang,
		coalesce(v.version, 0), coalesce(v.content_hash, ''), coalesce(v.parse_key, ''), coalesce(v.updated_raw, ''),
		coalesce(c.headers, ''), coalesce(c.version, 0)
	FROM unnest($1::text[], $2::text[]) AS k(id, lang)
	JOIN pages p ON p.id = k.id AND p.lang = k.lang
	LEFT JOIN LATERAL (SELECT version, content_hash, %s, updated_raw FROM versions
		WHERE page_pk = p.page_pk ORDER BY version DESC LIMIT 1) v ON true
	LEFT JOIN LATERAL (SELECT r.headers, c.version FROM captures c JOIN responses r ON r.response_id = c.response_id
		WHERE c.page_pk = p.page_pk AND c.source = 'live' AND c.outcome != 'failed' ORDER BY c.capture_id DESC LIMIT 1) c ON true`

// CheckStates reads what a live check of each page needs: its validators
// and its latest version (relwatch.CheckState), in one statement.
func (a *Archive) CheckStates(ctx context.Context, pages []snapshots.PageKey) (map[snapshots.PageKey]relwatch.CheckState, error) {
	q := fmt.Sprintf(qCheckStates, "parse_key")
	if a.schema < 4 {
		// Read-only on an older schema: no parse keys.
		q = fmt.Sprintf(qCheckStates, "NULL::text AS parse_key")
	}
	ids, langs := make([]string, len(pages)), make([]string, len(pages))
	for i, p := range pages {
		ids[i], langs[i] = p.ID, p.Lang
	}
	rows, err := a.pool.Query(ctx, q, ids, langs)
	if err != nil {
		return nil, a.wrap("read the pages' latest versions", err)
	}
	defer rows.Close()
	states := make(map[snapshots.PageKey]relwatch.CheckState, len(pages))
	for rows.Next() {
		page, st, err := relwatch.ScanCheckState(rows.Scan)
		if err != nil {
			return nil, a.wrap("read the pages' latest versions", err)
		}
		if a.schema < 4 {
			st.Latest = relwatch.LatestParse{} // nothing to skip a parse with
		}
		states[page] = st
	}
	if err := rows.Err(); err != nil {
		return nil, a.wrap("read the pages' latest versions", err)
	}
	return states, nil
}
