package archive

import "strings"

// The queries behind the history commands (show --at, log, diff, search,
// pages). Health (last check, failures in a row, validators) counts live
// captures only: a Wayback capture or an imported file is not a check.
// versions.checks, like first_seen and last_seen, counts every successful
// capture of the version, whatever its source (see README, relwatch log). Each must be answered from an index on its page, so that its cost
// does not grow with other pages' history; TestQueryPlans holds them to it.
const (
	// qPages is every page with its latest version, its latest live check
	// (and that check's error), its latest successful live check and the
	// live checks since that one (its failure streak), ordered by id and
	// language.
	qPages = `SELECT p.id, p.lang, p.url, p.canonical_url,
			v.version, v.content_hash, v.updated_raw, v.first_seen,
			lc.started, lc.outcome, lc.error_kind || CASE WHEN lc.error_kind != '' AND lc.error_message != '' THEN ': ' ELSE '' END || lc.error_message,
			gc.started,
			(SELECT count(*) FROM captures WHERE page_pk = p.page_pk AND capture_id > coalesce(gc.capture_id, 0) AND source = 'live')
		FROM pages p
		LEFT JOIN versions v ON v.page_pk = p.page_pk
			AND v.version = (SELECT max(version) FROM versions WHERE page_pk = p.page_pk)
		LEFT JOIN captures lc ON lc.capture_id = (SELECT capture_id FROM captures
			WHERE page_pk = p.page_pk AND source = 'live' ORDER BY capture_id DESC LIMIT 1)
		LEFT JOIN captures gc ON gc.capture_id = (SELECT capture_id FROM captures
			WHERE page_pk = p.page_pk AND source = 'live' AND outcome != 'failed' ORDER BY capture_id DESC LIMIT 1)
		ORDER BY p.id, p.lang`
	qPagePK   = `SELECT page_pk FROM pages WHERE id = ? AND lang = ?`
	qVersions = `SELECT version, content_hash, first_seen, last_seen, checks,
		updated_raw, updated_on, updated_at, parser_version, suspect,
		summary, stamp_only, parser_change, window_start,
		source, final_url, original_url, origin
		FROM version_facts WHERE page_pk = ? ORDER BY version`
	// qVersionsOld reads an archive older than schema 4 (read-only).
	qVersionsOld = `SELECT v.version, v.content_hash, v.first_seen, v.last_seen, v.checks,
		v.updated_raw, v.updated_on, v.updated_at, v.parser_version, c.suspect,
		ch.summary, ch.stamp_only, ch.parser_change, ch.window_start,
		c.source, c.final_url, c.original_url, c.origin
		FROM versions v
		JOIN captures c ON c.capture_id = v.capture_id
		LEFT JOIN changes ch ON ch.page_pk = v.page_pk AND ch.to_version = v.version
		WHERE v.page_pk = ? ORDER BY v.version`
	qSnapshot       = `SELECT version, snapshot, parser_version, first_seen, last_seen FROM versions WHERE page_pk = ? AND version = ?`
	qSnapshotLatest = `SELECT version, snapshot, parser_version, first_seen, last_seen FROM versions WHERE page_pk = ? ORDER BY version DESC LIMIT 1`
	qSnapshotAt     = `SELECT version, snapshot, parser_version, first_seen, last_seen
		FROM versions WHERE page_pk = ? AND first_seen <= ? ORDER BY first_seen DESC, version DESC LIMIT 1`
	// qValidators reads the latest good live capture and the version it
	// saw; qMaxVersion the page's latest version. Validators are only worth
	// sending when the two agree (see Archive.Validators).
	qValidators = `SELECT r.headers, c.version FROM captures c JOIN responses r ON r.response_id = c.response_id
		WHERE c.page_pk = ? AND c.source = 'live' AND c.outcome != 'failed' ORDER BY c.capture_id DESC LIMIT 1`
	// qValidatorsOld reads an archive older than schema 5 (read-only).
	qValidatorsOld = `SELECT headers, version FROM captures WHERE page_pk = ? AND source = 'live' AND outcome != 'failed'
		ORDER BY capture_id DESC LIMIT 1`
	qMaxVersion = `SELECT max(version) FROM versions WHERE page_pk = ?`
	qProvenance = `SELECT c.source, r.final_url, c.original_url, c.origin
		FROM versions v JOIN captures c ON c.capture_id = v.capture_id JOIN responses r ON r.response_id = c.response_id
		WHERE v.page_pk = ? AND v.version = ?`
	// qProvenanceOld reads an archive older than schema 5 (read-only).
	qProvenanceOld = `SELECT c.source, c.final_url, c.original_url, c.origin
		FROM versions v JOIN captures c ON c.capture_id = v.capture_id WHERE v.page_pk = ? AND v.version = ?`
	// qPastCaptures lists a page's captures from one source (backfill, import).
	qPastCaptures = `SELECT c.started, c.source, c.original_url, c.original_digest, c.origin,
			coalesce(b.digest, ''), r.content_type, c.outcome, c.error_kind || CASE WHEN c.error_message != '' THEN ': ' || c.error_message ELSE '' END
		FROM captures c JOIN responses r ON r.response_id = c.response_id LEFT JOIN raw_bodies b ON b.body_id = c.body_id
		WHERE c.page_pk = ? AND c.source = ? ORDER BY c.started, c.capture_id`
	qCaptures = `SELECT c.capture_id, c.source, c.started, c.duration, r.status, r.final_url, r.canonical_url,
			r.content_type, r.headers, c.http_date, coalesce(b.digest, ''), c.outcome, c.error_kind, c.error_message,
			c.suspect, c.version, c.original_url, c.original_digest, c.origin, c.retrieved
		FROM captures c JOIN responses r ON r.response_id = c.response_id LEFT JOIN raw_bodies b ON b.body_id = c.body_id
		WHERE c.page_pk = ? ORDER BY c.capture_id`
	qPastCapturesOld = `SELECT started, source, original_url, original_digest, origin,
			coalesce(body_digest, ''), content_type, outcome, error_kind || CASE WHEN error_message != '' THEN ': ' || error_message ELSE '' END
		FROM captures WHERE page_pk = ? AND source = ? ORDER BY started, capture_id`
	qChange = `SELECT diff, summary, stamp_only, parser_change, window_start FROM changes
		WHERE page_pk = ? AND to_version = ?`
	qBlockVersions = `SELECT bv.version, v.first_seen, v.last_seen
		FROM block_versions bv JOIN versions v ON v.page_pk = bv.page_pk AND v.version = bv.version
		WHERE bv.block_id = ? ORDER BY bv.version`
	qFindBlock = `SELECT block_id FROM text_blocks WHERE page_pk = ? AND kind = ? AND path = ? AND text = ?`
)

// qVersionsPacked is qVersions with each row's columns joined into one
// value, NULL as "", separated by packSep (see unpackVersion): from
// schema 10 the stored column version_facts.packed, before it the same
// value joined as the rows are read (qVersionsPacked9). Read through
// database/sql, each value costs a call into the driver, two locks and
// an allocation: 18 values × 5,000 versions were most of the time of log;
// one value a row costs a fifth, and a stored one a third of that again.
const qVersionsPacked = `SELECT packed FROM version_facts WHERE page_pk = ? ORDER BY version`

// qVersionsPacked9 is qVersionsPacked on an archive of schema 4 to 9
// (read-only, before a writing command migrates it).
var qVersionsPacked9 = `SELECT ` + packedExpr + ` FROM version_facts WHERE page_pk = ? ORDER BY version`

// packedExpr joins the columns of qVersions, in its order, with char(31)
// (packSep), NULL as "".
var packedExpr = func() string {
	var cols []string
	for _, c := range strings.Fields(packedCols) {
		cols = append(cols, "ifnull("+c+", '')")
	}
	return strings.Join(cols, " || char(31) || ")
}()

// packSep separates the fields of a qVersionsPacked row (char(31) there).
// A field that holds it (a URL or a file name could) makes the row read
// back with too many fields: the page is then read column by column.
const packSep = "\x1f"

// packedCols are the columns of qVersions, in its order.
const packedCols = `version content_hash first_seen last_seen checks updated_raw updated_on updated_at parser_version suspect summary stamp_only parser_change window_start source final_url original_url origin`
