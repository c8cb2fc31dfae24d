package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// readTx runs fn in a read transaction: one consistent WAL snapshot, never
// waiting for a writer.
func (a *Archive) readTx(ctx context.Context, doing string, fn func(tx *sql.Tx) error) error {
	tx, err := a.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return a.wrap(doing, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		if errors.Is(err, relwatch.ErrNotFound) || errors.Is(err, relwatch.ErrUnusable) {
			return err
		}
		return a.wrap(doing, err)
	}
	return nil
}

func timePtr(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, fail(relwatch.ErrCorrupt, "bad time %q", s.String)
	}
	return &t, nil
}

// captureTimePtr reads an optional captures.started (see captureTime).
func captureTimePtr(v any) (*time.Time, error) {
	if v == nil {
		return nil, nil
	}
	t, err := captureTime(v)
	if err != nil {
		return nil, fail(relwatch.ErrCorrupt, "%v", err)
	}
	return &t, nil
}

// Pages lists every page series, ordered by id and language.
func (a *Archive) Pages(ctx context.Context) ([]relwatch.PageStatus, error) {
	var out []relwatch.PageStatus
	err := a.readTx(ctx, "list pages", func(tx *sql.Tx) (err error) {
		out, err = pagesTx(ctx, tx)
		return err
	})
	return out, err
}

// pagesTx is Pages in a transaction: one statement, each page's columns
// found through its indexes (see qPages).
func pagesTx(ctx context.Context, tx *sql.Tx) ([]relwatch.PageStatus, error) {
	rows, err := tx.QueryContext(ctx, qPages)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []relwatch.PageStatus
	for rows.Next() {
		var ps relwatch.PageStatus
		var latest sql.NullInt64
		var hash, stamp, first, lastOutcome, lastErr sql.NullString
		var lastCheck, okTime any
		if err := rows.Scan(&ps.Page.ID, &ps.Page.Lang, &ps.URL, &ps.CanonicalURL,
			&latest, &hash, &stamp, &first, &lastCheck, &lastOutcome, &lastErr, &okTime, &ps.ConsecutiveFailures); err != nil {
			return nil, err
		}
		ps.Latest, ps.LatestHash, ps.UpdatedRaw = int(latest.Int64), hash.String, stamp.String
		if ps.LastChange, err = timePtr(first); err != nil {
			return nil, err
		}
		if ps.LastCheck, err = captureTimePtr(lastCheck); err != nil {
			return nil, err
		}
		if lastOutcome.String == relwatch.OutcomeFailed {
			ps.LastError = lastErr.String
		}
		if ps.LastSuccess, err = captureTimePtr(okTime); err != nil {
			return nil, err
		}
		out = append(out, ps)
	}
	return out, rows.Err()
}

// pagePK looks a page up by its full key.
func pagePK(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, page snapshots.PageKey) (int64, error) {
	var pk int64
	err := q.QueryRowContext(ctx, qPagePK, page.ID, page.Lang).Scan(&pk)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("page %s: %w", page, relwatch.ErrNotFound)
	}
	return pk, err
}

// ResolvePage turns a user's reference into a full key. With Lang empty,
// the page id must have exactly one language in the archive.
func (a *Archive) ResolvePage(ctx context.Context, ref snapshots.PageKey) (snapshots.PageKey, error) {
	var langs []string
	err := a.readTx(ctx, "resolve page", func(tx *sql.Tx) error {
		if ref.Lang != "" {
			_, err := pagePK(ctx, tx, ref)
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT lang FROM pages WHERE id = ? ORDER BY lang`, ref.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l string
			if err := rows.Scan(&l); err != nil {
				return err
			}
			langs = append(langs, l)
		}
		return rows.Err()
	})
	switch {
	case err != nil:
		return snapshots.PageKey{}, err
	case ref.Lang != "":
		return ref, nil
	}
	return relwatch.ResolveLang(ref, langs)
}

// Versions lists a page's versions, oldest first.
func (a *Archive) Versions(ctx context.Context, page snapshots.PageKey) ([]relwatch.VersionInfo, error) {
	var out []relwatch.VersionInfo
	err := a.readTx(ctx, "list versions", func(tx *sql.Tx) (err error) {
		out, err = a.versionsTx(ctx, tx, page)
		return err
	})
	return out, err
}

// versionsTx is Versions in a transaction.
func (a *Archive) versionsTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey) ([]relwatch.VersionInfo, error) {
	return a.someVersionsTx(ctx, tx, page, versionFilter{})
}

// EachVersion is Versions a batch at a time (relwatch.VersionStreamer).
func (a *Archive) EachVersion(ctx context.Context, page snapshots.PageKey, fn func([]relwatch.VersionInfo) error) error {
	var fnErr error
	err := a.readTx(ctx, "list versions", func(tx *sql.Tx) error {
		return a.eachVersionTx(ctx, tx, page, func(batch []relwatch.VersionInfo) error {
			fnErr = fn(batch)
			return fnErr
		})
	})
	if fnErr != nil {
		return fnErr // fn's own, not the archive's
	}
	return err
}

// eachVersionTx is EachVersion in a transaction.
func (a *Archive) eachVersionTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, fn func([]relwatch.VersionInfo) error) error {
	if a.schema < 4 { // read-only on an older archive: read whole
		vs, err := a.versionsTx(ctx, tx, page)
		if err != nil || len(vs) == 0 {
			return err
		}
		return fn(vs)
	}
	pk, err := pagePK(ctx, tx, page)
	if err != nil {
		return err
	}
	return a.eachPackedTx(ctx, tx, page, pk, versionFilter{}, fn)
}

// versionFilter picks some of a page's versions: cond is an SQL condition
// on version_facts with its args, keep the same test in Go for archives
// older than version_facts (schema 4). The zero filter keeps them all.
type versionFilter struct {
	cond string
	args []any
	keep func(relwatch.VersionInfo) bool
}

// someVersionsTx is versionsTx for the versions f keeps, read without
// decoding the others: a page has thousands.
func (a *Archive) someVersionsTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, f versionFilter) ([]relwatch.VersionInfo, error) {
	pk, err := pagePK(ctx, tx, page)
	if err != nil {
		return nil, err
	}
	if a.schema >= 4 {
		return a.packedVersionsTx(ctx, tx, page, pk, f)
	}
	// Read-only on an older archive: no version_facts.
	q := qVersionsOld
	if a.schema < 3 {
		// Read-only on an older archive: its captures are all live.
		q = strings.Replace(q, "c.source, c.final_url, c.original_url, c.origin", "c.source, c.final_url, '', ''", 1)
	}
	all, err := a.scanVersions(ctx, tx, page, q, pk, versionFilter{}, scanVersion)
	if err != nil || f.keep == nil {
		return all, err
	}
	var out []relwatch.VersionInfo
	for _, vi := range all {
		if f.keep(vi) {
			out = append(out, vi)
		}
	}
	return out, nil
}

// scanVersion reads a row of qVersions (or qVersionsOld) column by column.
func scanVersion(rows *sql.Rows) (relwatch.VersionInfo, error) {
	var cols [18]sql.NullString
	dest := make([]any, len(cols))
	for i := range cols {
		dest[i] = &cols[i]
	}
	if err := rows.Scan(dest...); err != nil {
		return relwatch.VersionInfo{}, err
	}
	var f [18]string
	for i, c := range cols {
		f[i] = c.String
	}
	return versionFromText(f, true)
}

// VersionProvenance says where version v of a page came from: the
// capture of its first sighting. It reads one row, where Versions reads
// the page's whole history.
func (a *Archive) VersionProvenance(ctx context.Context, page snapshots.PageKey, v int) (relwatch.Provenance, error) {
	var p relwatch.Provenance
	err := a.readTx(ctx, "read provenance", func(tx *sql.Tx) (err error) {
		p, err = a.provenanceTx(ctx, tx, page, v)
		return err
	})
	return p, err
}

// provenanceTx is VersionProvenance in a transaction.
func (a *Archive) provenanceTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, v int) (relwatch.Provenance, error) {
	var p relwatch.Provenance
	pk, err := pagePK(ctx, tx, page)
	if err != nil {
		return p, err
	}
	q := qProvenance
	if a.schema < 5 {
		q = qProvenanceOld // read-only on an older archive
	}
	if a.schema < 3 {
		// Read-only on an older archive: its captures are all live.
		q = strings.Replace(q, "c.original_url, c.origin", "'', ''", 1)
	}
	err = tx.QueryRowContext(ctx, q, pk, v).Scan(&p.Source, &p.FinalURL, &p.OriginalURL, &p.Origin)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("page %s has no version %d: %w", page, v, relwatch.ErrNotFound)
	}
	return p, err
}

// Snapshot returns one version of a page (0 means the latest), with
// Version, FirstSeen, LastSeen and ParserVersion filled in.
func (a *Archive) Snapshot(ctx context.Context, page snapshots.PageKey, version int) (snapshots.Snapshot, error) {
	var s snapshots.Snapshot
	err := a.readTx(ctx, "read snapshot", func(tx *sql.Tx) (err error) {
		s, err = snapshotTx(ctx, tx, page, version)
		return err
	})
	return s, err
}

// snapshotTx is Snapshot in a transaction.
func snapshotTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, version int) (snapshots.Snapshot, error) {
	pk, err := pagePK(ctx, tx, page)
	if err != nil {
		return snapshots.Snapshot{}, err
	}
	q := qSnapshot
	args := []any{pk, version}
	if version == 0 {
		q = qSnapshotLatest
		args = args[:1]
	}
	return scanSnapshot(tx.QueryRowContext(ctx, q, args...), page, version)
}

// SnapshotAt returns the version of a page that was current at t: the
// latest one first seen at or before t.
func (a *Archive) SnapshotAt(ctx context.Context, page snapshots.PageKey, t time.Time) (snapshots.Snapshot, error) {
	var s snapshots.Snapshot
	err := a.readTx(ctx, "read snapshot", func(tx *sql.Tx) error {
		pk, err := pagePK(ctx, tx, page)
		if err != nil {
			return err
		}
		// The version most recently first seen by t; between versions
		// first seen at the same instant, the higher number.
		s, err = scanSnapshot(tx.QueryRowContext(ctx, qSnapshotAt,
			pk, fmtTime(t)), page, -1)
		if errors.Is(err, relwatch.ErrNotFound) {
			return relwatch.NoVersionAt(page, t)
		}
		return err
	})
	return s, err
}

func scanSnapshot(row *sql.Row, page snapshots.PageKey, asked int) (snapshots.Snapshot, error) {
	var version, parser int
	var js []byte
	var first, last string
	err := row.Scan(&version, &js, &parser, &first, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return snapshots.Snapshot{}, relwatch.NoVersion(page, asked)
	}
	if err != nil {
		return snapshots.Snapshot{}, err
	}
	s, err := decodeSnapshot(js)
	f, e1 := parseTime(first)
	l, e2 := parseTime(last)
	if err == nil && (e1 != nil || e2 != nil) {
		return s, fail(relwatch.ErrCorrupt, "version %d of %s has bad times", version, page)
	}
	return relwatch.VersionSnapshot(page, version, parser, s, err, f, l)
}

// validators returns the ETag and Last-Modified of the page's latest
// successful live capture on an archive older than schema 8, which
// CheckStates reads read-only (see relwatch.LatestValidators).
func (a *Archive) validators(ctx context.Context, page snapshots.PageKey) (etag, lastModified string, err error) {
	err = a.readTx(ctx, "read validators", func(tx *sql.Tx) error {
		pk, err := pagePK(ctx, tx, page)
		if err != nil {
			return err
		}
		q := qValidators
		if a.schema < 5 {
			q = qValidatorsOld // read-only on an older archive
		}
		var hj string
		var seen, latest sql.NullInt64
		err = tx.QueryRowContext(ctx, q, pk).Scan(&hj, &seen)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, qMaxVersion, pk).Scan(&latest); err != nil {
			return err
		}
		etag, lastModified, err = relwatch.LatestValidators(page, hj, int(seen.Int64), int(latest.Int64))
		return err
	})
	return etag, lastModified, err
}

// Change returns the stored change into version `to` of a page and the
// start of its window (the last capture that still saw the previous
// version).
func (a *Archive) Change(ctx context.Context, page snapshots.PageKey, to int) (relwatch.ChangeRecord, *time.Time, error) {
	var cr relwatch.ChangeRecord
	var window *time.Time
	err := a.readTx(ctx, "read change", func(tx *sql.Tx) (err error) {
		cr, window, err = changeTx(ctx, tx, page, to)
		return err
	})
	return cr, window, err
}

// changeTx is Change in a transaction.
func changeTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, to int) (relwatch.ChangeRecord, *time.Time, error) {
	var cr relwatch.ChangeRecord
	pk, err := pagePK(ctx, tx, page)
	if err != nil {
		return cr, nil, err
	}
	var diff, summary string
	var stampOnly, parserChange bool
	var ws sql.NullString
	err = tx.QueryRowContext(ctx, qChange, pk, to).Scan(&diff, &summary, &stampOnly, &parserChange, &ws)
	if errors.Is(err, sql.ErrNoRows) {
		return cr, nil, relwatch.NoChange(page, to)
	}
	if err != nil {
		return cr, nil, err
	}
	if cr, err = relwatch.StoredChange(page, to, diff, summary, stampOnly, parserChange); err != nil {
		return cr, nil, err
	}
	window, err := timePtr(ws)
	return cr, window, err
}

// RawBody returns a stored raw body, checked against its digest. A body
// that does not decompress or does not match is reported as relwatch.ErrCorrupt.
func (a *Archive) RawBody(ctx context.Context, digest string) ([]byte, error) {
	q := qBody
	if a.schema < 5 {
		q = qBodyOld // read-only on an older archive
	}
	var sb storedBody
	err := sb.scan(a.db.QueryRowContext(ctx, q+`b.digest = ?`, digest))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("raw body %s: %w", digest, relwatch.ErrNotFound)
	}
	if err != nil {
		return nil, a.wrap("read raw body", err)
	}
	return sb.decode()
}

// qBody reads a raw_bodies row (b) and its base, if it is a delta;
// callers add the condition on b.
const (
	qBody = `SELECT b.digest, b.size, b.compression, b.data, base.digest, base.size, base.data
		FROM raw_bodies b LEFT JOIN raw_bodies base ON base.body_id = b.base_id WHERE `
	qBodyOld = `SELECT b.digest, b.size, b.compression, b.data, NULL, NULL, NULL FROM raw_bodies b WHERE `
)

// storedBody is a raw_bodies row as qBody reads it.
type storedBody struct {
	digest, compression string
	size                int
	data                []byte
	baseDigest          sql.NullString
	baseSize            sql.NullInt64
	baseData            []byte
}

func (sb *storedBody) scan(row interface{ Scan(...any) error }) error {
	return row.Scan(&sb.digest, &sb.size, &sb.compression, &sb.data, &sb.baseDigest, &sb.baseSize, &sb.baseData)
}

// decode decompresses the body (applying a delta to its base) and checks
// it against its digest.
func (sb *storedBody) decode() ([]byte, error) {
	if sb.compression != "delta" {
		return decodeBody(sb.digest, sb.size, sb.data)
	}
	if !sb.baseDigest.Valid {
		return nil, fail(relwatch.ErrCorrupt, "raw body %s is a delta against a missing body", sb.digest)
	}
	base, err := decodeBody(sb.baseDigest.String, int(sb.baseSize.Int64), sb.baseData)
	if err != nil {
		return nil, err
	}
	delta, err := gunzip(sb.data, 2*int64(sb.size)+64) // literals and copies: never much longer than the body
	var raw []byte
	if err == nil {
		raw, err = applyDelta(base, delta, sb.size)
	}
	if err != nil {
		return nil, fail(relwatch.ErrCorrupt, "raw body %s does not decompress: %v", sb.digest, err)
	}
	return raw, relwatch.VerifyBody(sb.digest, sb.size, raw)
}

func decodeBody(digest string, size int, gz []byte) ([]byte, error) {
	raw, err := gunzip(gz, int64(size)+1)
	if err != nil {
		return nil, fail(relwatch.ErrCorrupt, "raw body %s does not decompress: %v", digest, err)
	}
	return raw, relwatch.VerifyBody(digest, size, raw)
}

// gunzip decompresses at most limit bytes.
func gunzip(gz []byte, limit int64) ([]byte, error) { return relwatch.Gunzip(gz, limit) }

// Captures lists every capture of a page in the order they were recorded
// (capture_id), with the headers and times each had. It needs schema 5.
func (a *Archive) Captures(ctx context.Context, page snapshots.PageKey) ([]relwatch.StoredCapture, error) {
	if a.schema < 5 {
		return nil, ErrOldSchema
	}
	var out []relwatch.StoredCapture
	err := a.readTx(ctx, "list captures", func(tx *sql.Tx) error {
		var pk int64
		var url string
		err := tx.QueryRowContext(ctx, `SELECT page_pk, url FROM pages WHERE id = ? AND lang = ?`, page.ID, page.Lang).Scan(&pk, &url)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("page %s: %w", page, relwatch.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return eachRow(ctx, tx, qCaptures, func(r *sql.Rows) error {
			c := relwatch.StoredCapture{Capture: relwatch.Capture{Page: page, URL: url}}
			var started, duration int64
			var date, version, retrieved sql.NullInt64
			var headers string
			if err := r.Scan(&c.ID, &c.Source, &started, &duration, &c.Status, &c.FinalURL, &c.CanonicalURL,
				&c.ContentType, &headers, &date, &c.BodyDigest, &c.Outcome, &c.ErrorKind, &c.ErrorMessage,
				&c.Suspect, &version, &c.OriginalURL, &c.OriginalDigest, &c.Origin, &retrieved); err != nil {
				return err
			}
			c.Started = unixNano(started)
			c.Finished = unixNano(started + duration)
			if retrieved.Valid {
				c.Retrieved = unixNano(retrieved.Int64)
			}
			c.Version = int(version.Int64)
			if c.Header, err = joinDate(headers, date); err != nil {
				return fail(relwatch.ErrCorrupt, "capture %d: headers: %v", c.ID, err)
			}
			out = append(out, c)
			return nil
		}, pk)
	})
	return out, err
}
