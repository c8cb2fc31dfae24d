package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/output"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

type scrapeOptions struct {
	only         []string
	json         bool
	exitCode     bool
	lockTimeout  time.Duration
	reportDir    string
	summary      string
	deadline     time.Duration
	notifyStrict bool
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
	f.BoolVar(&opts.notifyStrict, "notify-strict", false, "exit 6 when a notification could not be delivered (the next run tries again)")
	return cmd
}

func runScrape(ctx context.Context, g *globals, opts scrapeOptions) error {
	cfg, targets, err := g.targets(opts.only)
	if err != nil {
		return err
	}
	results, err := scrapeRun(ctx, g, cfg, targets, opts, nil)
	if results == nil {
		return err
	}
	// An output error does not hide what the run found: an interruption,
	// a failed or stale page and a change (--exit-code) keep their exit
	// codes, with the output error said on stderr.
	exit := scrapeExit(ctx, results, opts.exitCode, cfg.StaleAfter)
	if err == nil || exit == nil {
		return cmp.Or(err, exit)
	}
	fmt.Fprintf(g.io.Err, "relwatch: %v\n", err)
	return exit
}

// scrapeRun is one scrape: it opens the archive, holds the writer lock (on
// PostgreSQL, a claim on each host it checks) while it fetches and records
// every target, then prints the results and writes the reports. afterPage, when not nil, runs after each page is
// recorded (watch uses it to stop between pages).
func scrapeRun(ctx context.Context, g *globals, cfg config.Config, targets []config.Target, opts scrapeOptions, afterPage func()) (_ []track.Result, err error) {
	if opts.reportDir != "" {
		if err := output.CheckFolder("--report-dir", opts.reportDir); err != nil {
			return nil, usageError(err)
		}
		if err := output.CheckReportNames(targets); err != nil {
			return nil, usageError(err)
		}
	}
	arc, err := g.openArchiveAs(ctx, cfg, true)
	if err != nil {
		return nil, err
	}
	defer closeArchive(arc, &err)
	// A store that several runs may write at once (PostgreSQL) takes a
	// claim per host instead of the whole-archive writer lock.
	claims, shared := arc.(relwatch.Claimer)
	if !shared {
		unlock, err := g.lockArchive(ctx, arc, opts.lockTimeout)
		if err != nil {
			return nil, err
		}
		defer unlock()
	}

	sender := newSender(g, cfg, arc)
	runStart := time.Now()
	// Not cancelled by a stop signal: a run stopped now still reports
	// (its pages are all skipped), and what it owes is known.
	if err := subscribeAll(context.WithoutCancel(ctx), arc, sender, runStart); err != nil {
		return nil, err
	}
	progress := isTerminal(g.io.Err)
	runOpts := track.RunOptions{
		Parallel: cfg.Parallel(), Deadline: opts.deadline, Log: g.log,
		AfterPage: func(done int, r track.Result) {
			if progress {
				fmt.Fprintf(g.io.Err, "[%d/%d] %s %s\n", done, len(targets), r.Page, r.Status)
			}
			if afterPage != nil {
				afterPage()
			}
		},
	}
	var results []track.Result
	if shared {
		results, err = track.RunClaimed(ctx, arc, claims, trackPages(cfg, targets), runOpts)
	} else {
		results, err = track.Run(ctx, arc, trackPages(cfg, targets), runOpts)
	}
	if err != nil {
		return nil, err
	}
	writeCtx := context.WithoutCancel(ctx)
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
	// On a store several runs write at once, the outbox is read and
	// settled by one run at a time, so that no two report or deliver the
	// same event; a run that cannot get the lock in time leaves both to
	// the next run. Other stores hold the writer lock already.
	outbox := true
	if shared {
		unlock, err := arc.Lock(writeCtx, outboxLockWait)
		if err != nil {
			g.log.Info("outbox in use by another run: it reports and delivers", "err", err.Error())
			outbox = false
		} else {
			defer unlock()
		}
	}
	// Changes an earlier run archived but died before reporting are
	// reported now, after this run's own results.
	var earlier []track.Result
	var reported []string
	if outbox {
		if earlier, reported, err = unreported(writeCtx, arc, runStart); err != nil {
			return nil, err
		}
	}
	results = append(results, earlier...)
	if err := output.WriteResults(g.io.Out, results, opts.json); err != nil {
		return nil, err
	}
	// The pages are archived and printed: a report that cannot be written
	// is an output error (exit 5), returned with the results. The changes
	// count as reported once every report is written; until then the next
	// run reports them again.
	outErr := output.WriteReports(opts.reportDir, results)
	if outErr == nil {
		outErr = output.AppendSummary(output.SummaryPath(opts.summary), results)
	}
	if outErr == nil {
		if err := settleReports(writeCtx, arc, reported); err != nil {
			return nil, err
		}
	}
	// Notifications go last: a slow or failing destination never delays
	// the run's own output, and what it misses waits in the outbox.
	delivered := true
	if outbox {
		if delivered, err = deliver(ctx, g, sender); err != nil {
			return nil, err
		}
	}
	switch {
	case outErr != nil:
		return results, outputError(outErr)
	case !delivered && opts.notifyStrict:
		return results, errNotifyStrict
	}
	return results, nil
}

// outboxLockWait is how long a run on a shared store waits for another
// run's reporting and delivery to finish.
const outboxLockWait = time.Minute

// fromArchive completes the results from the archive's state after the
// run: a page whose check told nothing of its content (a failed check)
// shows the stamp of its latest version, and a page with no successful
// check for longer than staleAfter at now is marked stale (when
// staleAfter is not 0).
func fromArchive(ctx context.Context, arc relwatch.History, targets []config.Target, results []track.Result, now time.Time, staleAfter time.Duration) error {
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
		if staleAfter > 0 && !r.Checked() && history.IsStale(p, now, staleAfter) {
			since := p.LastSuccess.Add(staleAfter).UTC()
			last := p.LastSuccess.UTC()
			r.Stale, r.StaleSince, r.LastSuccess = true, &since, &last
		}
	}
	return nil
}

// scrapeExit picks the exit code: interrupted beats failed (or stale)
// beats changed. The message names the stale pages.
func scrapeExit(ctx context.Context, results []track.Result, exitOnChange bool, staleAfter time.Duration) error {
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	failed, changed := 0, 0
	var stale []string
	for _, r := range results {
		switch r.Status {
		case relwatch.StatusFailed:
			failed++
		case relwatch.StatusNew, relwatch.StatusChanged:
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
func (g *globals) targets(only []string) (config.Config, []config.Target, error) {
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
func selectTargets(all []config.Target, only []string) ([]config.Target, error) {
	if len(only) == 0 {
		return all, nil
	}
	var out []config.Target
	for _, ref := range only {
		key, err := snapshots.ParsePageRef(ref)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, t := range all {
			if t.ID == key.ID && (key.Lang == "" || t.Lang == key.Lang) {
				if !slices.ContainsFunc(out, func(o config.Target) bool { return o.Key() == t.Key() }) {
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

// trackPages are the targets as the pipeline takes them.
func trackPages(cfg config.Config, targets []config.Target) []track.Page {
	pages := make([]track.Page, len(targets))
	for i, t := range targets {
		pages[i] = trackPage(cfg, t)
	}
	return pages
}

// trackPage is a target as the pipeline takes it, with its fetch policy.
func trackPage(cfg config.Config, t config.Target) track.Page {
	return track.Page{
		Key: t.Key(), URL: t.URL,
		Parse:  scraper.ParseOptions{Content: t.Content, Exclude: t.Exclude},
		Fetch:  cfg.Policy(t, userAgent()),
		Redact: cfg.Redact,
	}
}
