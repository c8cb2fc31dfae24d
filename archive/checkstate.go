package archive

import (
	"context"
	"encoding/json"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// qCheckStates reads, for each page of a JSON list of [id, lang] pairs,
// its latest version (content hash, parse key, update stamp) and its latest
// successful live capture (headers, the version it saw): one
// statement for a whole run, each page reached through its indexes.
const qCheckStates = `SELECT p.id, p.lang,
		coalesce(v.version, 0), coalesce(v.content_hash, ''), coalesce(v.parse_key, ''), coalesce(v.updated_raw, ''),
		coalesce(r.headers, ''), coalesce(c.version, 0)
	FROM json_each(?) k
	JOIN pages p ON p.id = json_extract(k.value, '$[0]') AND p.lang = json_extract(k.value, '$[1]')
	LEFT JOIN versions v ON v.page_pk = p.page_pk
		AND v.version = (SELECT max(version) FROM versions WHERE page_pk = p.page_pk)
	LEFT JOIN captures c ON c.capture_id = (SELECT capture_id FROM captures
		WHERE page_pk = p.page_pk AND source = 'live' AND outcome != 'failed' ORDER BY capture_id DESC LIMIT 1)
	LEFT JOIN responses r ON r.response_id = c.response_id`

// CheckStates reads what a live check of each page needs: its validators
// and its latest version (relwatch.CheckState), in one statement.
func (a *Archive) CheckStates(ctx context.Context, pages []snapshots.PageKey) (map[snapshots.PageKey]relwatch.CheckState, error) {
	states := make(map[snapshots.PageKey]relwatch.CheckState, len(pages))
	if a.schema < 8 {
		// Read-only on an older archive: no parse keys, every body is
		// parsed; the validators are read page by page.
		for _, page := range pages {
			etag, lastModified, err := a.validators(ctx, page)
			if err != nil {
				return nil, err
			}
			states[page] = relwatch.CheckState{ETag: etag, LastModified: lastModified}
		}
		return states, nil
	}
	keys := make([][2]string, len(pages))
	for i, p := range pages {
		keys[i] = [2]string{p.ID, p.Lang}
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	rows, err := a.db.QueryContext(ctx, qCheckStates, string(list))
	if err != nil {
		return nil, a.wrap("read the pages' latest versions", err)
	}
	defer rows.Close()
	for rows.Next() {
		page, st, err := relwatch.ScanCheckState(rows.Scan)
		if err != nil {
			return nil, a.wrap("read the pages' latest versions", err)
		}
		states[page] = st
	}
	if err := rows.Err(); err != nil {
		return nil, a.wrap("read the pages' latest versions", err)
	}
	return states, nil
}
