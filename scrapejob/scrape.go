package scrapejob

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/notify"
	"github.com/relwatch/relwatch/output"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

// Job is a scrape of a config's targets into one store, with where its
// outputs go.
type Job struct {
	Config    config.Config
	Targets   []config.Target
	UserAgent string // the User-Agent of a target that sets none

	// Open opens the store for writing; the job closes it.
	Open func(ctx context.Context) (relwatch.Store, error)
	// Lock takes the store's writer lock, waiting up to LockWait for
	// another run to release it.
	Lock     func(ctx context.Context, arc relwatch.Store, wait time.Duration) (unlock func() error, err error)
	LockWait time.Duration
	// OutboxWait is how long a run on a shared store (PostgreSQL) waits
	// for another run's reporting and delivery to finish (0: a minute).
	OutboxWait time.Duration
	Deadline   time.Duration // stop fetching after this long (0: no limit)

	ReportDir string // --report-dir: "" writes none
	Summary   string // the Markdown summary's file: "" writes none
	JSON      bool   // results as JSON Lines instead of lines and a summary
	Out       io.Writer
	Progress  io.Writer // a "[3/12] page status" line per page, when not nil
	Log       *slog.Logger
}

// Outcome is what a run found and what it could not do after archiving.
type Outcome struct {
	// Results has one result per target, in the targets' order, then the
	// changes an earlier run archived but did not report (Earlier).
	Results []track.Result
	// OutputErr is a report or summary that could not be written: the
	// pages are archived and printed, the changes stay unreported for the
	// next run to report again.
	OutputErr error
	// Undelivered is true when a notification could not be delivered (it
	// waits in the outbox for the next run).
	Undelivered bool
}

// outboxLockWait is the default of Job.OutboxWait.
const outboxLockWait = time.Minute

// Run is one scrape: it opens the store, holds the writer lock (on
// PostgreSQL, a claim on each host it checks) while it fetches and records
// every target, then prints the results, writes the reports and delivers
// the notifications. afterPage, when not nil, runs after each page is
// recorded (watch uses it to stop between pages).
func (j *Job) Run(ctx context.Context, afterPage func()) (_ Outcome, err error) {
	if j.ReportDir != "" {
		if err := output.CheckFolder("--report-dir", j.ReportDir); err != nil {
			return Outcome{}, &history.InputError{Msg: err.Error()}
		}
		if err := output.CheckReportNames(j.Targets); err != nil {
			return Outcome{}, &history.InputError{Msg: err.Error()}
		}
	}
	arc, err := j.Open(ctx)
	if err != nil {
		return Outcome{}, err
	}
	defer closeStore(arc, &err)
	// A store that several runs may write at once (PostgreSQL) takes a
	// claim per host instead of the whole-archive writer lock.
	claims, shared := arc.(relwatch.Claimer)
	var otherRuns func(context.Context) (int, error)
	if shared {
		var leave func() error
		if otherRuns, leave, err = claims.JoinRun(ctx); err != nil {
			return Outcome{}, err
		}
		defer leave()
	} else {
		unlock, err := j.Lock(ctx, arc, j.LockWait)
		if err != nil {
			return Outcome{}, err
		}
		defer unlock()
	}

	sender := NewSender(j.Config, arc, j.Log)
	runStart := time.Now()
	// Not cancelled by a stop signal: a run stopped now still reports
	// (its pages are all skipped), and what it owes is known.
	if err := subscribeAll(context.WithoutCancel(ctx), arc, sender, runStart); err != nil {
		return Outcome{}, err
	}
	runOpts := track.RunOptions{
		Parallel: j.Config.Parallel(), Deadline: j.Deadline, Log: j.Log,
		AfterPage: func(done int, r track.Result) {
			if j.Progress != nil {
				fmt.Fprintf(j.Progress, "[%d/%d] %s %s\n", done, len(j.Targets), r.Page, r.Status)
			}
			if afterPage != nil {
				afterPage()
			}
		},
	}
	pages := Pages(j.Config, j.Targets, j.UserAgent)
	var results []track.Result
	if shared {
		results, err = track.RunClaimed(ctx, arc, claims, pages, runOpts)
	} else {
		results, err = track.Run(ctx, arc, pages, runOpts)
	}
	if err != nil {
		return Outcome{}, err
	}
	writeCtx := context.WithoutCancel(ctx)
	// Staleness is known before anything is printed, so that every output
	// says which pages are stale. An interrupted run does not judge it.
	staleAfter := time.Duration(0)
	if ctx.Err() == nil {
		staleAfter = j.Config.StaleAfter
	}
	judged := time.Now()
	if err := fromArchive(writeCtx, arc, j.Targets, results, judged, staleAfter); err != nil {
		return Outcome{}, err
	}
	if staleAfter > 0 {
		// Notifications never hold up the run's own output: what cannot
		// be written now is offered again by the next run.
		if err := offerHealthEvents(writeCtx, j.Log, j.Config, arc, j.Targets, results, judged); err != nil {
			j.Log.Warn("notifications: stale and lag events not written; the next run tries again", "err", err.Error())
		}
	}
	for _, r := range results {
		if r.Stale {
			j.Log.Warn("stale page", "page", r.Page, "last_success", r.LastSuccess, "stale_after", j.Config.StaleAfter.String())
		}
	}
	// On a store several runs write at once, the outbox is read and
	// settled by one run at a time, so that no two report or deliver the
	// same event; a run that cannot get the lock in time leaves both to
	// the next run. Other stores hold the writer lock already.
	outbox := true
	if shared {
		unlock, err := arc.Lock(writeCtx, cmp.Or(j.OutboxWait, outboxLockWait))
		if err != nil {
			j.Log.Info("outbox in use by another run: it reports and delivers", "err", err.Error())
			outbox = false
		} else {
			defer unlock()
		}
	}
	// Changes an earlier run archived but died before reporting are
	// reported now, after this run's own results. While another run is in
	// progress, a change this run did not make may be that run's, to be
	// reported by it, so a run beside others, or one without the outbox,
	// settles its own changes only (by their ids, which needs no lock), and
	// a later run that is alone reports what a dead run left.
	var earlier []track.Result
	mine := eventsOf(results)
	reported := slices.Collect(maps.Keys(mine))
	if outbox {
		alone := true
		if otherRuns != nil {
			n, err := otherRuns(writeCtx)
			if err != nil {
				return Outcome{}, err
			}
			alone = n == 0
		}
		if alone {
			if earlier, reported, err = unreported(writeCtx, arc, mine); err != nil {
				return Outcome{}, err
			}
		}
	}
	results = append(results, earlier...)
	if err := output.WriteResults(j.Out, results, j.JSON); err != nil {
		return Outcome{}, err
	}
	// The pages are archived and printed: a report that cannot be written
	// is an output error, returned with the results. The changes count as
	// reported once every report is written; until then the next run
	// reports them again.
	outErr := output.WriteReports(j.ReportDir, results)
	if outErr == nil {
		outErr = output.AppendSummary(j.Summary, results)
	}
	if outErr == nil {
		if err := notify.SettleReports(writeCtx, arc, reported); err != nil {
			return Outcome{}, err
		}
	}
	// Notifications go last: a slow or failing destination never delays
	// the run's own output, and what it misses waits in the outbox.
	delivered := true
	if outbox {
		if delivered, err = Deliver(ctx, sender); err != nil {
			return Outcome{}, err
		}
	}
	return Outcome{Results: results, OutputErr: outErr, Undelivered: !delivered}, nil
}

// closeStore closes arc and keeps its error in *err: the final write-back
// of a writing run can fail (a full disk), which is an archive problem
// even when everything before it went well.
func closeStore(arc relwatch.Store, err *error) {
	if cerr := arc.Close(); cerr != nil {
		*err = errors.Join(*err, cerr)
	}
}

// fromArchive completes the results from the archive's state after the
// run: a page whose check told nothing of its content (a failed check)
// shows the stamp of its latest version, and a page with no successful
// check for longer than staleAfter at now is marked stale (when
// staleAfter is not 0).
//
// A page checked in this run needs neither: its result holds the stamp of
// the version it saw or made, the page's latest, and it is not stale. So
// when every page was checked (a run that went well), the archive is not
// read at all.
func fromArchive(ctx context.Context, arc relwatch.History, targets []config.Target, results []track.Result, now time.Time, staleAfter time.Duration) error {
	if allChecked(results[:len(targets)]) {
		return nil
	}
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

// allChecked reports whether every result is of a page checked
// successfully.
func allChecked(results []track.Result) bool {
	for _, r := range results {
		if !r.Checked() {
			return false
		}
	}
	return true
}

// Pages are the targets as the pipeline takes them.
func Pages(cfg config.Config, targets []config.Target, userAgent string) []track.Page {
	pages := make([]track.Page, len(targets))
	for i, t := range targets {
		pages[i] = Page(cfg, t, userAgent)
	}
	return pages
}

// Page is a target as the pipeline takes it, with its fetch policy.
func Page(cfg config.Config, t config.Target, userAgent string) track.Page {
	return track.Page{
		Key: t.Key(), URL: t.URL,
		Parse:  t.ParseOptions(),
		Fetch:  cfg.Policy(t, userAgent),
		Redact: cfg.Redact,
	}
}
