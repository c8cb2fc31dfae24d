// Package track is relwatch's one pipeline from a capture to the archive:
// parse the body, compare it with the page's latest version, judge whether
// it looks wrong, diff it, and record the outcome in one transaction. Every
// way a capture arrives goes through it: a live scrape (Run, RunClaimed), a
// Wayback Machine capture (Backfill), an imported file (Import) and a
// re-parse of stored bodies (Parser, Compare).
//
// track writes through relwatch.Recorder and reads the baseline through a
// few reads; it knows nothing of the engine behind them, nor of flags,
// output or exit codes.
package track

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
)

// Archive is what the pipeline needs of a store: the write side, and the
// reads that give it the baseline to compare with.
type Archive interface {
	relwatch.Recorder
	// Pages gives each page's state before a run: whether it was failing
	// decides its failed and recovered events.
	Pages(ctx context.Context) ([]relwatch.PageStatus, error)
	Snapshot(ctx context.Context, page snapshots.PageKey, version int) (snapshots.Snapshot, error)
	Versions(ctx context.Context, page snapshots.PageKey) ([]relwatch.VersionInfo, error)
	// VersionsByHash finds the earlier versions a new one brings back.
	VersionsByHash(ctx context.Context, page snapshots.PageKey, prefix string) ([]relwatch.VersionInfo, error)
	RawBody(ctx context.Context, digest string) ([]byte, error)
	// RemovalChecks gives the page's earlier checks that decide its
	// removals, for its removed and restored events.
	RemovalChecks(ctx context.Context, page snapshots.PageKey) ([]relwatch.Check, error)
	// VersionProvenance says where the baseline came from, for reports.
	VersionProvenance(ctx context.Context, page snapshots.PageKey, version int) (relwatch.Provenance, error)
}

// Page is one tracked page: its key, its URL and how to parse it.
type Page struct {
	Key snapshots.PageKey
	// URL is the configured URL. It may carry credentials: they are used
	// to fetch and never stored or printed (ShownURL is).
	URL   string
	Parse scraper.ParseOptions
	Fetch scraper.Policy // how to fetch it live
	// Redact hides the URL's secrets wherever it is shown or stored; the
	// zero value hides credentials and relwatch.SecretParams.
	Redact relwatch.Redactor
}

// ShownURL is the page's URL as relwatch stores and prints it.
func (p Page) ShownURL() string { return p.Redact.URL(p.URL) }

// Result is the outcome of one page in one run; its JSON form (MarshalJSON)
// is what `scrape --json` prints.
type Result struct {
	Page            string
	URL             string
	Status          string
	Version         int      // 0 when the page has no version yet
	PreviousVersion int      // 0 when there was none
	Error           string   // why the check failed; "" otherwise
	ErrorKind       string   // the failure's kind (dns, http_status, no_content, …); "" otherwise
	Suspect         string   // why a new version looks suspect (its text shrank); "" otherwise
	UpdatedRaw      string   // the page's stamp as printed; "" when none
	Warnings        []string // from the parser: an unreadable stamp, a language mismatch
	// Stale is true when, after this run, the page has had no successful
	// check for longer than stale_after; StaleSince is when that became
	// so, LastSuccess the last successful check. The caller judges it
	// after the run.
	Stale       bool
	StaleSince  *time.Time
	LastSuccess *time.Time

	// Earlier marks a change archived by an earlier run that stopped before
	// it reported it: this run reports it instead (Status new or changed).
	Earlier bool

	// Event is relwatch.EventRemoved when this check made the page
	// removed (see relwatch.Removal), relwatch.EventRestored when it
	// brought it back, "" otherwise; Removal is that removal.
	Event   string
	Removal *relwatch.Removal

	// Report is the change into Version, when Status is changed.
	Report *diff.Report

	// EventIDs are the ids of the events archived with this check (see
	// relwatch.Event), for a front end to settle the ones it reports.
	EventIDs []string
}

// resultJSON is one line of `scrape --json`: every field always there,
// null when it has no value (a version number of a page without one
// included), times as snapshots.JSONTime.
type resultJSON struct {
	Page            string              `json:"page"`
	URL             string              `json:"url"`
	Status          string              `json:"status"`
	Version         *int                `json:"version"`
	PreviousVersion *int                `json:"previous_version"`
	Error           *string             `json:"error"`
	ErrorKind       *string             `json:"error_kind"`
	Suspect         *string             `json:"suspect"`
	UpdatedRaw      *string             `json:"updated_raw"`
	Warnings        []string            `json:"warnings"`
	Stale           bool                `json:"stale"`
	StaleSince      *snapshots.JSONTime `json:"stale_since"`
	LastSuccess     *snapshots.JSONTime `json:"last_success"`
	Earlier         bool                `json:"earlier"`
	Event           *string             `json:"event"`
	RemovedSince    *snapshots.JSONTime `json:"removed_since"`
	RemovedReason   *string             `json:"removed_reason"`
}

// MarshalJSON is the `scrape --json` line of the result.
func (r Result) MarshalJSON() ([]byte, error) {
	warnings := r.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	return json.Marshal(resultJSON{
		Page: r.Page, URL: r.URL, Status: r.Status,
		Version: numberOrNull(r.Version), PreviousVersion: numberOrNull(r.PreviousVersion),
		Error: textOrNull(r.Error), ErrorKind: textOrNull(r.ErrorKind), Suspect: textOrNull(r.Suspect), UpdatedRaw: textOrNull(r.UpdatedRaw),
		Warnings: warnings, Stale: r.Stale, StaleSince: snapshots.JSONTimePtr(r.StaleSince), LastSuccess: snapshots.JSONTimePtr(r.LastSuccess),
		Earlier: r.Earlier, Event: textOrNull(r.Event), RemovedSince: removedSince(r.Removal), RemovedReason: removedReason(r.Removal),
	})
}

// UnmarshalJSON reads a `scrape --json` line back (for programs and tests
// in Go).
func (r *Result) UnmarshalJSON(data []byte) error {
	var j resultJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*r = Result{
		Page: j.Page, URL: j.URL, Status: j.Status, Version: deref(j.Version), PreviousVersion: deref(j.PreviousVersion),
		Error: deref(j.Error), ErrorKind: deref(j.ErrorKind), Suspect: deref(j.Suspect), UpdatedRaw: deref(j.UpdatedRaw),
		Warnings: j.Warnings, Stale: j.Stale, StaleSince: timeOf(j.StaleSince), LastSuccess: timeOf(j.LastSuccess), Earlier: j.Earlier,
		Event: deref(j.Event),
	}
	if j.RemovedSince != nil {
		// What the line says of the removal; the rest is in log.
		r.Removal = &relwatch.Removal{Since: j.RemovedSince.Time}
	}
	return nil
}

func timeOf(t *snapshots.JSONTime) *time.Time {
	if t == nil {
		return nil
	}
	return &t.Time
}

func removedSince(r *relwatch.Removal) *snapshots.JSONTime {
	if r == nil {
		return nil
	}
	return snapshots.JSONTimePtr(&r.Since)
}

func removedReason(r *relwatch.Removal) *string {
	if r == nil {
		return nil
	}
	return textOrNull(r.Reason())
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func numberOrNull(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func textOrNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Checked reports whether the run checked the page successfully.
func (r Result) Checked() bool {
	return r.Status == relwatch.StatusNew || r.Status == relwatch.StatusChanged || r.Status == relwatch.StatusUnchanged
}

// Tally counts a run's results for its exit: pages that failed, pages new
// or changed, and the pages that are stale.
type Tally struct {
	Failed, Changed int
	Stale           []string
}

// Count tallies results.
func Count(results []Result) Tally {
	var t Tally
	for _, r := range results {
		switch {
		case r.Earlier && r.Event != "":
			// An earlier run's removal or restoration, reported now. This
			// run checked the page too: its own result says whether it is
			// still gone (failed) or back, as a removal in this run would.
		case r.Status == relwatch.StatusFailed:
			t.Failed++
		case r.Status == relwatch.StatusNew || r.Status == relwatch.StatusChanged:
			t.Changed++
		}
		if r.Stale {
			t.Stale = append(t.Stale, r.Page)
		}
	}
	return t
}

// What an outcome asks the archive to record.
const (
	recordNothing = iota // the page was not checked (the run was stopped first)
	recordFailure
	recordUnchanged
	recordVersion
)

// outcome is a live capture worked out as far as it goes without writing:
// hashed, parsed, compared with the latest version, diffed, its events
// made. Run works out several at once and records them one at a time.
type outcome struct {
	res     Result
	kind    int
	capture relwatch.Capture
	version int                // recordUnchanged: the version seen
	snap    snapshots.Snapshot // recordVersion: the new content
	change  *relwatch.ChangeRecord
	latest  snapshots.Snapshot // recordVersion: the version before, for the report
	err     error              // reading the archive failed: the run stops
}

// groupable reports whether the outcome may be committed in a group with
// others (Recorder.RecordGroup): an unchanged check or a new version. A
// group is committed before anything about its checks is reported, so
// only a failure, whose body and events are written differently, is
// committed on its own.
func (o *outcome) groupable() bool {
	return o.err == nil && (o.kind == recordUnchanged || o.kind == recordVersion)
}

// checked is the outcome as RecordGroup takes it (o must be groupable).
func (o *outcome) checked() relwatch.Checked {
	if o.kind == recordVersion {
		return relwatch.Checked{Capture: o.capture, New: &relwatch.NewVersion{Snap: o.snap, ParserVersion: scraper.ParserVersion, Change: o.change}}
	}
	return relwatch.Checked{Capture: o.capture, Version: o.version}
}

// assess works out what capture c of page p comes to. It reads the
// archive and writes nothing. lp is the page's latest version as the run
// read it (Archive.CheckStates); seen is false when the archive had never
// seen the page (it was not in CheckStates' answer), which has no version
// then.
func assess(ctx context.Context, arc Archive, p Page, prior relwatch.PageStatus, lp relwatch.LatestParse, seen bool, c scraper.Capture) outcome {
	key := p.Key
	shown := p.ShownURL()
	o := outcome{res: Result{Page: key.String(), URL: shown}}
	res := &o.res
	o.capture = relwatch.Capture{
		Page: key, URL: shown, FinalURL: c.FinalURL, CanonicalURL: scraper.CanonicalURL(c.FinalURL),
		Source: relwatch.SourceLive, Started: c.Started, Finished: c.Finished, Status: c.Status,
		Header: c.Header, Body: c.Body, ContentType: c.ContentType,
	}
	if c.Body != nil {
		// Hashed here, where Run works on every core, not in its one
		// writer: the archive takes the digest as given.
		o.capture.BodyDigest = relwatch.BodyDigest(c.Body)
	}
	// fail is a failed check: shown is the whole error as scrape prints
	// it, msg what the archive stores next to the kind, without it (the
	// archive's readers put the kind in front of it).
	fail := func(kind, shown, msg string) outcome {
		o.kind = recordFailure
		res.Status, res.ErrorKind, res.Error = relwatch.StatusFailed, kind, shown
		o.capture.ErrorKind, o.capture.ErrorMessage = kind, msg
		removal, r, err := removalEvent(ctx, arc, prior, o.capture, 0)
		if err != nil {
			o.err = err
			return o
		}
		res.setRemoval(removal, r)
		o.capture.Events = failureEvents(prior, o.capture, time.Now(), removal, r)
		return o
	}
	unchanged := func(version int, hash, updatedRaw string) outcome {
		o.kind, o.version = recordUnchanged, version
		res.Status, res.Version, res.PreviousVersion = relwatch.StatusUnchanged, version, version
		res.UpdatedRaw = updatedRaw
		if o.err = res.recovered(ctx, arc, prior, &o.capture, version, hash); o.err != nil {
			return o
		}
		return o
	}
	if c.Err != nil && c.Err.Kind == scraper.KindCanceled {
		// Not a check of the page: relwatch was stopped before it finished.
		res.Status, res.ErrorKind, res.Error = relwatch.StatusSkipped, c.Err.Kind, "interrupted before this page was checked"
		return o
	}
	if c.Err != nil {
		return fail(c.Err.Kind, c.Err.Error(), c.Err.Msg)
	}
	if c.NotModified && lp.Version > 0 {
		// A 304 answers validators that came from a capture of the latest
		// version (relwatch.LatestValidators): it is that version again,
		// without a read of the stored snapshot (check verifies those).
		return unchanged(lp.Version, lp.ContentHash, lp.UpdatedRaw)
	}
	if !c.NotModified {
		// The same bytes, parsed by the same parser with the same options,
		// give the same snapshot: a body whose key is the latest version's
		// is that version again, without a parse (nor a read of the stored
		// snapshot).
		o.capture.ParseKey = scraper.ParseKey(o.capture.BodyDigest, c.ContentType, c.FinalURL, p.Parse)
		if lp.Version > 0 && lp.ParseKey == o.capture.ParseKey {
			return unchanged(lp.Version, lp.ContentHash, lp.UpdatedRaw)
		}
	}

	// A page the archive has never seen has no version to read (a first
	// run: every page).
	var latest snapshots.Snapshot
	err := relwatch.ErrNotFound
	if seen {
		latest, err = arc.Snapshot(ctx, key, 0)
	}
	hasLatest := err == nil
	switch {
	case errors.Is(err, relwatch.ErrNotFound):
	case err != nil:
		o.err = err
		return o
	case !latest.VerifyHash():
		msg := fmt.Sprintf("latest archived version %d does not match its content hash; run relwatch check", latest.Version)
		return fail(relwatch.KindCorruptBaseline, msg, msg)
	}
	if c.NotModified {
		if !hasLatest {
			const msg = "server answered 304 Not Modified but the archive has no version of this page"
			return fail(relwatch.KindNotModified, msg, msg)
		}
		return unchanged(latest.Version, latest.ContentHash, string(latest.UpdatedRaw))
	}

	snap, warnings, err := p.parse(c.Body, c.ContentType, c.FinalURL)
	if err != nil {
		kind, detail := parseFailure(err)
		return fail(kind, err.Error(), detail)
	}
	res.Warnings = warnings
	if hasLatest && latest.ContentHash == snap.ContentHash {
		return unchanged(latest.Version, latest.ContentHash, string(snap.UpdatedRaw))
	}
	res.UpdatedRaw = string(snap.UpdatedRaw)
	o.kind, o.snap, o.latest = recordVersion, snap, latest
	res.Status = relwatch.StatusNew
	if hasLatest {
		res.Status, res.PreviousVersion = relwatch.StatusChanged, latest.Version
		if reason, suspect := scraper.Suspect(latest, snap); suspect {
			res.Suspect, o.capture.Suspect = reason, reason
		}
		report := diff.NewReport(key.String(), latest, snap)
		record := ChangeRecord(report.Result)
		o.change, res.Report = &record, &report
	} else {
		// A page's first body is stored whole: compressed here, on every
		// core, rather than in the one writer.
		o.capture.BodyGzip = relwatch.Gzip(c.Body, relwatch.GzipFast)
	}
	if o.err = res.recovered(ctx, arc, prior, &o.capture, 0, snap.ContentHash); o.err != nil {
		return o
	}
	o.capture.Events = append(o.capture.Events, versionEvent(o.capture, time.Now(), snap, latest, hasLatest, o.change))
	return o
}

// record writes the outcome in a transaction of its own (Run groups the
// groupable ones instead), and completes the report of a change.
func (o *outcome) record(ctx context.Context, arc Archive) error {
	switch o.kind {
	case recordFailure:
		o.noteEvents()
		return arc.RecordFailure(ctx, o.capture)
	case recordUnchanged:
		o.noteEvents()
		return arc.RecordUnchanged(ctx, o.capture, o.version)
	case recordVersion:
	default:
		return nil
	}
	version, err := arc.RecordVersion(ctx, o.capture, o.snap, scraper.ParserVersion, o.change)
	if err != nil {
		return err
	}
	return o.recorded(ctx, arc, version)
}

// noteEvents puts the ids of the check's events in its result.
func (o *outcome) noteEvents() {
	for _, ev := range o.capture.Events {
		o.res.EventIDs = append(o.res.EventIDs, ev.ID)
	}
}

// recorded completes the result of a groupable outcome once it is
// committed, version being the version it saw or the new one's number.
func (o *outcome) recorded(ctx context.Context, arc Archive, version int) error {
	o.noteEvents()
	if o.kind != recordVersion {
		return nil
	}
	res := &o.res
	key := o.capture.Page
	res.Version = version
	if res.Removal != nil && res.Event == relwatch.EventRestored {
		res.Removal.RestoredVersion = res.Version // numbered only now
	}
	if res.Report != nil {
		// The new version's number and dates exist only now it is stored:
		// read them back, so that the report dates the version as log, show
		// and diff do (the archive takes a capture's start, not its end).
		stored, err := arc.Snapshot(ctx, key, res.Version)
		if err != nil {
			return err
		}
		res.Report.To.Version, res.Report.To.FirstSeen = res.Version, stored.FirstSeen
		res.Report.WindowStart, res.Report.WindowEnd = o.latest.LastSeen, stored.FirstSeen
		same, err := arc.VersionsByHash(ctx, key, o.snap.ContentHash)
		if err != nil {
			return err
		}
		if back, ok := relwatch.CameBackTo(same, res.Version); ok {
			res.Report.CameBackTo = diff.SideOfVersion(back.Version, back.ContentHash, back.FirstSeen)
		}
		// Every report says where both sides came from: this side is the
		// live check; the baseline may be a Wayback capture or a file.
		from, err := arc.VersionProvenance(ctx, key, o.latest.Version)
		if err != nil && !errors.Is(err, relwatch.ErrNotFound) {
			return err
		}
		res.Report.FromSource = diff.SourceOf(from)
		res.Report.ToSource = diff.Source{Source: relwatch.SourceLive}
	}
	return nil
}

// recovered gives a good check that saw version (0: a new one, numbered
// by the archive) with content hash its recovered or restored event.
func (r *Result) recovered(ctx context.Context, arc Archive, prior relwatch.PageStatus, c *relwatch.Capture, version int, hash string) error {
	removal, rm, err := removalEvent(ctx, arc, prior, *c, version)
	if err != nil {
		return err
	}
	r.setRemoval(removal, rm)
	c.Events = recoveryEvents(prior, *c, time.Now(), version, hash, removal, rm)
	return nil
}

// setRemoval notes in the result that this check removed or restored the
// page.
func (r *Result) setRemoval(kind string, rm relwatch.Removal) {
	if kind == "" {
		return
	}
	r.Event, r.Removal = kind, &rm
}

// parse is scraper.Parse with the page's options, giving a sealed snapshot
// named after the page, and the parser's warnings.
func (p Page) parse(body []byte, contentType, finalURL string) (snapshots.Snapshot, []string, error) {
	parsed, err := scraper.Parse(body, contentType, finalURL, p.Parse)
	if err != nil {
		return snapshots.Snapshot{}, nil, err
	}
	snap := parsed.Snapshot
	snap.Page, snap.URL = p.Key.String(), p.ShownURL()
	return snap, parsed.Warnings, nil
}

// parseFailure is a parse error's kind and the detail stored next to it.
func parseFailure(err error) (kind, detail string) {
	var pe *scraper.ParseError
	if errors.As(err, &pe) {
		return pe.Kind, pe.Detail
	}
	return scraper.ErrKindMalformed, err.Error()
}

// Past parses a past capture (Wayback, import) and archives it in time
// order, or as a failed capture when it does not parse; why says why.
func Past(ctx context.Context, arc Archive, p Page, c relwatch.Capture) (placed relwatch.Placed, why string, err error) {
	if now := time.Now(); c.Started.After(now) {
		return placed, "", fmt.Errorf("capture of %s at %s is in the future (now %s)", p.Key, c.Started.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	snap, _, err := p.parse(c.Body, c.ContentType, c.FinalURL)
	if err != nil {
		c.ErrorKind, _ = parseFailure(err)
		c.ErrorMessage = err.Error()
		return relwatch.Placed{}, err.Error(), arc.RecordFailure(ctx, c)
	}
	placed, err = arc.RecordInOrder(ctx, c, snap, scraper.ParserVersion, Compare)
	return placed, "", err
}

// PastOutcome is what archiving one past capture did.
type PastOutcome struct {
	relwatch.Placed
	Why        string    // the capture did not parse as the page: recorded as failed
	Already    bool      // archived by an earlier run: nothing done
	NewVersion bool      // the page has one version more
	At         time.Time // the capture's time
}

// String says it for a person: "new v1", "changed v3 (later versions
// renumbered)", "same content as v2: first seen moved to 2016-04-12",
// "same content as v2", "failed: …", "already imported".
func (o PastOutcome) String() string {
	switch {
	case o.Already:
		return "already imported"
	case o.Why != "":
		return "failed: " + o.Why
	case o.NewVersion:
		s := fmt.Sprintf("%s v%d", o.Outcome, o.Version)
		if o.Shifted {
			s += " (later versions renumbered)"
		}
		return s
	case o.Outcome == relwatch.OutcomeNew || o.Outcome == relwatch.OutcomeChanged:
		// It starts a version the archive already had: that version was
		// seen earlier than the archive knew.
		return fmt.Sprintf("same content as v%d: first seen moved to %s", o.Version, o.At.UTC().Format(time.DateTime))
	}
	return fmt.Sprintf("same content as v%d", o.Version)
}

// record archives a past capture with Past and says what it did.
func record(ctx context.Context, arc Archive, p Page, c relwatch.Capture) (PastOutcome, error) {
	before, err := VersionCount(ctx, arc, p.Key)
	if err != nil {
		return PastOutcome{}, err
	}
	placed, why, err := Past(ctx, arc, p, c)
	if err != nil {
		return PastOutcome{}, err
	}
	after, err := VersionCount(ctx, arc, p.Key)
	return PastOutcome{Placed: placed, Why: why, NewVersion: after > before, At: c.Started}, err
}

// Parser parses a page's stored captures as a live check would now, for
// reparse.
func Parser(p Page) relwatch.ParseFunc {
	return func(raw []byte, contentType, finalURL string) (snapshots.Snapshot, int, error) {
		snap, _, err := p.parse(raw, contentType, finalURL)
		if err != nil {
			return snapshots.Snapshot{}, 0, err
		}
		return snap, scraper.ParserVersion, nil
	}
}

// Compare is diff.Compare in the shape the archive stores.
func Compare(old, new snapshots.Snapshot) relwatch.ChangeRecord {
	return ChangeRecord(diff.Compare(old, new))
}

// ChangeRecord is a diff result as the archive stores it.
func ChangeRecord(result diff.Result) relwatch.ChangeRecord {
	data, err := json.Marshal(result)
	if err != nil {
		panic("encode diff result: " + err.Error()) // plain data: cannot fail
	}
	// The stored summary also counts the block changes by block kind, for
	// wording from the counts alone.
	return relwatch.ChangeRecord{DiffJSON: data, Summary: result.StoredSummary(), StampOnly: result.StampOnly}
}
