package track

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/internal/lazyregexp"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
)

// Backfill archives a page's past captures from the Wayback Machine, one
// after another, skipping what earlier backfills archived. Make one with
// NewBackfill, then call One for each capture of Todo.
type Backfill struct {
	arc  Archive // nil for a dry run without an archive
	wb   *scraper.Wayback
	page Page
	done map[string]bool // (timestamp, URL) archived
	// bodies are the raw bodies already archived, by Wayback digest: a
	// capture with one of these digests has the same bytes.
	bodies map[string]relwatch.PastCapture

	// Before is how many versions the page had before the backfill.
	Before int
	// Archived and Skipped count the captures One archived and skipped;
	// Shifted is set once a capture renumbered later versions.
	Archived, Skipped int
	Shifted           bool
	Failures          []BackfillFailure
}

// BackfillFailure is a capture that did not become part of the history.
type BackfillFailure struct {
	At       time.Time
	URL, Why string
	Recorded bool // stored as a failed capture (a re-run skips it)
}

// NewBackfill reads what earlier backfills of the page archived. arc may
// be nil: a dry run on a machine with no archive yet.
func NewBackfill(ctx context.Context, arc Archive, wb *scraper.Wayback, p Page) (*Backfill, error) {
	b := &Backfill{arc: arc, wb: wb, page: p, done: map[string]bool{}, bodies: map[string]relwatch.PastCapture{}}
	if arc == nil {
		return b, nil
	}
	past, err := arc.PastCaptures(ctx, p.Key, relwatch.SourceWayback)
	if err != nil {
		return nil, err
	}
	for _, pc := range past {
		if pc.OriginalDigest != "" && pc.BodyDigest != "" {
			b.bodies[pc.OriginalDigest] = pc
		}
		b.done[b.key(pc.Started.UTC().Format("20060102150405"), pc.OriginalURL)] = true
		// A capture asked for under one timestamp and served under
		// another keeps the URL it was asked under as its origin.
		if ts, orig, ok := scraper.ParseReplayURL(pc.Origin); ok {
			b.done[b.key(ts, orig)] = true
		}
	}
	b.Before, err = VersionCount(ctx, arc, p.Key)
	return b, err
}

// Todo keeps the listed captures not archived yet.
func (b *Backfill) Todo(listed []scraper.WaybackCapture) []scraper.WaybackCapture {
	var todo []scraper.WaybackCapture
	for _, c := range listed {
		if !b.done[b.key(c.Timestamp, c.Original)] {
			todo = append(todo, c)
		}
	}
	return todo
}

// key names a capture by timestamp and original URL, the URL compared
// redacted, as the archive stores it.
func (b *Backfill) key(timestamp, original string) string {
	return timestamp + " " + b.page.Redact.URL(original)
}

// ListWayback lists the captures of every URL variant, oldest first, each
// (timestamp, URL) once. A variant whose listing fails is logged and
// skipped; its error is returned with the others.
func ListWayback(ctx context.Context, wb *scraper.Wayback, key snapshots.PageKey, variants []string, from, to string, log *slog.Logger) ([]scraper.WaybackCapture, []string) {
	var listed []scraper.WaybackCapture
	var errs []string
	for _, v := range variants {
		caps, err := wb.List(ctx, v, from, to)
		if ctx.Err() != nil {
			return nil, nil
		}
		if err != nil {
			log.Warn("listing failed", "page", key.String(), "url", relwatch.RedactURL(v), "err", err)
			errs = append(errs, err.Error())
		}
		listed = append(listed, caps...)
	}
	slices.SortStableFunc(listed, func(a, b scraper.WaybackCapture) int {
		return cmp.Or(strings.Compare(a.Timestamp, b.Timestamp), strings.Compare(a.Original, b.Original))
	})
	return slices.CompactFunc(listed, func(a, b scraper.WaybackCapture) bool {
		return a.Timestamp == b.Timestamp && a.Original == b.Original
	}), errs
}

// VersionCount is how many versions a page has; 0 for a page not archived
// (or no archive at all).
func VersionCount(ctx context.Context, arc Archive, key snapshots.PageKey) (int, error) {
	if arc == nil {
		return 0, nil
	}
	vs, err := arc.Versions(ctx, key)
	if errors.Is(err, relwatch.ErrNotFound) {
		return 0, nil
	}
	return len(vs), err
}

// All archives the captures of todo in order, logging each, and calls
// progress (when not nil) after each with its index and what became of
// it. It stops early, with nothing half done, when ctx is done; the error
// is for the archive only.
func (b *Backfill) All(ctx context.Context, todo []scraper.WaybackCapture, log *slog.Logger, progress func(i int, c scraper.WaybackCapture, status string)) error {
	for i, c := range todo {
		status, err := b.One(ctx, c)
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if progress != nil {
			progress(i, c, status)
		}
		log.Info("wayback capture", "page", b.page.Key.String(), "timestamp", c.Timestamp, "url", b.page.Redact.URL(c.Original), "status", status)
	}
	return nil
}

// Added is how many versions the page gained since NewBackfill.
func (b *Backfill) Added(ctx context.Context) (int, error) {
	n, err := VersionCount(ctx, b.arc, b.page.Key)
	return n - b.Before, err
}

// cdxDigits is a CDX time bound written as digits of yyyyMMddhhmmss.
var cdxDigits = lazyregexp.New(`^[0-9]{1,14}$`)

// CDXBound turns a date bound (YYYY-MM-DD, or 1–14 digits of
// yyyyMMddhhmmss) into a CDX from/to bound; "" is no bound. what names
// the bound in the error (--from).
func CDXBound(what, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return d.Format("20060102"), nil
	}
	if cdxDigits().MatchString(v) {
		return v, nil
	}
	return "", fmt.Errorf("%s %q: want a date (2016-04-12) or digits of yyyyMMddhhmmss", what, v)
}

// One fetches capture c and archives it. It returns a word on what became
// of it, or an archive error. A cancelled context leaves nothing half done.
func (b *Backfill) One(ctx context.Context, c scraper.WaybackCapture) (string, error) {
	m, err := b.fetch(ctx, c)
	if err != nil {
		return "", ignoreCancel(ctx, err)
	}
	if ctx.Err() != nil {
		return "", nil
	}
	switch {
	case m.Err != nil && gone(m.Err):
		// The replay server will keep saying so: record it, so that a
		// re-run does not ask again.
		fc := MementoCapture(b.page, m)
		fc.ErrorKind, fc.ErrorMessage = m.Err.Kind, m.Err.Error()
		if err := b.arc.RecordFailure(ctx, fc); err != nil {
			return "", ignoreCancel(ctx, err)
		}
		b.done[b.key(c.Timestamp, c.Original)] = true
		b.Failures = append(b.Failures, BackfillFailure{At: c.Time, URL: b.page.Redact.URL(c.Original), Why: m.Err.Error(), Recorded: true})
		return "failed: " + m.Err.Error(), nil
	case m.Err != nil:
		b.Failures = append(b.Failures, BackfillFailure{At: c.Time, URL: b.page.Redact.URL(c.Original), Why: m.Err.Error()})
		return "failed: " + m.Err.Error(), nil
	case !m.Exact() && b.done[b.key(m.Timestamp, m.Original)]:
		b.Skipped++
		return "skipped: served capture " + m.Timestamp + ", already archived", nil
	}
	out, err := record(ctx, b.arc, b.page, MementoCapture(b.page, m))
	if err != nil {
		return "", ignoreCancel(ctx, err)
	}
	b.done[b.key(m.Timestamp, m.Original)] = true
	if m.Exact() && c.Digest != "" {
		if _, ok := b.bodies[c.Digest]; !ok {
			b.bodies[c.Digest] = relwatch.PastCapture{BodyDigest: sha256Digest(m.Body), ContentType: m.ContentType}
		}
	}
	if out.Why != "" {
		b.Failures = append(b.Failures, BackfillFailure{At: m.Time, URL: b.page.Redact.URL(m.Original), Why: out.Why, Recorded: true})
		return out.String(), nil
	}
	b.Archived++
	b.Shifted = b.Shifted || out.Shifted
	return out.String(), nil
}

// fetch gets a capture's bytes: from the archive when it already holds a
// capture with the same Wayback digest (the digest is of the captured
// bytes, so they are the same; captures repeat across URL variants and when
// a page returns to an earlier content), else from the replay server.
func (b *Backfill) fetch(ctx context.Context, c scraper.WaybackCapture) (scraper.Memento, error) {
	known, ok := b.bodies[c.Digest]
	if !ok || c.Digest == "" {
		return b.wb.Fetch(ctx, c), nil
	}
	body, err := b.arc.RawBody(ctx, known.BodyDigest)
	if err != nil {
		return scraper.Memento{}, err
	}
	m := scraper.Memento{Asked: c, Timestamp: c.Timestamp, Time: c.Time, Original: c.Original, ReplayURL: b.wb.ReplayURL(c)}
	m.Status, m.Body, m.ContentType, m.FinalURL, m.Started = http.StatusOK, body, known.ContentType, c.Original, time.Now()
	return m, nil
}

func sha256Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ignoreCancel drops an error caused by the run being stopped: the
// transaction was rolled back, and the caller reports the interruption.
func ignoreCancel(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// gone reports whether a capture's fetch failed for good: a 4xx other than
// 429 (the capture is missing, or access to it is blocked). Network
// failures, 429 and 5xx are worth another run.
func gone(fe *scraper.FetchError) bool {
	return fe.Kind == scraper.KindHTTPStatus && fe.Status >= 400 && fe.Status < 500 && fe.Status != http.StatusTooManyRequests
}

// MementoCapture is a fetched Wayback capture as the archive stores it.
func MementoCapture(p Page, m scraper.Memento) relwatch.Capture {
	original := p.Redact.URL(m.Original)
	c := relwatch.Capture{
		Page: p.Key, URL: p.ShownURL(), FinalURL: original, CanonicalURL: scraper.CanonicalURL(original),
		Source: relwatch.SourceWayback, Started: m.Time, Finished: m.Time, Status: m.Status,
		Header: m.Header, Body: m.Body, ContentType: m.ContentType,
		// Origin is the replay URL asked for, even when the replay server
		// redirected to another capture, so that a re-run skips it.
		OriginalURL: original, Origin: p.Redact.URL(m.ReplayURL), Retrieved: m.Started,
	}
	if m.Exact() {
		c.OriginalDigest = m.Asked.Digest // else unknown: another capture was served
	}
	return c
}
