package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// The queries behind the history commands, as in the SQLite archive
// (archive/queries.go): health counts live captures only, and each query
// is answered from an index on its page.
const (
	// qPages is every page with its latest version, its latest live check
	// (and that check's error), its latest successful live check and the
	// live checks since that one (its failure streak), ordered by id and
	// language: one statement, each page through its indexes.
	qPages = `SELECT p.id, p.lang, p.url, p.canonical_url,
			v.version, v.content_hash, v.updated_raw, v.first_seen,
			lc.started, lc.outcome, lc.error,
			gc.started,
			(SELECT count(*) FROM captures WHERE page_pk = p.page_pk AND capture_id > coalesce(gc.capture_id, 0) AND source = 'live')
		FROM pages p
		LEFT JOIN LATERAL (SELECT version, content_hash, updated_raw, first_seen FROM versions
			WHERE page_pk = p.page_pk ORDER BY version DESC LIMIT 1) v ON true
		LEFT JOIN LATERAL (SELECT started, outcome,
				error_kind || CASE WHEN error_kind != '' AND error_message != '' THEN ': ' ELSE '' END || error_message AS error
			FROM captures WHERE page_pk = p.page_pk AND source = 'live' ORDER BY capture_id DESC LIMIT 1) lc ON true
		LEFT JOIN LATERAL (SELECT capture_id, started FROM captures
			WHERE page_pk = p.page_pk AND source = 'live' AND outcome != 'failed' ORDER BY capture_id DESC LIMIT 1) gc ON true
		ORDER BY p.id COLLATE "C", p.lang COLLATE "C"`
	qPagePK = `SELECT page_pk FROM pages WHERE id = $1 AND lang = $2`
	// The reads of one page below name it by id ($1) and language ($2)
	// and look it up inside the statement: one statement sees one
	// snapshot, so a read outside a view needs no transaction (two round
	// trips saved) and no separate look-up of the page (one more). Only a
	// read that finds nothing asks whether the page is there (pagePK).
	qSnapshot = `SELECT version, snapshot, parser_version, first_seen, last_seen FROM versions
		WHERE page_pk = (` + qPagePK + `) AND version = $3`
	qSnapshotLatest = `SELECT version, snapshot, parser_version, first_seen, last_seen FROM versions
		WHERE page_pk = (` + qPagePK + `) ORDER BY version DESC LIMIT 1`
	qSnapshotAt = `SELECT version, snapshot, parser_version, first_seen, last_seen FROM versions
		WHERE page_pk = (` + qPagePK + `) AND first_seen <= $3 ORDER BY first_seen DESC, version DESC LIMIT 1`
	qProvenance = `SELECT c.source, r.final_url, c.original_url, c.origin
		FROM versions v JOIN captures c ON c.capture_id = v.capture_id JOIN responses r ON r.response_id = c.response_id
		WHERE v.page_pk = (` + qPagePK + `) AND v.version = $3`
	qPastCaptures = `SELECT c.started, c.source, c.original_url, c.original_digest, c.origin,
			coalesce(b.digest, ''), r.content_type, c.outcome, c.error_kind || CASE WHEN c.error_message != '' THEN ': ' || c.error_message ELSE '' END
		FROM captures c JOIN responses r ON r.response_id = c.response_id LEFT JOIN raw_bodies b ON b.body_id = c.body_id
		WHERE c.page_pk = $1 AND c.source = $2 ORDER BY c.started, c.capture_id`
	qCaptures = `SELECT c.capture_id, c.source, c.started, c.duration, r.status, r.final_url, r.canonical_url,
			r.content_type, r.headers, c.http_date, coalesce(b.digest, ''), c.outcome, c.error_kind, c.error_message,
			c.suspect, c.version, c.original_url, c.original_digest, c.origin, c.retrieved
		FROM captures c JOIN responses r ON r.response_id = c.response_id LEFT JOIN raw_bodies b ON b.body_id = c.body_id
		WHERE c.page_pk = $1 ORDER BY c.capture_id`
	qChange = `SELECT diff, summary, stamp_only, parser_change, window_start FROM changes
		WHERE page_pk = (` + qPagePK + `) AND to_version = $3`
	qBody = `SELECT b.digest, b.size, b.compression, b.data FROM raw_bodies b WHERE `
)

// Pages lists every page series, ordered by id and language.
func (a *Archive) Pages(ctx context.Context) ([]relwatch.PageStatus, error) {
	var out []relwatch.PageStatus
	err := a.readTx(ctx, "list pages", func(tx pgx.Tx) (err error) {
		out, err = pagesTx(ctx, tx)
		return err
	})
	return out, err
}

// pagesTx is Pages in a transaction (or a view): qPages, one statement.
func pagesTx(ctx context.Context, q querier) ([]relwatch.PageStatus, error) {
	var out []relwatch.PageStatus
	err := eachRow(ctx, q, qPages, func(r pgx.Rows) error {
		var ps relwatch.PageStatus
		var latest *int
		var hash, stamp, lastOutcome, lastErr *string
		var first, lastCheck, okTime *int64
		if err := r.Scan(&ps.Page.ID, &ps.Page.Lang, &ps.URL, &ps.CanonicalURL,
			&latest, &hash, &stamp, &first, &lastCheck, &lastOutcome, &lastErr, &okTime, &ps.ConsecutiveFailures); err != nil {
			return err
		}
		ps.Latest, ps.LatestHash, ps.UpdatedRaw = deref(latest), deref(hash), deref(stamp)
		ps.LastChange, ps.LastCheck, ps.LastSuccess = fromNSPtr(first), fromNSPtr(lastCheck), fromNSPtr(okTime)
		if deref(lastOutcome) == relwatch.OutcomeFailed {
			ps.LastError = deref(lastErr)
		}
		out = append(out, ps)
		return nil
	})
	return out, err
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// pagePK looks a page up by its full key.
func pagePK(ctx context.Context, q querier, page snapshots.PageKey) (int64, error) {
	var pk int64
	err := q.QueryRow(ctx, qPagePK, page.ID, page.Lang).Scan(&pk)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, noPage(page)
	}
	return pk, err
}

// noPage is the error of a page the archive does not have.
func noPage(page snapshots.PageKey) error {
	return fmt.Errorf("page %s: %w", page, relwatch.ErrNotFound)
}

// ResolvePage turns a user's reference into a full key. With Lang empty,
// the page id must have exactly one language in the archive.
func (a *Archive) ResolvePage(ctx context.Context, ref snapshots.PageKey) (snapshots.PageKey, error) {
	// Either way one statement: no transaction.
	if ref.Lang != "" {
		_, err := pagePK(ctx, a.reads, ref)
		return ref, a.wrap("resolve page", err)
	}
	var langs []string
	err := eachRow(ctx, a.reads, `SELECT lang FROM pages WHERE id = $1 ORDER BY lang COLLATE "C"`, func(r pgx.Rows) error {
		var l string
		err := r.Scan(&l)
		langs = append(langs, l)
		return err
	}, ref.ID)
	if err != nil {
		return snapshots.PageKey{}, a.wrap("resolve page", err)
	}
	return relwatch.ResolveLang(ref, langs)
}

// Versions lists a page's versions, oldest first.
func (a *Archive) Versions(ctx context.Context, page snapshots.PageKey) ([]relwatch.VersionInfo, error) {
	// One statement sees one snapshot: no transaction around it, which
	// saves its two round trips.
	out, err := versionsTx(ctx, a.reads, a.schema, page)
	return out, a.wrap("list versions", err)
}

// VersionsByHash returns the versions of a page whose content hash starts
// with prefix ("sha256:2a511b…" or "2a511b…"), oldest first.
func (a *Archive) VersionsByHash(ctx context.Context, page snapshots.PageKey, prefix string) ([]relwatch.VersionInfo, error) {
	vs, err := a.Versions(ctx, page)
	if err != nil {
		return nil, err
	}
	return withHashPrefix(vs, prefix), nil
}

// withHashPrefix keeps the versions whose content hash starts with prefix
// ("sha256:…" or the hex alone, any case).
func withHashPrefix(vs []relwatch.VersionInfo, prefix string) []relwatch.VersionInfo {
	if !strings.HasPrefix(prefix, "sha256:") {
		prefix = "sha256:" + prefix
	}
	prefix = strings.ToLower(prefix)
	var out []relwatch.VersionInfo
	for _, v := range vs {
		if strings.HasPrefix(v.ContentHash, prefix) {
			out = append(out, v)
		}
	}
	return out
}

// VersionProvenance says where version v of a page came from: the capture
// of its first sighting.
func (a *Archive) VersionProvenance(ctx context.Context, page snapshots.PageKey, v int) (relwatch.Provenance, error) {
	p, err := provenanceTx(ctx, a.reads, page, v)
	return p, a.wrap("read provenance", err)
}

func provenanceTx(ctx context.Context, q querier, page snapshots.PageKey, v int) (relwatch.Provenance, error) {
	var p relwatch.Provenance
	err := q.QueryRow(ctx, qProvenance, page.ID, page.Lang, v).Scan(&p.Source, &p.FinalURL, &p.OriginalURL, &p.Origin)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := pagePK(ctx, q, page); err != nil {
			return p, err
		}
		return p, fmt.Errorf("page %s has no version %d: %w", page, v, relwatch.ErrNotFound)
	}
	return p, err
}

// Snapshot returns one version of a page (0 means the latest), with
// Version, FirstSeen, LastSeen and ParserVersion filled in.
func (a *Archive) Snapshot(ctx context.Context, page snapshots.PageKey, version int) (snapshots.Snapshot, error) {
	s, err := snapshotTx(ctx, a.reads, page, version)
	return s, a.wrap("read snapshot", err)
}

func snapshotTx(ctx context.Context, q querier, page snapshots.PageKey, version int) (snapshots.Snapshot, error) {
	noVersion := func() error { return relwatch.NoVersion(page, version) }
	if version == 0 {
		return scanSnapshot(ctx, q, q.QueryRow(ctx, qSnapshotLatest, page.ID, page.Lang), page, noVersion)
	}
	return scanSnapshot(ctx, q, q.QueryRow(ctx, qSnapshot, page.ID, page.Lang, version), page, noVersion)
}

// SnapshotAt returns the version of a page that was current at t: the
// latest one first seen at or before t.
func (a *Archive) SnapshotAt(ctx context.Context, page snapshots.PageKey, t time.Time) (snapshots.Snapshot, error) {
	row := a.reads.QueryRow(ctx, qSnapshotAt, page.ID, page.Lang, ns(t))
	s, err := scanSnapshot(ctx, a.reads, row, page, func() error { return relwatch.NoVersionAt(page, t) })
	return s, a.wrap("read snapshot", err)
}

// scanSnapshot reads the snapshot in row, a query of q. Without one, the
// error is the page's ErrNotFound when the page is not there, else
// noVersion's.
func scanSnapshot(ctx context.Context, q querier, row pgx.Row, page snapshots.PageKey, noVersion func() error) (snapshots.Snapshot, error) {
	var version, parser int
	var js []byte
	var first, last int64
	err := row.Scan(&version, &js, &parser, &first, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := pagePK(ctx, q, page); err != nil {
			return snapshots.Snapshot{}, err
		}
		return snapshots.Snapshot{}, noVersion()
	}
	if err != nil {
		return snapshots.Snapshot{}, err
	}
	s, err := decodeSnapshot(js)
	return relwatch.VersionSnapshot(page, version, parser, s, err, fromNS(first), fromNS(last))
}

// Change returns the stored change into version `to` of a page and the
// start of its window.
func (a *Archive) Change(ctx context.Context, page snapshots.PageKey, to int) (relwatch.ChangeRecord, *time.Time, error) {
	cr, window, err := changeTx(ctx, a.reads, page, to)
	return cr, window, a.wrap("read change", err)
}

func changeTx(ctx context.Context, q querier, page snapshots.PageKey, to int) (relwatch.ChangeRecord, *time.Time, error) {
	var cr relwatch.ChangeRecord
	var diff, summary string
	var stampOnly, parserChange bool
	var ws *int64
	err := q.QueryRow(ctx, qChange, page.ID, page.Lang, to).Scan(&diff, &summary, &stampOnly, &parserChange, &ws)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := pagePK(ctx, q, page); err != nil {
			return cr, nil, err
		}
		return cr, nil, relwatch.NoChange(page, to)
	}
	if err != nil {
		return cr, nil, err
	}
	if cr, err = relwatch.StoredChange(page, to, diff, summary, stampOnly, parserChange); err != nil {
		return cr, nil, err
	}
	return cr, fromNSPtr(ws), nil
}

// RawBody returns a stored raw body, checked against its digest.
func (a *Archive) RawBody(ctx context.Context, digest string) ([]byte, error) {
	var sb storedBody
	err := sb.scan(a.reads.QueryRow(ctx, qBody+`b.digest = $1`, digest))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("raw body %s: %w", digest, relwatch.ErrNotFound)
	}
	if err != nil {
		return nil, a.wrap("read raw body", err)
	}
	return sb.decode()
}

// Captures lists every capture of a page in the order they were recorded,
// with the headers and times each had.
func (a *Archive) Captures(ctx context.Context, page snapshots.PageKey) ([]relwatch.StoredCapture, error) {
	var out []relwatch.StoredCapture
	err := a.readTx(ctx, "list captures", func(tx pgx.Tx) error {
		var pk int64
		var url string
		err := tx.QueryRow(ctx, `SELECT page_pk, url FROM pages WHERE id = $1 AND lang = $2`, page.ID, page.Lang).Scan(&pk, &url)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("page %s: %w", page, relwatch.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return eachRow(ctx, tx, qCaptures, func(r pgx.Rows) error {
			c := relwatch.StoredCapture{Capture: relwatch.Capture{Page: page, URL: url}}
			var started, duration int64
			var date, retrieved *int64
			var version *int
			var headers string
			if err := r.Scan(&c.ID, &c.Source, &started, &duration, &c.Status, &c.FinalURL, &c.CanonicalURL,
				&c.ContentType, &headers, &date, &c.BodyDigest, &c.Outcome, &c.ErrorKind, &c.ErrorMessage,
				&c.Suspect, &version, &c.OriginalURL, &c.OriginalDigest, &c.Origin, &retrieved); err != nil {
				return err
			}
			c.Started = fromNS(started)
			c.Finished = fromNS(started + duration)
			if retrieved != nil {
				c.Retrieved = fromNS(*retrieved)
			}
			c.Version = deref(version)
			var err error
			if c.Header, err = relwatch.JoinDate(headers, date); err != nil {
				return fail(relwatch.ErrCorrupt, "capture %d: headers: %v", c.ID, err)
			}
			out = append(out, c)
			return nil
		}, pk)
	})
	return out, err
}

// PastCaptures lists a page's captures from source (SourceWayback or
// SourceImport), oldest first. A page not in the archive has none.
func (a *Archive) PastCaptures(ctx context.Context, page snapshots.PageKey, source string) ([]relwatch.PastCapture, error) {
	var out []relwatch.PastCapture
	err := a.readTx(ctx, "list "+source+" captures of "+page.String(), func(tx pgx.Tx) error {
		pk, err := pagePK(ctx, tx, page)
		if errors.Is(err, relwatch.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return eachRow(ctx, tx, qPastCaptures, func(r pgx.Rows) error {
			var p relwatch.PastCapture
			var when int64
			if err := r.Scan(&when, &p.Source, &p.OriginalURL, &p.OriginalDigest, &p.Origin, &p.BodyDigest, &p.ContentType, &p.Outcome, &p.Error); err != nil {
				return err
			}
			p.Started = fromNS(when)
			out = append(out, p)
			return nil
		}, pk, source)
	})
	return out, err
}

// View answers reads from one read transaction: one consistent snapshot of
// the archive whatever is written meanwhile. It is valid only inside the
// ReadView call that made it, and not for concurrent use.
type View struct {
	a  *Archive
	tx pgx.Tx
}

// ReadView runs fn with a View (see archive.Archive.ReadView). fn's error
// is returned as it is.
func (a *Archive) ReadView(ctx context.Context, fn func(relwatch.Reader) error) error {
	tx, err := a.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return a.wrap("read archive", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	return fn(&View{a: a, tx: tx})
}

// Pages is Archive.Pages in the view.
func (v *View) Pages(ctx context.Context) ([]relwatch.PageStatus, error) {
	out, err := pagesTx(ctx, v.tx)
	return out, v.a.wrap("list pages", err)
}

// Versions is Archive.Versions in the view.
func (v *View) Versions(ctx context.Context, page snapshots.PageKey) ([]relwatch.VersionInfo, error) {
	out, err := versionsTx(ctx, v.tx, v.a.schema, page)
	return out, v.a.wrap("list versions", err)
}

// Snapshot is Archive.Snapshot in the view.
func (v *View) Snapshot(ctx context.Context, page snapshots.PageKey, version int) (snapshots.Snapshot, error) {
	s, err := snapshotTx(ctx, v.tx, page, version)
	return s, v.a.wrap("read snapshot", err)
}

// Change is Archive.Change in the view.
func (v *View) Change(ctx context.Context, page snapshots.PageKey, to int) (relwatch.ChangeRecord, *time.Time, error) {
	cr, window, err := changeTx(ctx, v.tx, page, to)
	return cr, window, v.a.wrap("read change", err)
}

// VersionProvenance is Archive.VersionProvenance in the view.
func (v *View) VersionProvenance(ctx context.Context, page snapshots.PageKey, version int) (relwatch.Provenance, error) {
	p, err := provenanceTx(ctx, v.tx, page, version)
	return p, v.a.wrap("read provenance", err)
}

// The archive is a whole store, and a view a consistent reader.
var (
	_ relwatch.Store  = (*Archive)(nil)
	_ relwatch.Reader = (*View)(nil)
)

// VersionsByHash is Archive.VersionsByHash in the view.
func (v *View) VersionsByHash(ctx context.Context, page snapshots.PageKey, prefix string) ([]relwatch.VersionInfo, error) {
	vs, err := v.Versions(ctx, page)
	if err != nil {
		return nil, err
	}
	return withHashPrefix(vs, prefix), nil
}
