package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// timeFormat is RFC 3339 in UTC with a fixed nine-digit fraction, so that
// text order is time order in SQL.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// unixNano reads a capture time as schema 5 stores it (started, retrieved).
func unixNano(n int64) time.Time { return time.Unix(0, n).UTC() }

// captureTime reads captures.started of any schema: Unix nanoseconds from
// schema 5 on, fixed-width text before.
func captureTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case int64:
		return unixNano(x), nil
	case string:
		return parseTime(x)
	case []byte:
		return parseTime(string(x))
	}
	return time.Time{}, fmt.Errorf("bad capture time %v", v)
}

// body is a raw body ready to store: its digest, and its compressed bytes
// unless the archive already has it.
type body struct {
	digest      string
	size        int
	gz          []byte        // gzip of the body, or of its delta against base
	compression string        // "gzip" or "delta"
	base        sql.NullInt64 // for a delta, the body_id of its base
	id          sql.NullInt64 // set when the archive already has the body
}

// querier is the *sql.DB or the *sql.Tx a body is looked up through.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// prepareBody finds or compresses a raw body, looking it up through q (the
// archive, or the transaction of the group the body comes with).
//
// The body of a new version (newVersion) is stored as a delta against the
// page's latest whole body when that is smaller (see delta.go); the delta
// is gzipped at relwatch.GzipSmall (it is small, so that is cheap). Whole
// bodies are gzipped at relwatch.GzipFast: the default level took four times as
// long for 10 % less on a 94 KB page, and whole bodies are few (a page's
// first, then those a delta does not beat). A body that comes with an
// unchanged check or a failure (the page embeds a fresh token; an error
// page) is always stored whole.
//
// digest is relwatch.BodyDigest(raw) and gz relwatch.Gzip(raw,
// relwatch.GzipFast) when the caller worked them out already (off the
// writer), or "" and nil.
func (a *Archive) prepareBody(ctx context.Context, q querier, page snapshots.PageKey, raw []byte, digest string, gz []byte, newVersion bool) (*body, error) {
	if raw == nil {
		return nil, nil
	}
	if digest == "" {
		digest = relwatch.BodyDigest(raw)
	}
	b := &body{digest: digest, size: len(raw), compression: "gzip"}
	// Bodies are never deleted and keep their id: one found now is there
	// when the capture is written.
	err := q.QueryRowContext(ctx, "SELECT body_id FROM raw_bodies WHERE digest = ?", b.digest).Scan(&b.id)
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, a.wrap("look up raw body", err)
	}
	whole := func() []byte {
		if gz != nil {
			return gz
		}
		return relwatch.Gzip(raw, relwatch.GzipFast)
	}
	if !newVersion {
		b.gz = whole()
		return b, nil
	}
	baseID, base, err := a.deltaBase(ctx, q, page)
	if err != nil {
		return nil, err
	}
	var delta []byte
	if base != nil {
		delta = relwatch.Gzip(encodeDelta(base, raw), relwatch.GzipSmall)
		if len(delta) < len(raw)/20 { // far below what gzip makes of HTML (about 1/8): no need to compare
			b.gz, b.compression, b.base = delta, "delta", sql.NullInt64{Int64: baseID, Valid: true}
			return b, nil
		}
	}
	b.gz = whole()
	if delta != nil && len(delta) < len(b.gz) {
		b.gz, b.compression, b.base = delta, "delta", sql.NullInt64{Int64: baseID, Valid: true}
	}
	return b, nil
}

// deltaBase is the whole body a new body of the page may be a delta
// against: the base of the body of its latest capture that kept one, or
// that body itself. nil when there is none, or it does not read back.
func (a *Archive) deltaBase(ctx context.Context, q querier, page snapshots.PageKey) (int64, []byte, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT coalesce(b.base_id, b.body_id)
		FROM captures c JOIN raw_bodies b ON b.body_id = c.body_id
		WHERE c.page_pk = (SELECT page_pk FROM pages WHERE id = ? AND lang = ?) AND c.body_id IS NOT NULL
		ORDER BY c.capture_id DESC LIMIT 1`, page.ID, page.Lang).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, a.wrap("look up raw body", err)
	}
	var sb storedBody
	if err := sb.scan(q.QueryRowContext(ctx, qBody+`b.body_id = ?`, id)); err != nil {
		return 0, nil, a.wrap("read raw body", err)
	}
	raw, err := sb.decode()
	if err != nil || sb.compression != "gzip" {
		return 0, nil, nil // store the new body whole; Check reports a bad one
	}
	return id, raw, nil
}

// write runs fn in one IMMEDIATE transaction.
func (a *Archive) write(ctx context.Context, doing string, fn func(tx *sql.Tx) error) error {
	if a.mode != ReadWrite {
		return fmt.Errorf("%s: archive %s is open read-only", doing, a.path)
	}
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return a.wrap(doing, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return a.wrap(doing, err)
	}
	crashPoint(doing, "before-commit")
	if err := tx.Commit(); err != nil {
		return a.wrap(doing, err)
	}
	crashPoint(doing, "after-commit")
	return nil
}

// upsertPage records the page and its current URLs and returns its key.
func upsertPage(ctx context.Context, tx *sql.Tx, c *relwatch.Capture) (int64, error) {
	if c.Page.ID == "" || c.Page.Lang == "" {
		return 0, fmt.Errorf("capture page %q: id and lang are required", c.Page)
	}
	var pk int64
	err := tx.QueryRowContext(ctx, `INSERT INTO pages (id, lang, url, canonical_url) VALUES (?, ?, ?, ?)
		ON CONFLICT (id, lang) DO UPDATE SET
			url = CASE WHEN excluded.url = '' THEN url ELSE excluded.url END,
			canonical_url = CASE WHEN excluded.canonical_url = '' THEN canonical_url ELSE excluded.canonical_url END
		RETURNING page_pk`, c.Page.ID, c.Page.Lang, c.URL, c.CanonicalURL).Scan(&pk)
	return pk, err
}

// insertCapture stores the body (if new), the capture's response (if new)
// and the capture row.
func insertCapture(ctx context.Context, tx *sql.Tx, pk int64, c *relwatch.Capture, b *body, version any) (int64, error) {
	s := storedCapture{pk: pk, source: c.Source, outcome: c.Outcome, errorKind: c.ErrorKind,
		errorMessage: c.ErrorMessage, suspect: c.Suspect, originalURL: c.OriginalURL,
		originalDigest: c.OriginalDigest, origin: c.Origin}
	if s.source == "" {
		s.source = relwatch.SourceLive
	}
	if v, ok := version.(int); ok {
		s.version = sql.NullInt64{Int64: int64(v), Valid: true}
	}
	if !c.Retrieved.IsZero() {
		s.retrieved = sql.NullInt64{Int64: c.Retrieved.UnixNano(), Valid: true}
	}
	started, finished := c.Started, c.Finished
	if started.IsZero() {
		started = c.Seen()
	}
	if finished.IsZero() {
		finished = started
	}
	s.setTimes(started, finished)
	var err error
	if b != nil {
		if s.bodyID, err = storeBody(ctx, tx, b); err != nil {
			return 0, err
		}
	}
	s.resp = response{status: c.Status, finalURL: c.FinalURL, canonicalURL: c.CanonicalURL, contentType: c.ContentType}
	s.resp.headers, s.httpDate = splitDate(c.Header)
	rid, err := internResponse(ctx, tx, s.resp)
	if err != nil {
		return 0, err
	}
	return s.insert(ctx, tx, "captures", rid)
}

// storedCapture is a captures row as schema 5 stores it.
type storedCapture struct {
	id, pk                                    int64 // id 0: the next capture_id
	source                                    string
	started, duration                         int64 // Unix nanoseconds; finished - started
	resp                                      response
	httpDate                                  sql.NullInt64 // the Date header when splitDate took it out of resp.headers
	bodyID                                    sql.NullInt64
	outcome, errorKind, errorMessage, suspect string
	version                                   sql.NullInt64
	originalURL, originalDigest, origin       string
	retrieved                                 sql.NullInt64 // Unix nanoseconds
}

// response is what repeats from one capture of a page to the next, stored
// once in responses.
type response struct {
	status                                       int
	finalURL, canonicalURL, contentType, headers string // headers: JSON, keys sorted, maybe without Date
}

func (s *storedCapture) setTimes(started, finished time.Time) {
	s.started, s.duration = started.UnixNano(), finished.UnixNano()-started.UnixNano()
}

func (s *storedCapture) insert(ctx context.Context, tx *sql.Tx, table string, responseID int64) (int64, error) {
	var id any
	if s.id != 0 {
		id = s.id
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (capture_id, page_pk, source, started, duration,
			response_id, http_date, body_id, outcome, error_kind, error_message, suspect, version,
			original_url, original_digest, origin, retrieved)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, s.pk, s.source, s.started, s.duration, responseID, s.httpDate, s.bodyID, s.outcome,
		s.errorKind, s.errorMessage, s.suspect, s.version, s.originalURL, s.originalDigest, s.origin, s.retrieved)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// splitDate is relwatch.SplitDate with the date as a column value.
func splitDate(h map[string]string) (string, sql.NullInt64) {
	hj, date := relwatch.SplitDate(h)
	if date == nil {
		return hj, sql.NullInt64{}
	}
	return hj, sql.NullInt64{Int64: *date, Valid: true}
}

// joinDate is relwatch.JoinDate of a column value.
func joinDate(headers string, date sql.NullInt64) (map[string]string, error) {
	if !date.Valid {
		return relwatch.JoinDate(headers, nil)
	}
	return relwatch.JoinDate(headers, &date.Int64)
}

// internResponse returns the id of r in responses, adding it if new.
func internResponse(ctx context.Context, tx *sql.Tx, r response) (int64, error) {
	const find = `SELECT response_id FROM responses
		WHERE final_url = ? AND status = ? AND content_type = ? AND headers = ? AND canonical_url = ?`
	args := []any{r.finalURL, r.status, r.contentType, r.headers, r.canonicalURL}
	var id int64
	err := tx.QueryRowContext(ctx, find, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `INSERT INTO responses (final_url, status, content_type, headers, canonical_url)
			VALUES (?, ?, ?, ?, ?) RETURNING response_id`, args...).Scan(&id)
	}
	return id, err
}

// storeBody stores a raw body unless the archive has it, and returns its id.
func storeBody(ctx context.Context, tx *sql.Tx, b *body) (sql.NullInt64, error) {
	if b.id.Valid {
		return b.id, nil
	}
	// A body added since prepareBody looked (another writer, or an earlier
	// capture of the same run) is not inserted again, and its id is read.
	var id sql.NullInt64
	err := tx.QueryRowContext(ctx, `INSERT INTO raw_bodies (digest, size, compression, base_id, data)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING body_id`, b.digest, b.size, b.compression, b.base, b.gz).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT body_id FROM raw_bodies WHERE digest = ?`, b.digest).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return id, fmt.Errorf("raw body %s: %w", b.digest, relwatch.ErrNotFound)
	}
	return id, err
}

// RecordFailure records a failed fetch attempt. The raw body, if any (an
// error page), is kept like any other.
func (a *Archive) RecordFailure(ctx context.Context, c relwatch.Capture) error {
	b, err := a.prepareBody(ctx, a.db, c.Page, c.Body, c.BodyDigest, c.BodyGzip, false)
	if err != nil {
		return err
	}
	c.Outcome = relwatch.OutcomeFailed
	return a.write(ctx, "record failure", func(tx *sql.Tx) error {
		page := upsertPage
		if relwatch.IsPastCapture(c) {
			page = ensurePage // a past capture leaves the page's URLs alone
		}
		pk, err := page(ctx, tx, &c)
		if err != nil {
			return err
		}
		if _, err = insertCapture(ctx, tx, pk, &c, b, nil); err != nil {
			return err
		}
		return putEvents(ctx, tx, pk, c.Events, 0)
	})
}

// RecordUnchanged records a capture that saw an existing version and moves
// that version's last_seen forward. The search index is not touched.
func (a *Archive) RecordUnchanged(ctx context.Context, c relwatch.Capture, version int) error {
	_, err := a.RecordGroup(ctx, []relwatch.Checked{{Capture: c, Version: version}})
	return err
}

// RecordGroup records checks, unchanged ones and new versions, in one
// transaction, in the order given (relwatch.RecordGroup): one commit, one
// sync to disk, and one write of the search index for all of them.
func (a *Archive) RecordGroup(ctx context.Context, checks []relwatch.Checked) ([]int, error) {
	if len(checks) == 0 {
		return nil, nil
	}
	if err := relwatch.GroupSealedError(checks); err != nil {
		return nil, err
	}
	g, err := a.beginGroup(ctx)
	if err != nil {
		return nil, err
	}
	defer g.Rollback()
	for _, ch := range checks {
		if err := g.Add(ch); err != nil {
			return nil, err
		}
	}
	return g.Commit()
}

var _ relwatch.GroupBeginner = (*Archive)(nil)

// BeginGroup starts a group of checks written as they come
// (relwatch.GroupBeginner): its transaction takes the write lock now and
// keeps it until Commit or Rollback, so that a run's writer has only the
// commit left to do when its last check comes in.
func (a *Archive) BeginGroup(ctx context.Context) (relwatch.GroupTx, error) {
	return a.beginGroup(ctx)
}

// What a group's errors and crash points are named after: a group with a
// new version records versions.
const (
	doingUnchanged = "record unchanged capture"
	doingVersion   = "record version"
)

func (a *Archive) beginGroup(ctx context.Context) (*openGroup, error) {
	if a.mode != ReadWrite {
		return nil, fmt.Errorf("%s: archive %s is open read-only", doingUnchanged, a.path)
	}
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, a.wrap(doingUnchanged, err)
	}
	return &openGroup{a: a, ctx: ctx, tx: tx, fts: &ftsBatch{}, doing: doingUnchanged}, nil
}

// openGroup is a group of checks in its open transaction: each check's
// raw body is looked up (or compressed) and its rows written as it is
// added; the search-index rows wait for the commit (ftsBatch).
type openGroup struct {
	a        *Archive
	ctx      context.Context
	tx       *sql.Tx
	fts      *ftsBatch
	bodies   []*body // the checks' prepared raw bodies, as groupWriter reads them
	versions []int
	doing    string
	done     bool // committed or rolled back
}

func (g *openGroup) Add(ch relwatch.Checked) error {
	if g.done {
		return fmt.Errorf("%s: the group is committed or rolled back already", g.doing)
	}
	if err := relwatch.GroupSealedError([]relwatch.Checked{ch}); err != nil {
		return err
	}
	doing := doingUnchanged
	if ch.New != nil {
		doing, g.doing = doingVersion, doingVersion
	}
	c := &ch.Capture
	b, err := g.a.prepareBody(g.ctx, g.tx, c.Page, c.Body, c.BodyDigest, c.BodyGzip, ch.New != nil)
	if err != nil {
		return err
	}
	g.bodies = append(g.bodies, b)
	w := groupWriter{ctx: g.ctx, tx: g.tx, bodies: g.bodies, fts: g.fts}
	v, err := relwatch.RecordCheck(w, len(g.bodies)-1, ch)
	if err != nil {
		return g.a.wrap(doing, err)
	}
	g.versions = append(g.versions, v)
	return nil
}

func (g *openGroup) Commit() ([]int, error) {
	if g.done {
		return nil, fmt.Errorf("%s: the group is committed or rolled back already", g.doing)
	}
	g.done = true
	defer g.tx.Rollback()
	if err := g.fts.flush(g.ctx, g.tx); err != nil {
		return nil, g.a.wrap(g.doing, err)
	}
	crashPoint(g.doing, "before-commit")
	if err := g.tx.Commit(); err != nil {
		return nil, g.a.wrap(g.doing, err)
	}
	crashPoint(g.doing, "after-commit")
	return g.versions, nil
}

func (g *openGroup) Rollback() {
	if !g.done {
		g.done = true
		g.tx.Rollback()
	}
}

// groupWriter is RecordGroup's transaction (see relwatch.GroupRecorder):
// bodies are the checks' prepared raw bodies, fts the search-index rows
// the transaction writes last.
type groupWriter struct {
	ctx    context.Context
	tx     *sql.Tx
	bodies []*body
	fts    *ftsBatch
}

func (w groupWriter) Unchanged(i int, c *relwatch.Capture, version int) error {
	return insertUnchanged(w.ctx, w.tx, c, w.bodies[i], version)
}

func (w groupWriter) Page(i int, c *relwatch.Capture) (relwatch.VersionRecorder, error) {
	pk, err := upsertPage(w.ctx, w.tx, c)
	if err != nil {
		return nil, err
	}
	return versionRecorder{timelineWriter{w.ctx, w.tx, pk}, w.bodies[i], w.fts}, nil
}

// insertUnchanged is one unchanged check: its capture row, its events, and
// the version's checks, last_seen and (when the capture was parsed) parse
// key.
func insertUnchanged(ctx context.Context, tx *sql.Tx, c *relwatch.Capture, b *body, version int) error {
	c.Outcome = relwatch.OutcomeUnchanged
	pk, err := upsertPage(ctx, tx, c)
	if err != nil {
		return err
	}
	if _, err := insertCapture(ctx, tx, pk, c, b, version); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE versions SET checks = checks + 1, last_seen = max(last_seen, ?),
			parse_key = coalesce(?, parse_key)
		WHERE page_pk = ? AND version = ?`, fmtTime(c.Seen()), nullable(c.ParseKey), pk, version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("page %s has no version %d: %w", c.Page, version, relwatch.ErrNotFound)
	}
	return putEvents(ctx, tx, pk, c.Events, 0)
}

// RecordVersion stores a new version of the page: the capture, its raw body,
// the version (numbered latest+1) and, from version 2 on, the change from
// the previous version. A nil change stores a null diff, but still the
// window in which the edit happened. snap must be sealed. It returns the
// new version number.
func (a *Archive) RecordVersion(ctx context.Context, c relwatch.Capture, snap snapshots.Snapshot, parserVersion int, change *relwatch.ChangeRecord) (int, error) {
	versions, err := a.RecordGroup(ctx, []relwatch.Checked{{Capture: c, New: &relwatch.NewVersion{Snap: snap, ParserVersion: parserVersion, Change: change}}})
	if err != nil {
		return 0, err
	}
	return versions[0], nil
}

// versionRecorder is RecordVersion's page in its transaction (see
// relwatch.VersionRecorder); b is the capture's prepared raw body, fts
// the search-index rows the transaction writes last.
type versionRecorder struct {
	timelineWriter
	b   *body
	fts *ftsBatch
}

func (w versionRecorder) IndexVersion(v int, snap *snapshots.Snapshot) error {
	return indexVersion(w.ctx, w.tx, w.pk, v, snap, w.fts)
}

func (w versionRecorder) Latest() (int, *time.Time, string, error) {
	var prev int
	var prevLastSeen, prevStamp sql.NullString
	err := w.tx.QueryRowContext(w.ctx, `SELECT version, last_seen, updated_raw FROM versions
		WHERE page_pk = ? ORDER BY version DESC LIMIT 1`, w.pk).Scan(&prev, &prevLastSeen, &prevStamp)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, "", nil
	}
	if err != nil {
		return 0, nil, "", err
	}
	var lastSeen *time.Time
	if prevLastSeen.Valid {
		t, err := parseTime(prevLastSeen.String)
		if err != nil {
			return 0, nil, "", fail(relwatch.ErrCorrupt, "version %d: bad last_seen %q", prev, prevLastSeen.String)
		}
		lastSeen = &t
	}
	return prev, lastSeen, prevStamp.String, nil
}

func (w versionRecorder) InsertCapture(c *relwatch.Capture, version int) (int64, error) {
	return insertCapture(w.ctx, w.tx, w.pk, c, w.b, version)
}

func (w versionRecorder) PutEvents(events []relwatch.Event, version int) error {
	return putEvents(w.ctx, w.tx, w.pk, events, version)
}

// putVersion inserts a version row. The stored JSON leaves out what the
// row's columns hold (version number, first and last seen), and is
// gzip-compressed (schema 5; see decodeSnapshot).
func putVersion(ctx context.Context, tx *sql.Tx, pk int64, version int, captureID int64, snap snapshots.Snapshot,
	parserVersion int, parseKey string, first, last time.Time, checks int) error {
	snap = relwatch.StoredSnapshot(snap, parserVersion)
	_, err := tx.ExecContext(ctx, `INSERT INTO versions (page_pk, version, content_hash, snapshot, parser_version,
			capture_id, first_seen, last_seen, checks, updated_raw, updated_on, updated_at, parse_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pk, version, snap.ContentHash, relwatch.Gzip(snapshots.Marshal(snap), relwatch.GzipSmall), parserVersion, captureID,
		fmtTime(first), fmtTime(last), checks,
		nullable(string(snap.UpdatedRaw)), nullable(string(snap.UpdatedOn)), nullable(string(snap.UpdatedAt)), nullable(parseKey))
	return err
}

// putChange inserts the change from version-1 into version.
func putChange(ctx context.Context, tx *sql.Tx, pk int64, version int, change *relwatch.ChangeRecord, observed time.Time,
	windowStart *string, stampBefore, stampAfter string) error {
	sj, diff, err := relwatch.ChangeColumns(change)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO changes (page_pk, from_version, to_version, diff, summary,
			stamp_only, parser_change, observed, window_start, stamp_before, stamp_after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pk, version-1, version, diff, sj, change.StampOnly, change.ParserChange, fmtTime(observed),
		windowStart, nullable(stampBefore), nullable(stampAfter))
	return err
}

// decodeSnapshot reads versions.snapshot: gzip-compressed JSON (a blob,
// from schema 5 on) or the JSON text that older rows hold.
func decodeSnapshot(stored []byte) (snapshots.Snapshot, error) {
	js, err := snapshotJSON(stored)
	if err != nil {
		return snapshots.Snapshot{}, err
	}
	return snapshots.Unmarshal(js)
}

// snapshotJSON is the JSON of a stored snapshot (see decodeSnapshot).
func snapshotJSON(stored []byte) ([]byte, error) {
	if len(stored) < 2 || stored[0] != 0x1f || stored[1] != 0x8b {
		return stored, nil
	}
	js, err := relwatch.Gunzip(stored, -1)
	if err != nil {
		return nil, fmt.Errorf("snapshot does not decompress: %v", err)
	}
	return js, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
