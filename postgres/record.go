package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// ns is a time as the archive stores it: Unix nanoseconds.
func ns(t time.Time) int64 { return t.UnixNano() }

// fromNS reads a stored time.
func fromNS(n int64) time.Time { return time.Unix(0, n).UTC() }

func fromNSPtr(n *int64) *time.Time {
	if n == nil {
		return nil
	}
	t := fromNS(*n)
	return &t
}

// body is a raw body ready to store: its digest, and its compressed bytes
// unless the archive already has it.
type body struct {
	digest string
	size   int
	gz     []byte
	id     *int64 // set when the archive already has the body
}

// prepareBody hashes and compresses outside the write transaction. The
// body of a new version is compressed at the default gzip level; one that
// comes with an unchanged check or a failure at BestSpeed, so that the
// check stays cheap (as the SQLite archive does; bodies are not stored as
// deltas here).
//
// digest is relwatch.BodyDigest(raw) when the caller worked it out already
// (off the writer), or "".
func (a *Archive) prepareBody(ctx context.Context, raw []byte, digest string, newVersion bool) (*body, error) {
	if raw == nil {
		return nil, nil
	}
	if digest == "" {
		digest = relwatch.BodyDigest(raw)
	}
	b := &body{digest: digest, size: len(raw)}
	var id int64
	err := a.pool.QueryRow(ctx, "SELECT body_id FROM raw_bodies WHERE digest = $1", b.digest).Scan(&id)
	if err == nil {
		b.id = &id
		return b, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, a.wrap("look up raw body", err)
	}
	level := relwatch.GzipFast
	if newVersion {
		level = relwatch.GzipSmall
	}
	b.gz = relwatch.Gzip(raw, level)
	return b, nil
}

// upsertPage records the page and its current URLs and returns its key.
// The upsert locks the page's row until the transaction ends: writes to
// one page, from any process, take their turn.
func upsertPage(ctx context.Context, tx pgx.Tx, c *relwatch.Capture) (int64, error) {
	if c.Page.ID == "" || c.Page.Lang == "" {
		return 0, fmt.Errorf("capture page %q: id and lang are required", c.Page)
	}
	var pk int64
	err := tx.QueryRow(ctx, `INSERT INTO pages AS p (id, lang, url, canonical_url) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id, lang) DO UPDATE SET
			url = CASE WHEN excluded.url = '' THEN p.url ELSE excluded.url END,
			canonical_url = CASE WHEN excluded.canonical_url = '' THEN p.canonical_url ELSE excluded.canonical_url END
		RETURNING page_pk`, c.Page.ID, c.Page.Lang, c.URL, c.CanonicalURL).Scan(&pk)
	return pk, err
}

// ensurePage returns the page's key, creating the page when it is new, and
// locks its row. A past capture never changes the URLs of a page that
// exists: those are the latest live ones.
func ensurePage(ctx context.Context, tx pgx.Tx, c *relwatch.Capture) (int64, error) {
	var pk int64
	err := tx.QueryRow(ctx, `SELECT page_pk FROM pages WHERE id = $1 AND lang = $2 FOR UPDATE`, c.Page.ID, c.Page.Lang).Scan(&pk)
	if errors.Is(err, pgx.ErrNoRows) {
		// A new page: its canonical URL is left for its first live
		// capture (a past capture's may be an old alias).
		page := *c
		page.CanonicalURL = ""
		return upsertPage(ctx, tx, &page)
	}
	return pk, err
}

// storedCapture is a captures row.
type storedCapture struct {
	id, pk                                    int64 // id 0: the next capture_id
	source                                    string
	started, duration                         int64
	resp                                      response
	httpDate                                  *int64
	bodyID                                    *int64
	outcome, errorKind, errorMessage, suspect string
	version                                   *int
	originalURL, originalDigest, origin       string
	retrieved                                 *int64
}

// response is what repeats from one capture of a page to the next, stored
// once in responses.
type response struct {
	status                                       int
	finalURL, canonicalURL, contentType, headers string
}

// identity is the responses.identity of r: a digest of all its columns.
func (r response) identity() string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%s", r.status, r.finalURL, r.canonicalURL, r.contentType, r.headers)
	return hex.EncodeToString(h.Sum(nil))
}

// insertCapture stores the body (if new), the capture's response (if new)
// and the capture row, and returns the capture's id.
func insertCapture(ctx context.Context, tx pgx.Tx, pk int64, c *relwatch.Capture, b *body, version *int) (int64, error) {
	s := storedCapture{pk: pk, source: c.Source, outcome: c.Outcome, errorKind: c.ErrorKind,
		errorMessage: c.ErrorMessage, suspect: c.Suspect, originalURL: c.OriginalURL,
		originalDigest: c.OriginalDigest, origin: c.Origin, version: version}
	if s.source == "" {
		s.source = relwatch.SourceLive
	}
	if !c.Retrieved.IsZero() {
		r := ns(c.Retrieved)
		s.retrieved = &r
	}
	started, finished := c.Started, c.Finished
	if started.IsZero() {
		started = c.Seen()
	}
	if finished.IsZero() {
		finished = started
	}
	s.started, s.duration = ns(started), ns(finished)-ns(started)
	if b != nil {
		id, err := storeBody(ctx, tx, b)
		if err != nil {
			return 0, err
		}
		s.bodyID = &id
	}
	s.resp = response{status: c.Status, finalURL: c.FinalURL, canonicalURL: c.CanonicalURL, contentType: c.ContentType}
	s.resp.headers, s.httpDate = relwatch.SplitDate(c.Header)
	rid, err := internResponse(ctx, tx, s.resp)
	if err != nil {
		return 0, err
	}
	return s.insert(ctx, tx, rid)
}

func (s *storedCapture) insert(ctx context.Context, tx pgx.Tx, responseID int64) (int64, error) {
	const cols = `page_pk, source, started, duration, response_id, http_date, body_id, outcome, error_kind,
		error_message, suspect, version, original_url, original_digest, origin, retrieved`
	args := []any{s.pk, s.source, s.started, s.duration, responseID, s.httpDate, s.bodyID, s.outcome,
		s.errorKind, s.errorMessage, s.suspect, s.version, s.originalURL, s.originalDigest, s.origin, s.retrieved}
	q := `INSERT INTO captures (` + cols + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING capture_id`
	if s.id != 0 {
		q = `INSERT INTO captures (capture_id, ` + cols + `) VALUES ($17, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING capture_id`
		args = append(args, s.id)
	}
	var id int64
	err := tx.QueryRow(ctx, q, args...).Scan(&id)
	return id, err
}

// internResponse returns the id of r in responses, adding it if new.
func internResponse(ctx context.Context, tx pgx.Tx, r response) (int64, error) {
	key := r.identity()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO responses (final_url, status, content_type, headers, canonical_url, identity)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (identity) DO NOTHING RETURNING response_id`,
		r.finalURL, r.status, r.contentType, r.headers, r.canonicalURL, key).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = tx.QueryRow(ctx, `SELECT response_id FROM responses WHERE identity = $1`, key).Scan(&id)
	}
	return id, err
}

// storeBody stores a raw body unless the archive has it, and returns its
// id. A body another writer added meanwhile is found, not added again.
func storeBody(ctx context.Context, tx pgx.Tx, b *body) (int64, error) {
	if b.id != nil {
		return *b.id, nil
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO raw_bodies (digest, size, compression, data)
		VALUES ($1, $2, 'gzip', $3) ON CONFLICT (digest) DO NOTHING RETURNING body_id`, b.digest, b.size, b.gz).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = tx.QueryRow(ctx, `SELECT body_id FROM raw_bodies WHERE digest = $1`, b.digest).Scan(&id)
	}
	return id, err
}

// RecordFailure records a failed fetch attempt. The raw body, if any (an
// error page), is kept like any other.
func (a *Archive) RecordFailure(ctx context.Context, c relwatch.Capture) error {
	b, err := a.prepareBody(ctx, c.Body, c.BodyDigest, false)
	if err != nil {
		return err
	}
	c.Outcome = relwatch.OutcomeFailed
	return a.write(ctx, "record failure", func(tx pgx.Tx) error {
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
// that version's last_seen forward.
func (a *Archive) RecordUnchanged(ctx context.Context, c relwatch.Capture, version int) error {
	_, err := a.RecordGroup(ctx, []relwatch.Checked{{Capture: c, Version: version}})
	return err
}

// RecordGroup records checks, unchanged ones and new versions, in one
// transaction, in the order given (relwatch.RecordGroup), with one commit
// for all. The pages' rows stay locked until the commit.
func (a *Archive) RecordGroup(ctx context.Context, checks []relwatch.Checked) ([]int, error) {
	if len(checks) == 0 {
		return nil, nil
	}
	if err := relwatch.GroupSealedError(checks); err != nil {
		return nil, err
	}
	bodies := make([]*body, len(checks))
	doing := "record unchanged capture"
	for i := range checks {
		c := &checks[i].Capture
		b, err := a.prepareBody(ctx, c.Body, c.BodyDigest, checks[i].New != nil)
		if err != nil {
			return nil, err
		}
		bodies[i] = b
		if checks[i].New != nil {
			doing = "record version"
		}
	}
	var versions []int
	err := a.write(ctx, doing, func(tx pgx.Tx) error {
		var err error
		versions, err = relwatch.RecordGroup(groupWriter{ctx, tx, bodies}, checks)
		return err
	})
	if err != nil {
		return nil, err
	}
	return versions, nil
}

// groupWriter is RecordGroup's transaction (see relwatch.GroupRecorder);
// bodies are the checks' prepared raw bodies.
type groupWriter struct {
	ctx    context.Context
	tx     pgx.Tx
	bodies []*body
}

func (w groupWriter) Unchanged(i int, c *relwatch.Capture, version int) error {
	return insertUnchanged(w.ctx, w.tx, c, w.bodies[i], version)
}

func (w groupWriter) Page(i int, c *relwatch.Capture) (relwatch.VersionRecorder, error) {
	pk, err := upsertPage(w.ctx, w.tx, c)
	if err != nil {
		return nil, err
	}
	return versionRecorder{timelineWriter{w.ctx, w.tx, pk}, w.bodies[i]}, nil
}

// insertUnchanged is one unchanged check: its capture row, its events, and
// the version's checks, last_seen and (when the capture was parsed) parse
// key.
func insertUnchanged(ctx context.Context, tx pgx.Tx, c *relwatch.Capture, b *body, version int) error {
	c.Outcome = relwatch.OutcomeUnchanged
	pk, err := upsertPage(ctx, tx, c)
	if err != nil {
		return err
	}
	if _, err := insertCapture(ctx, tx, pk, c, b, &version); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE versions SET checks = checks + 1, last_seen = greatest(last_seen, $1),
			parse_key = coalesce($4, parse_key)
		WHERE page_pk = $2 AND version = $3`, ns(c.Seen()), pk, version, nullable(c.ParseKey))
	if err != nil {
		return err
	}
	if tag.RowsAffected() != 1 {
		return fmt.Errorf("page %s has no version %d: %w", c.Page, version, relwatch.ErrNotFound)
	}
	return putEvents(ctx, tx, pk, c.Events, 0)
}

// RecordVersion stores a new version of the page: the capture, its raw
// body, the version (numbered latest+1) and, from version 2 on, the change
// from the previous version. snap must be sealed. It returns the new
// version number.
func (a *Archive) RecordVersion(ctx context.Context, c relwatch.Capture, snap snapshots.Snapshot, parserVersion int, change *relwatch.ChangeRecord) (int, error) {
	versions, err := a.RecordGroup(ctx, []relwatch.Checked{{Capture: c, New: &relwatch.NewVersion{Snap: snap, ParserVersion: parserVersion, Change: change}}})
	if err != nil {
		return 0, err
	}
	return versions[0], nil
}

// versionRecorder is RecordVersion's page in its transaction (see
// relwatch.VersionRecorder); b is the capture's prepared raw body.
type versionRecorder struct {
	timelineWriter
	b *body
}

func (w versionRecorder) Latest() (int, *time.Time, string, error) {
	var prev int
	var prevLastSeen *int64
	var prevStamp *string
	err := w.tx.QueryRow(w.ctx, `SELECT version, last_seen, updated_raw FROM versions
		WHERE page_pk = $1 ORDER BY version DESC LIMIT 1`, w.pk).Scan(&prev, &prevLastSeen, &prevStamp)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, "", nil
	}
	if err != nil {
		return 0, nil, "", err
	}
	return prev, fromNSPtr(prevLastSeen), deref(prevStamp), nil
}

func (w versionRecorder) InsertCapture(c *relwatch.Capture, version int) (int64, error) {
	return insertCapture(w.ctx, w.tx, w.pk, c, w.b, &version)
}

func (w versionRecorder) PutEvents(events []relwatch.Event, version int) error {
	return putEvents(w.ctx, w.tx, w.pk, events, version)
}

// putVersion inserts a version row. The stored JSON leaves out what the
// row's columns hold (version number, first and last seen) and is
// gzip-compressed, byte for byte what the SQLite archive stores.
func putVersion(ctx context.Context, tx pgx.Tx, pk int64, version int, captureID int64, snap snapshots.Snapshot,
	parserVersion int, parseKey string, first, last time.Time, checks int) error {
	snap = relwatch.StoredSnapshot(snap, parserVersion)
	_, err := tx.Exec(ctx, `INSERT INTO versions (page_pk, version, content_hash, snapshot, parser_version,
			capture_id, first_seen, last_seen, checks, updated_raw, updated_on, updated_at, parse_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		pk, version, snap.ContentHash, relwatch.Gzip(snapshots.Marshal(snap), relwatch.GzipSmall), parserVersion, captureID,
		ns(first), ns(last), checks,
		nullable(string(snap.UpdatedRaw)), nullable(string(snap.UpdatedOn)), nullable(string(snap.UpdatedAt)), nullable(parseKey))
	return err
}

// putChange inserts the change from version-1 into version.
func putChange(ctx context.Context, tx pgx.Tx, pk int64, version int, change *relwatch.ChangeRecord, observed time.Time,
	windowStart *int64, stampBefore, stampAfter string) error {
	sj, diff, err := relwatch.ChangeColumns(change)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO changes (page_pk, from_version, to_version, diff, summary,
			stamp_only, parser_change, observed, window_start, stamp_before, stamp_after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		pk, version-1, version, diff, sj, change.StampOnly, change.ParserChange, ns(observed),
		windowStart, nullable(stampBefore), nullable(stampAfter))
	return err
}

// decodeSnapshot reads versions.snapshot (gzip-compressed JSON).
func decodeSnapshot(stored []byte) (snapshots.Snapshot, error) {
	js, err := snapshotJSON(stored)
	if err != nil {
		return snapshots.Snapshot{}, err
	}
	return snapshots.Unmarshal(js)
}

func snapshotJSON(stored []byte) ([]byte, error) {
	js, err := relwatch.Gunzip(stored, -1)
	if err != nil {
		return nil, fmt.Errorf("snapshot does not decompress: %v", err)
	}
	return js, nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
