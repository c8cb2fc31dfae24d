package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
)

type backfillOptions struct {
	from, to    string
	dryRun      bool
	lockTimeout time.Duration
}

func newBackfillCommand(g *globals) *cobra.Command {
	var opts backfillOptions
	cmd := &cobra.Command{
		Use:   "backfill PAGE",
		Short: "Archive a page's past versions from the Wayback Machine",
		Long: `List a configured page's captures in the Wayback Machine (for the configured
URL and the other URLs that show the same page), fetch each distinct
capture raw, parse it, and archive it at its capture time with source
"wayback". Versions are kept in order of observation, so older captures go
before the live ones and versions after them are renumbered; a version's
content_hash never changes.

Requests are paced (wayback: cdx_interval, capture_interval) and 429 or 5xx
answers backed off. A capture that does not parse (an error page archived
with status 200) is recorded as a failed capture, never as a version, and
listed at the end. Interrupted, a backfill can simply be run again: captures
already archived are skipped.`,
		Example: `  relwatch backfill kazakhstan/fr --dry-run
  relwatch backfill kazakhstan/en --from 2010-01-01 --to 2019-12-31`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackfill(cmd.Context(), g, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.from, "from", "", "only captures from this date (YYYY-MM-DD, or 1-14 digits of yyyyMMddhhmmss)")
	f.StringVar(&opts.to, "to", "", "only captures up to this date, inclusive")
	f.BoolVar(&opts.dryRun, "dry-run", false, "list the captures that would be fetched, fetch nothing")
	f.DurationVar(&opts.lockTimeout, "lock-timeout", 0, "how long to wait for another run holding the archive")
	return cmd
}

// backfillFailure is a capture that did not become part of the history.
type backfillFailure struct {
	at       time.Time
	url, why string
	recorded bool // stored as a failed capture (a re-run skips it)
}

func runBackfill(ctx context.Context, g *globals, ref string, opts backfillOptions) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	target, err := configTarget(cfg, ref)
	if err != nil {
		return usageError(err)
	}
	from, err := cdxBound("--from", opts.from)
	if err != nil {
		return usageError(err)
	}
	to, err := cdxBound("--to", opts.to)
	if err != nil {
		return usageError(err)
	}
	key := target.Key()

	mode := archive.ReadWrite
	if opts.dryRun {
		mode = archive.ReadOnly
	}
	arc, err := archive.Open(ctx, g.archivePath(cfg), mode)
	switch {
	case opts.dryRun && errors.Is(err, relwatch.ErrNoArchive):
		arc = nil // nothing archived yet
	case err != nil:
		return err
	default:
		defer arc.Close()
	}
	if !opts.dryRun {
		unlock, err := arc.Lock(ctx, opts.lockTimeout)
		if err != nil {
			return err
		}
		defer unlock()
	}

	wb, err := scraper.NewWayback(ctx, waybackOptions(cfg, target), g.log)
	if err != nil {
		return usageError(err)
	}
	defer wb.Close()

	variants := scraper.WaybackVariants(relwatch.WithoutCredentials(target.URL), target.Lang)
	listed, listErrs := listWayback(ctx, g, wb, key, variants, from, to)
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("backfill %s: interrupted while listing captures", key)}
	}
	done, bodies, before, err := archivedWayback(ctx, arc, key)
	if err != nil {
		return err
	}
	var todo []scraper.WaybackCapture
	for _, c := range listed {
		if !done[waybackKey(c.Timestamp, c.Original)] {
			todo = append(todo, c)
		}
	}
	out := g.io.Out
	fmt.Fprintf(out, "%s: %d captures listed under %d URLs, %d already archived, %d to fetch\n",
		key, len(listed), len(variants), len(listed)-len(todo), len(todo))
	if opts.dryRun {
		for _, c := range todo {
			fmt.Fprintf(out, "  %s  %s  %s\n", c.Time.Format(time.DateTime), c.Original, c.Digest)
		}
		return listExit(key, listErrs)
	}

	run := backfillRun{arc: arc, wb: wb, target: target, done: done, bodies: bodies}
	progress := isTerminal(g.io.Err)
	for i, c := range todo {
		status, err := run.one(ctx, c)
		if err != nil {
			return fmt.Errorf("backfill %s: %w", key, err)
		}
		if ctx.Err() != nil {
			break
		}
		if progress {
			fmt.Fprintf(g.io.Err, "[%d/%d] %s %s %s\n", i+1, len(todo), c.Time.Format(time.DateOnly), c.Original, status)
		}
		g.log.Info("wayback capture", "page", key.String(), "timestamp", c.Timestamp, "url", c.Original, "status", status)
	}

	// Counted even when interrupted: what was archived stays.
	after, err := versionCount(context.WithoutCancel(ctx), arc, key)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: archived %d captures (%d new versions), %d failed, %d skipped\n", key, run.archived, after-before, len(run.failures), run.skipped)
	if run.shifted {
		fmt.Fprintf(out, "note: versions after the backfilled ones were renumbered; content_hash is the stable reference\n")
	}
	if len(run.failures) > 0 {
		fmt.Fprintln(out, "failed captures:")
		for _, f := range run.failures {
			note := "not archived; a re-run tries it again"
			if f.recorded {
				note = "recorded as a failed capture"
			}
			fmt.Fprintf(out, "  %s  %s  %s (%s)\n", f.at.Format(time.DateTime), f.url, f.why, note)
		}
	}
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("backfill %s interrupted; run it again to continue", key)}
	}
	if n := len(run.failures); n > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("backfill %s: %d of %d captures failed", key, n, len(todo))}
	}
	return listExit(key, listErrs)
}

func listExit(key snapshots.PageKey, listErrs []string) error {
	if len(listErrs) == 0 {
		return nil
	}
	return &exitError{code: exitFailed, err: fmt.Errorf("backfill %s: listing failed for %d URLs: %s", key, len(listErrs), strings.Join(listErrs, "; "))}
}

func waybackKey(timestamp, original string) string { return timestamp + " " + original }

// listWayback lists the captures of every URL variant, oldest first, each
// (timestamp, URL) once. A variant whose listing fails is reported and
// skipped.
func listWayback(ctx context.Context, g *globals, wb *scraper.Wayback, key snapshots.PageKey, variants []string, from, to string) ([]scraper.WaybackCapture, []string) {
	var listed []scraper.WaybackCapture
	var errs []string
	for _, v := range variants {
		caps, err := wb.List(ctx, v, from, to)
		if ctx.Err() != nil {
			return nil, nil
		}
		if err != nil {
			g.log.Warn("listing failed", "page", key.String(), "url", v, "err", err)
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

// archivedWayback is what earlier backfills of the page archived, by
// (timestamp, URL), the bodies stored by Wayback digest, and how many
// versions the page has. arc may be nil (a dry run without an archive).
func archivedWayback(ctx context.Context, arc *archive.Archive, key snapshots.PageKey) (map[string]bool, map[string]relwatch.PastCapture, int, error) {
	done, bodies := map[string]bool{}, map[string]relwatch.PastCapture{}
	if arc == nil {
		return done, bodies, 0, nil
	}
	past, err := arc.PastCaptures(ctx, key, relwatch.SourceWayback)
	if err != nil {
		return nil, nil, 0, err
	}
	for _, p := range past {
		if p.OriginalDigest != "" && p.BodyDigest != "" {
			bodies[p.OriginalDigest] = p
		}
		done[waybackKey(p.Started.UTC().Format("20060102150405"), p.OriginalURL)] = true
		// A capture asked for under one timestamp and served under
		// another keeps the URL it was asked under as its origin.
		if ts, orig, ok := scraper.ParseReplayURL(p.Origin); ok {
			done[waybackKey(ts, orig)] = true
		}
	}
	n, err := versionCount(ctx, arc, key)
	return done, bodies, n, err
}

func versionCount(ctx context.Context, arc *archive.Archive, key snapshots.PageKey) (int, error) {
	if arc == nil {
		return 0, nil
	}
	vs, err := arc.Versions(ctx, key)
	if errors.Is(err, relwatch.ErrNotFound) {
		return 0, nil
	}
	return len(vs), err
}

// backfillRun fetches and archives one capture after another.
type backfillRun struct {
	arc    *archive.Archive
	wb     *scraper.Wayback
	target Target
	done   map[string]bool                 // (timestamp, URL) archived
	bodies map[string]relwatch.PastCapture // by Wayback digest: the bytes are already here

	archived, skipped int
	shifted           bool
	failures          []backfillFailure
}

// one fetches capture c and archives it. It returns a word on what became
// of it, or an archive error. A cancelled context leaves nothing half done.
func (r *backfillRun) one(ctx context.Context, c scraper.WaybackCapture) (string, error) {
	m, err := r.fetch(ctx, c)
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
		fc := mementoCapture(r.target, m)
		fc.ErrorKind, fc.ErrorMessage = m.Err.Kind, m.Err.Error()
		if err := r.arc.RecordFailure(ctx, fc); err != nil {
			return "", ignoreCancel(ctx, err)
		}
		r.done[waybackKey(c.Timestamp, c.Original)] = true
		r.failures = append(r.failures, backfillFailure{at: c.Time, url: c.Original, why: m.Err.Error(), recorded: true})
		return "failed: " + m.Err.Error(), nil
	case m.Err != nil:
		r.failures = append(r.failures, backfillFailure{at: c.Time, url: c.Original, why: m.Err.Error()})
		return "failed: " + m.Err.Error(), nil
	case !m.Exact() && r.done[waybackKey(m.Timestamp, m.Original)]:
		r.skipped++
		return "skipped: served capture " + m.Timestamp + ", already archived", nil
	}
	placed, why, err := recordMemento(ctx, r.arc, r.target, m)
	if err != nil {
		return "", ignoreCancel(ctx, err)
	}
	r.done[waybackKey(m.Timestamp, m.Original)] = true
	if m.Exact() && c.Digest != "" {
		if _, ok := r.bodies[c.Digest]; !ok {
			r.bodies[c.Digest] = relwatch.PastCapture{BodyDigest: sha256Digest(m.Body), ContentType: m.ContentType}
		}
	}
	if why != "" {
		r.failures = append(r.failures, backfillFailure{at: m.Time, url: m.Original, why: why, recorded: true})
		return "failed: " + why, nil
	}
	r.archived++
	r.shifted = r.shifted || placed.Shifted
	return fmt.Sprintf("%s v%d", placed.Outcome, placed.Version), nil
}

// fetch gets a capture's bytes: from the archive when it already holds a
// capture with the same Wayback digest (the digest is of the captured
// bytes, so they are the same; captures repeat across URL variants and when
// a page returns to an earlier content), else from the replay server.
func (r *backfillRun) fetch(ctx context.Context, c scraper.WaybackCapture) (scraper.Memento, error) {
	known, ok := r.bodies[c.Digest]
	if !ok || c.Digest == "" {
		return r.wb.Fetch(ctx, c), nil
	}
	body, err := r.arc.RawBody(ctx, known.BodyDigest)
	if err != nil {
		return scraper.Memento{}, err
	}
	m := scraper.Memento{Asked: c, Timestamp: c.Timestamp, Time: c.Time, Original: c.Original, ReplayURL: r.wb.ReplayURL(c)}
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

// recordMemento parses a fetched capture and archives it in time order. A
// capture that does not parse is recorded as failed; why says why.
func recordMemento(ctx context.Context, arc *archive.Archive, t Target, m scraper.Memento) (relwatch.Placed, string, error) {
	return recordPast(ctx, arc, t, mementoCapture(t, m))
}

// mementoCapture is a fetched Wayback capture as the archive stores it.
func mementoCapture(t Target, m scraper.Memento) relwatch.Capture {
	c := relwatch.Capture{
		Page: t.Key(), URL: relwatch.RedactURL(t.URL), FinalURL: m.Original, CanonicalURL: scraper.CanonicalURL(m.Original),
		Source: relwatch.SourceWayback, Started: m.Time, Finished: m.Time, Status: m.Status,
		Header: m.Header, Body: m.Body, ContentType: m.ContentType,
		// Origin is the replay URL asked for, even when the replay server
		// redirected to another capture, so that a re-run skips it.
		OriginalURL: m.Original, Origin: m.ReplayURL, Retrieved: m.Started,
	}
	if m.Exact() {
		c.OriginalDigest = m.Asked.Digest // else unknown: another capture was served
	}
	return c
}

// recordPast parses a past capture (Wayback, import) and archives it in
// time order, or as a failed capture when it does not parse.
func recordPast(ctx context.Context, arc *archive.Archive, t Target, c relwatch.Capture) (relwatch.Placed, string, error) {
	parsed, err := scraper.Parse(c.Body, c.ContentType, c.FinalURL, scraper.ParseOptions{Content: t.Content, Exclude: t.Exclude})
	if err != nil {
		c.ErrorKind = "parse_error"
		var pe *scraper.ParseError
		if errors.As(err, &pe) {
			c.ErrorKind = pe.Kind
		}
		c.ErrorMessage = err.Error()
		return relwatch.Placed{}, err.Error(), arc.RecordFailure(ctx, c)
	}
	snap := parsed.Snapshot
	snap.Page, snap.URL = t.Key().String(), relwatch.RedactURL(t.URL)
	placed, err := arc.RecordInOrder(ctx, c, snap, scraper.ParserVersion, compareForArchive)
	return placed, "", err
}

// configTarget finds the target a PAGE argument names in the config:
// backfill and import may run before the page has any version.
func configTarget(cfg Config, ref string) (Target, error) {
	key, err := snapshots.ParsePageRef(ref)
	if err != nil {
		return Target{}, err
	}
	var found []Target
	for _, t := range cfg.Targets {
		if t.ID == key.ID && (key.Lang == "" || t.Lang == key.Lang) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return Target{}, fmt.Errorf("page %s is not a target in the config (%s)", ref, cfg.Source)
	case 1:
		return found[0], nil
	}
	return Target{}, fmt.Errorf("page %s has several languages in the config: say which, e.g. %s", ref, found[0].Key())
}

var cdxDigits = regexp.MustCompile(`^[0-9]{1,14}$`)

// cdxBound turns --from/--to (YYYY-MM-DD or 1–14 digits) into a CDX bound.
func cdxBound(flag, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return d.Format("20060102"), nil
	}
	if cdxDigits.MatchString(v) {
		return v, nil
	}
	return "", fmt.Errorf("%s %q: want a date (2016-04-12) or digits of yyyyMMddhhmmss", flag, v)
}

// waybackOptions is the wayback: config over the scraper's defaults, with
// the target's User-Agent, timeout and body limit.
func waybackOptions(cfg Config, t Target) scraper.WaybackOptions {
	w := cfg.Wayback
	o := scraper.WaybackOptions{Policy: policyFor(cfg.Fetch, t.FetchSettings)}
	if w.CDXURL != nil {
		o.CDXURL = *w.CDXURL
	}
	if w.ReplayURL != nil {
		o.ReplayURL = *w.ReplayURL
	}
	for _, d := range []struct {
		src *Duration
		dst *time.Duration
	}{{w.CDXInterval, &o.CDXInterval}, {w.CaptureInterval, &o.CaptureInterval}, {w.Backoff, &o.Backoff}, {w.MaxWait, &o.MaxWait}} {
		if d.src != nil {
			*d.dst = time.Duration(*d.src)
		}
	}
	if w.Retries != nil {
		o.Retries = *w.Retries
		if o.Retries == 0 {
			o.Retries = -1 // none
		}
	}
	return o
}
