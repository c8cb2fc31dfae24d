package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
)

// Scrape statuses, one per target per run.
const (
	statusNew       = "new"
	statusChanged   = "changed"
	statusUnchanged = "unchanged"
	statusFailed    = "failed"
	// statusSkipped is a page the run was stopped (Ctrl-C, SIGTERM) before
	// it checked: not a failure, and not recorded.
	statusSkipped = "skipped"
)

type scrapeOptions struct {
	only        []string
	json        bool
	exitCode    bool
	lockTimeout time.Duration
	reportDir   string
	summary     string
	deadline    time.Duration
}

func newScrapeCommand(g *globals) *cobra.Command {
	var opts scrapeOptions
	cmd := &cobra.Command{
		Use:   "scrape",
		Short: "Fetch every target, parse it and archive what is new",
		Long: `Fetch every configured page, parse it into a snapshot, and archive it.
A page whose content equals its latest version adds no version: the check is
still recorded. Prints one line per page: page, status (new, changed,
unchanged, failed, or skipped when interrupted before the page was
checked), version, and for failed the reason.`,
		Example: `  relwatch scrape
  relwatch scrape --only kazakhstan/fr --json
  relwatch scrape --exit-code || echo "something changed or failed"`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runScrape(cmd.Context(), g, opts) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&opts.only, "only", nil, "scrape only this page (<id> or <id>/<lang>); repeatable")
	f.BoolVar(&opts.json, "json", false, "print one JSON object per page (JSON Lines)")
	f.BoolVar(&opts.exitCode, "exit-code", false, "exit 1 when a page is new or changed")
	f.DurationVar(&opts.lockTimeout, "lock-timeout", 0, "how long to wait for another scrape holding the archive")
	f.DurationVar(&opts.deadline, "deadline", 0, "stop fetching after this long (e.g. 10m); pages not checked by then fail with reason deadline")
	f.StringVar(&opts.reportDir, "report-dir", "", "write each new version's diff to DIR/<id>/<lang>-v<version>.{md,html,json}")
	f.StringVar(&opts.summary, "summary", "", "append a Markdown run summary to this file (default $GITHUB_STEP_SUMMARY when set)")
	return cmd
}

// pageResult is the outcome of one target in one run; its JSON form is
// what `scrape --json` prints.
type pageResult struct {
	Page            string   `json:"page"`
	URL             string   `json:"url"`
	Status          string   `json:"status"`
	Version         int      `json:"version"`          // 0 when the page has no version yet
	PreviousVersion int      `json:"previous_version"` // 0 when there was none
	Error           string   `json:"error"`            // why the check failed; "" otherwise
	ErrorKind       string   `json:"error_kind,omitempty"`
	Suspect         string   `json:"suspect,omitempty"`
	UpdatedRaw      string   `json:"updated_raw,omitempty"`
	Warnings        []string `json:"warnings,omitempty"` // from the parser: an unreadable stamp, a language mismatch
	// Stale is true when, after this run, the page has had no successful
	// check for longer than stale_after; StaleSince is when that became
	// so, LastSuccess the last successful check.
	Stale       bool       `json:"stale"`
	StaleSince  *time.Time `json:"stale_since,omitempty"`
	LastSuccess *time.Time `json:"last_success,omitempty"`

	report *diff.Report // the change into Version, when Status is changed
}

func runScrape(ctx context.Context, g *globals, opts scrapeOptions) error {
	cfg, targets, err := g.targets(opts.only)
	if err != nil {
		return err
	}
	results, err := scrapeRun(ctx, g, cfg, targets, opts, nil)
	if err != nil {
		return err
	}
	return scrapeExit(ctx, results, opts.exitCode, cfg.StaleAfter)
}

// scrapeRun is one scrape: it opens the archive, holds the writer lock
// while it fetches and records every target, then prints the results and
// writes the reports. afterPage, when not nil, runs after each page is
// recorded (watch uses it to stop between pages).
func scrapeRun(ctx context.Context, g *globals, cfg Config, targets []Target, opts scrapeOptions, afterPage func()) ([]pageResult, error) {
	if opts.reportDir != "" {
		if err := checkReportNames(targets); err != nil {
			return nil, usageError(err)
		}
	}
	arc, err := archive.Open(ctx, g.archivePath(cfg), archive.ReadWrite)
	if err != nil {
		return nil, err
	}
	defer arc.Close()
	unlock, err := arc.Lock(ctx, opts.lockTimeout)
	if err != nil {
		return nil, err
	}
	defer unlock()

	requests := make([]scraper.Target, len(targets))
	for i, t := range targets {
		requests[i] = scraper.Target{Page: t.Key().String(), URL: t.URL, Policy: policyFor(cfg.Fetch, t.FetchSettings)}
		etag, lastMod, err := arc.Validators(ctx, t.Key())
		if err != nil && !errors.Is(err, relwatch.ErrNotFound) {
			return nil, err
		}
		requests[i].ETag, requests[i].LastModified = etag, lastMod
	}

	// Fetching stops at the deadline or on a signal; writing a page's
	// result does not, so that a page fetched in time is never lost.
	fetchCtx, cancel := ctx, context.CancelFunc(func() {})
	if opts.deadline > 0 {
		fetchCtx, cancel = context.WithTimeout(ctx, opts.deadline)
	}
	defer cancel()
	writeCtx := context.WithoutCancel(ctx)

	results := make([]pageResult, len(targets))
	var archiveErr error
	progress := isTerminal(g.io.Err)
	done := 0
	scraper.NewFetcher(parallelism(cfg.Fetch), g.log).Fetch(fetchCtx, requests, func(i int, c scraper.Capture) {
		if archiveErr != nil {
			return
		}
		if c.Err != nil && c.Err.Kind == scraper.KindCanceled && ctx.Err() == nil && fetchCtx.Err() == context.DeadlineExceeded {
			c.Err = &scraper.FetchError{Kind: "deadline", Msg: fmt.Sprintf("not checked within the run deadline (--deadline %v)", opts.deadline)}
		}
		results[i], archiveErr = recordCapture(writeCtx, arc, targets[i], c)
		done++
		if progress {
			fmt.Fprintf(g.io.Err, "[%d/%d] %s %s\n", done, len(targets), results[i].Page, results[i].Status)
		}
		g.log.Info("checked", "page", results[i].Page, "status", results[i].Status, "version", results[i].Version, "error", results[i].Error)
		for _, w := range results[i].Warnings {
			g.log.Warn(w, "page", results[i].Page)
		}
		if afterPage != nil {
			afterPage()
		}
	})
	if archiveErr != nil {
		return nil, archiveErr
	}
	// Staleness is known before anything is printed, so that every output
	// says which pages are stale. An interrupted run does not judge it.
	staleAfter := time.Duration(0)
	if ctx.Err() == nil {
		staleAfter = cfg.StaleAfter
	}
	if err := fromArchive(writeCtx, arc, targets, results, time.Now(), staleAfter); err != nil {
		return nil, err
	}
	for _, r := range results {
		if r.Stale {
			g.log.Warn("stale page", "page", r.Page, "last_success", r.LastSuccess, "stale_after", cfg.StaleAfter.String())
		}
	}
	if err := printResults(g.io, results, opts.json); err != nil {
		return nil, err
	}
	if err := writeReports(opts.reportDir, results); err != nil {
		return nil, err
	}
	return results, appendSummary(summaryPath(opts.summary), results)
}

// recordCapture parses one capture, compares it with the page's latest
// version and archives the outcome in one transaction. The returned error
// is for the archive only: a page's own failure is in the result.
func recordCapture(ctx context.Context, arc *archive.Archive, t Target, c scraper.Capture) (pageResult, error) {
	key := t.Key()
	// The configured URL may carry credentials: they are used to fetch
	// (in the scraper's Target) and never stored or printed.
	shown := relwatch.RedactURL(t.URL)
	res := pageResult{Page: key.String(), URL: shown}
	capture := relwatch.Capture{
		Page: key, URL: shown, FinalURL: c.FinalURL, CanonicalURL: scraper.CanonicalURL(c.FinalURL),
		Source: "live", Started: c.Started, Finished: c.Finished, Status: c.Status,
		Header: c.Header, Body: c.Body, ContentType: c.ContentType,
	}
	// fail records a failed check: shown is the whole error as scrape
	// prints it, msg what the archive stores next to the kind, without it
	// (the archive's readers put the kind in front of it).
	fail := func(kind, shown, msg string) (pageResult, error) {
		res.Status, res.ErrorKind, res.Error = statusFailed, kind, shown
		capture.ErrorKind, capture.ErrorMessage = kind, msg
		return res, arc.RecordFailure(ctx, capture)
	}
	if c.Err != nil && c.Err.Kind == scraper.KindCanceled {
		// Not a check of the page: relwatch was stopped before it finished.
		res.Status, res.ErrorKind, res.Error = statusSkipped, c.Err.Kind, "interrupted before this page was checked"
		return res, nil
	}
	if c.Err != nil {
		return fail(c.Err.Kind, c.Err.Error(), c.Err.Msg)
	}

	latest, err := arc.Snapshot(ctx, key, 0)
	hasLatest := err == nil
	switch {
	case errors.Is(err, relwatch.ErrNotFound):
	case err != nil:
		return res, err
	case !latest.VerifyHash():
		msg := fmt.Sprintf("latest archived version %d does not match its content hash; run relwatch check", latest.Version)
		return fail("corrupt_baseline", msg, msg)
	}
	if c.NotModified {
		if !hasLatest {
			const msg = "server answered 304 Not Modified but the archive has no version of this page"
			return fail("not_modified", msg, msg)
		}
		res.Status, res.Version, res.PreviousVersion = statusUnchanged, latest.Version, latest.Version
		res.UpdatedRaw = string(latest.UpdatedRaw)
		return res, arc.RecordUnchanged(ctx, capture, latest.Version)
	}

	parsed, err := scraper.Parse(c.Body, c.ContentType, c.FinalURL, scraper.ParseOptions{Content: t.Content, Exclude: t.Exclude})
	if err != nil {
		var pe *scraper.ParseError
		if errors.As(err, &pe) {
			return fail(pe.Kind, err.Error(), pe.Detail)
		}
		return fail("parse_error", err.Error(), err.Error())
	}
	snap := parsed.Snapshot
	res.Warnings = parsed.Warnings
	snap.Page, snap.URL = key.String(), shown

	res.UpdatedRaw = string(snap.UpdatedRaw)
	if hasLatest && latest.ContentHash == snap.ContentHash {
		res.Status, res.Version, res.PreviousVersion = statusUnchanged, latest.Version, latest.Version
		return res, arc.RecordUnchanged(ctx, capture, latest.Version)
	}
	var change *relwatch.ChangeRecord
	res.Status = statusNew
	if hasLatest {
		res.Status, res.PreviousVersion = statusChanged, latest.Version
		if reason, suspect := scraper.Suspect(latest, snap); suspect {
			res.Suspect, capture.Suspect = reason, reason
		}
		report := diff.NewReport(key.String(), latest, snap)
		record := changeRecord(report.Result)
		change, res.report = &record, &report
	}
	res.Version, err = arc.RecordVersion(ctx, capture, snap, scraper.ParserVersion, change)
	if err != nil {
		return res, err
	}
	if res.report != nil {
		// The new version's number and dates exist only now it is stored:
		// read them back, so that the report dates the version as log, show
		// and diff do (the archive takes a capture's start, not its end).
		stored, err := arc.Snapshot(ctx, key, res.Version)
		if err != nil {
			return res, err
		}
		res.report.To.Version, res.report.To.FirstSeen = res.Version, stored.FirstSeen
		res.report.WindowStart, res.report.WindowEnd = latest.LastSeen, stored.FirstSeen
	}
	return res, nil
}

// fromArchive completes the results from the archive's state after the
// run: a page whose check told nothing of its content (a failed check)
// shows the stamp of its latest version, and a page with no successful
// check for longer than staleAfter at now is marked stale (when
// staleAfter is not 0).
func fromArchive(ctx context.Context, arc *archive.Archive, targets []Target, results []pageResult, now time.Time, staleAfter time.Duration) error {
	pages, err := arc.Pages(ctx)
	if err != nil {
		return err
	}
	byKey := make(map[snapshots.PageKey]relwatch.PageStatus, len(pages))
	for _, p := range pages {
		byKey[p.Page] = p
	}
	for i, t := range targets {
		p, ok := byKey[t.Key()]
		if !ok {
			continue
		}
		r := &results[i]
		if r.UpdatedRaw == "" {
			r.UpdatedRaw = p.UpdatedRaw
		}
		// A page checked successfully in this run is not stale, however
		// long the run took since.
		checked := r.Status == statusNew || r.Status == statusChanged || r.Status == statusUnchanged
		if staleAfter > 0 && !checked && isStale(p, now, staleAfter) {
			since := p.LastSuccess.Add(staleAfter).UTC()
			last := p.LastSuccess.UTC()
			r.Stale, r.StaleSince, r.LastSuccess = true, &since, &last
		}
	}
	return nil
}

func printResults(io streams, results []pageResult, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(io.Out)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range results {
		line := fmt.Sprintf("%-24s %-9s", r.Page, r.Status)
		if r.Version > 0 {
			line += fmt.Sprintf(" v%d", r.Version)
		}
		if r.Status == statusChanged {
			line += fmt.Sprintf(" (was v%d)", r.PreviousVersion)
		}
		if r.Stale {
			line += " " + staleNote(r)
		}
		if r.Error != "" {
			line += "  " + r.Error
		}
		if r.Suspect != "" {
			line += "  suspect: " + r.Suspect
		}
		fmt.Fprintln(io.Out, line)
	}
	_, err := fmt.Fprintln(io.Out, runSummary(results))
	return err
}

// staleNote is how a stale page's line says so: "stale since
// 2026-11-27 06:00 (last success 2026-11-20 06:00)", in UTC.
func staleNote(r pageResult) string {
	if !r.Stale || r.StaleSince == nil || r.LastSuccess == nil {
		return ""
	}
	const layout = "2006-01-02 15:04"
	return fmt.Sprintf("stale since %s (last success %s)", r.StaleSince.Format(layout), r.LastSuccess.Format(layout))
}

// scrapeExit picks the exit code: interrupted beats failed (or stale)
// beats changed. The message names the stale pages.
func scrapeExit(ctx context.Context, results []pageResult, exitOnChange bool, staleAfter time.Duration) error {
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	failed, changed := 0, 0
	var stale []string
	for _, r := range results {
		switch r.Status {
		case statusFailed:
			failed++
		case statusNew, statusChanged:
			changed++
		}
		if r.Stale {
			stale = append(stale, r.Page)
		}
	}
	var exit error
	switch {
	case failed > 0:
		msg := fmt.Sprintf("%d of %d pages failed", failed, len(results))
		if len(stale) > 0 {
			msg += fmt.Sprintf("; stale (no successful check for over %s): %s", staleAfter, strings.Join(stale, ", "))
		}
		return &exitError{code: exitFailed, err: errors.New(msg)}
	case exitOnChange && changed > 0:
		exit = &exitError{code: exitChanged}
	}
	return withStale(exit, stale, staleAfter)
}

// targets loads the config and the targets --only selects.
func (g *globals) targets(only []string) (Config, []Target, error) {
	cfg, err := g.config()
	if err != nil {
		return cfg, nil, err
	}
	targets, err := selectTargets(cfg.Targets, only)
	if err != nil {
		return cfg, nil, usageError(err)
	}
	return cfg, targets, nil
}

// selectTargets keeps the targets named by --only (all when none is given).
func selectTargets(all []Target, only []string) ([]Target, error) {
	if len(only) == 0 {
		return all, nil
	}
	var out []Target
	for _, ref := range only {
		key, err := snapshots.ParsePageRef(ref)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, t := range all {
			if t.ID == key.ID && (key.Lang == "" || t.Lang == key.Lang) {
				if !slices.ContainsFunc(out, func(o Target) bool { return o.Key() == t.Key() }) {
					out = append(out, t)
				}
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("--only %s: no such target in the config", ref)
		}
	}
	return out, nil
}

// policyFor merges a target's fetch settings over the config's defaults
// over the scraper's.
func policyFor(defaults, own FetchSettings) scraper.Policy {
	p := scraper.DefaultPolicy()
	p.UserAgent = scraper.UserAgent(relwatchVersion())
	for _, s := range []FetchSettings{defaults, own} {
		if s.UserAgent != nil {
			p.UserAgent = *s.UserAgent
		}
		if s.Delay != nil {
			p.Delay = time.Duration(*s.Delay)
		}
		if s.Timeout != nil {
			p.Timeout = time.Duration(*s.Timeout)
		}
		if s.Retries != nil {
			p.Retries = *s.Retries
		}
		if s.MaxBody != nil {
			p.MaxBody = *s.MaxBody
		}
		if s.RespectRobots != nil {
			p.RespectRobots = *s.RespectRobots
		}
		if s.AllowPrivateNetworks != nil {
			p.AllowPrivateNetworks = *s.AllowPrivateNetworks
		}
	}
	return p
}

func parallelism(f FetchSettings) int {
	if f.Parallel != nil {
		return *f.Parallel
	}
	return scraper.DefaultParallel
}
