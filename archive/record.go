package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// Capture is one fetch attempt as the scraper saw it.
type Capture struct {
	Page              snapshots.PageKey
	URL               string // the configured URL
	CanonicalURL      string
	FinalURL          string
	Source            string    // SourceLive, SourceWayback or SourceImport
	Started, Finished time.Time // for a Wayback capture or an imported file: when the page was captured
	Status            int
	Header            map[string]string // selected response headers, stored as JSON
	Body              []byte            // raw body, may be nil; stored once per distinct content
	ContentType       string
	Outcome           string // set by the Record* methods
	ErrorKind         string // for failed captures
	ErrorMessage      string
	Suspect           string // non-empty: why this capture looks wrong; it is archived all the same

	// Provenance of a capture not made live (schema 3).
	OriginalURL    string    // the URL as captured: Wayback's "original", or the page URL of an imported file
	OriginalDigest string    // Wayback's digest of the capture (base32 SHA-1), "" otherwise
	Origin         string    // where relwatch read the bytes: the replay URL, or the imported file
	Retrieved      time.Time // when relwatch read them; zero for live captures
}

// Sources stored in captures.source.
const (
	SourceLive    = "live"
	SourceWayback = "wayback"
	SourceImport  = "import"
)

// ChangeRecord is what the caller's differ says about a change from one
// version to the next.
type ChangeRecord struct {
	DiffJSON  []byte
	Summary   map[string]int
	StampOnly bool
	// ParserChange marks a change that comes from a new parser rather than
	// from an edit of the page. Reparse sets it; a caller that knows (for
	// example, because it re-parsed the previous raw body with the new
	// parser and got the new snapshot) may set it too.
	ParserChange bool
}

// Outcomes stored in captures.outcome.
const (
	OutcomeNew       = "new"
	OutcomeChanged   = "changed"
	OutcomeUnchanged = "unchanged"
	OutcomeFailed    = "failed"
)

// timeFormat is RFC 3339 in UTC with a fixed nine-digit fraction, so that
// text order is time order in SQL.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// seen is the instant a capture counts for: when the request started.
func (c *Capture) seen() time.Time {
	switch {
	case !c.Started.IsZero():
		return c.Started
	case !c.Finished.IsZero():
		return c.Finished
	}
	return time.Now()
}

// body is a raw body ready to store: its digest, and its compressed bytes
// unless the archive already has it.
type body struct {
	digest string
	size   int
	gz     []byte
}

// prepareBody hashes and compresses outside the write transaction, so the
// write lock is held only for the inserts.
func (a *Archive) prepareBody(ctx context.Context, raw []byte) (*body, error) {
	if raw == nil {
		return nil, nil
	}
	sum := sha256.Sum256(raw)
	b := &body{digest: "sha256:" + hex.EncodeToString(sum[:]), size: len(raw)}
	var one int
	err := a.db.QueryRowContext(ctx, "SELECT 1 FROM raw_bodies WHERE digest = ?", b.digest).Scan(&one)
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, a.wrap("look up raw body", err)
	}
	// BestSpeed: much faster than the default level and only slightly
	// larger on HTML. An unchanged check whose page embeds a fresh token
	// stores a new body, and that check should stay cheap.
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	b.gz = buf.Bytes()
	return b, nil
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
func upsertPage(ctx context.Context, tx *sql.Tx, c *Capture) (int64, error) {
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

// insertCapture stores the body (if new) and the capture row.
func insertCapture(ctx context.Context, tx *sql.Tx, pk int64, c *Capture, b *body, version any) (int64, error) {
	var digest any
	if b != nil {
		digest = b.digest
		if b.gz != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO raw_bodies (digest, size, compression, data)
				VALUES (?, ?, 'gzip', ?) ON CONFLICT DO NOTHING`, b.digest, b.size, b.gz); err != nil {
				return 0, err
			}
		}
	}
	hdr := c.Header
	if hdr == nil {
		hdr = map[string]string{}
	}
	hj, err := json.Marshal(hdr) // map keys come out sorted
	if err != nil {
		return 0, err
	}
	source := c.Source
	if source == "" {
		source = SourceLive
	}
	var retrieved any
	if !c.Retrieved.IsZero() {
		retrieved = fmtTime(c.Retrieved)
	}
	started, finished := c.Started, c.Finished
	if started.IsZero() {
		started = c.seen()
	}
	if finished.IsZero() {
		finished = started
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO captures (page_pk, source, started, finished, status, final_url,
			headers, content_type, body_digest, outcome, error_kind, error_message, suspect, version,
			canonical_url, original_url, original_digest, origin, retrieved)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pk, source, fmtTime(started), fmtTime(finished), c.Status, c.FinalURL,
		string(hj), c.ContentType, digest, c.Outcome, c.ErrorKind, c.ErrorMessage, c.Suspect, version,
		c.CanonicalURL, c.OriginalURL, c.OriginalDigest, c.Origin, retrieved)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// RecordFailure records a failed fetch attempt. The raw body, if any (an
// error page), is kept like any other.
func (a *Archive) RecordFailure(ctx context.Context, c Capture) error {
	b, err := a.prepareBody(ctx, c.Body)
	if err != nil {
		return err
	}
	c.Outcome = OutcomeFailed
	return a.write(ctx, "record failure", func(tx *sql.Tx) error {
		page := upsertPage
		if c.Source != "" && c.Source != SourceLive {
			page = ensurePage // a past capture leaves the page's URLs alone
		}
		pk, err := page(ctx, tx, &c)
		if err != nil {
			return err
		}
		_, err = insertCapture(ctx, tx, pk, &c, b, nil)
		return err
	})
}

// RecordUnchanged records a capture that saw an existing version and moves
// that version's last_seen forward. The search index is not touched.
func (a *Archive) RecordUnchanged(ctx context.Context, c Capture, version int) error {
	b, err := a.prepareBody(ctx, c.Body)
	if err != nil {
		return err
	}
	c.Outcome = OutcomeUnchanged
	return a.write(ctx, "record unchanged capture", func(tx *sql.Tx) error {
		pk, err := upsertPage(ctx, tx, &c)
		if err != nil {
			return err
		}
		if _, err := insertCapture(ctx, tx, pk, &c, b, version); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE versions SET checks = checks + 1, last_seen = max(last_seen, ?)
			WHERE page_pk = ? AND version = ?`, fmtTime(c.seen()), pk, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("page %s has no version %d: %w", c.Page, version, ErrNotFound)
		}
		return nil
	})
}

// RecordVersion stores a new version of the page: the capture, its raw body,
// the version (numbered latest+1) and, from version 2 on, the change from
// the previous version. A nil change stores a null diff, but still the
// window in which the edit happened. snap must be sealed. It returns the
// new version number.
func (a *Archive) RecordVersion(ctx context.Context, c Capture, snap snapshots.Snapshot, parserVersion int, change *ChangeRecord) (int, error) {
	if snap.ContentHash == "" || !snap.VerifyHash() {
		return 0, fmt.Errorf("record version of %s: snapshot is not sealed (content hash missing or wrong)", c.Page)
	}
	b, err := a.prepareBody(ctx, c.Body)
	if err != nil {
		return 0, err
	}
	var version int
	err = a.write(ctx, "record version", func(tx *sql.Tx) error {
		pk, err := upsertPage(ctx, tx, &c)
		if err != nil {
			return err
		}
		version, err = insertVersion(ctx, tx, pk, &c, b, snap, parserVersion, change)
		return err
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

// insertVersion is RecordVersion's transaction body, shared with Reparse.
func insertVersion(ctx context.Context, tx *sql.Tx, pk int64, c *Capture, b *body, snap snapshots.Snapshot, parserVersion int, change *ChangeRecord) (int, error) {
	var prev int
	var prevLastSeen, prevStamp sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT version, last_seen, updated_raw FROM versions
		WHERE page_pk = ? ORDER BY version DESC LIMIT 1`, pk).Scan(&prev, &prevLastSeen, &prevStamp)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	version := prev + 1
	c.Outcome = OutcomeNew
	if prev > 0 {
		c.Outcome = OutcomeChanged
	}
	captureID, err := insertCapture(ctx, tx, pk, c, b, version)
	if err != nil {
		return 0, err
	}
	seen := c.seen()
	if err := putVersion(ctx, tx, pk, version, captureID, snap, parserVersion, seen, seen, 1); err != nil {
		return 0, err
	}
	// Every version after the first gets a change row, so the window in
	// which the edit happened is kept even when the caller has no diff.
	if prev > 0 {
		if change == nil {
			change = &ChangeRecord{}
		}
		var window *string
		if prevLastSeen.Valid {
			window = &prevLastSeen.String
		}
		if err := putChange(ctx, tx, pk, version, change, seen, window, prevStamp.String, string(snap.UpdatedRaw)); err != nil {
			return 0, err
		}
	}
	if err := indexVersion(ctx, tx, pk, version, &snap); err != nil {
		return 0, fmt.Errorf("index version %d: %w", version, err)
	}
	return version, nil
}

// putVersion inserts a version row. The stored JSON leaves out what the
// row's columns hold (version number, first and last seen).
func putVersion(ctx context.Context, tx *sql.Tx, pk int64, version int, captureID int64, snap snapshots.Snapshot,
	parserVersion int, first, last time.Time, checks int) error {
	snap.ParserVersion = parserVersion
	snap.Version, snap.FirstSeen, snap.LastSeen = 0, nil, nil
	_, err := tx.ExecContext(ctx, `INSERT INTO versions (page_pk, version, content_hash, snapshot, parser_version,
			capture_id, first_seen, last_seen, checks, updated_raw, updated_on, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pk, version, snap.ContentHash, string(snapshots.Marshal(snap)), parserVersion, captureID,
		fmtTime(first), fmtTime(last), checks,
		nullable(string(snap.UpdatedRaw)), nullable(string(snap.UpdatedOn)), nullable(string(snap.UpdatedAt)))
	return err
}

// putChange inserts the change from version-1 into version.
func putChange(ctx context.Context, tx *sql.Tx, pk int64, version int, change *ChangeRecord, observed time.Time,
	windowStart *string, stampBefore, stampAfter string) error {
	summary := change.Summary
	if summary == nil {
		summary = map[string]int{}
	}
	sj, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	diff := change.DiffJSON
	if diff == nil {
		diff = []byte("null")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO changes (page_pk, from_version, to_version, diff, summary,
			stamp_only, parser_change, observed, window_start, stamp_before, stamp_after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pk, version-1, version, string(diff), string(sj), change.StampOnly, change.ParserChange, fmtTime(observed),
		windowStart, nullable(stampBefore), nullable(stampAfter))
	return err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
