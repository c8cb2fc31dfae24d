// Package worker runs relwatch's checks as jobs of a PostgreSQL-backed
// queue (River, github.com/riverqueue/river), for several machines sharing
// one PostgreSQL archive: `relwatch worker`.
//
// A periodic job starts a round on the schedule (every D, or a cron
// expression); River's elected leader enqueues it, and it is unique per
// round, so a round is enqueued once however many workers run. The round's
// job enqueues one job per host (unique per round and host); a worker that
// takes a host's job claims the host in the archive and checks its pages,
// in order, with the host's own delay between requests: politeness holds
// by construction, as only one job fetches from a host. A page another
// run has checked since the round began is skipped, so a host's job that
// runs again (its worker died: River rescues a job running for longer than
// the lease and retries it elsewhere) checks only the pages not yet done,
// and no page is checked twice in a round.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/notify"
	"github.com/relwatch/relwatch/postgres"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

// Schedule says when rounds start.
type Schedule interface {
	Next(t time.Time) time.Time
}

// Options shape a worker.
type Options struct {
	Archive  *postgres.Archive
	Pages    []track.Page
	Schedule Schedule
	// Every is the schedule's period, used to name a round (its start,
	// rounded down); for a cron schedule, the time between two rounds.
	Every time.Duration
	// Lease is how long one attempt at a host's job may run: then it
	// stops after the page in hand and is retried for the pages left. A
	// job whose worker died is retried once two leases have passed (and
	// River's rescuer, every 30 s, has seen it).
	Lease time.Duration
	// Parallel is how many hosts this worker checks at once.
	Parallel int
	// ID names the worker in the queue and in --status; default
	// hostname/pid.
	ID  string
	Log *slog.Logger
	// AfterPage, when not nil, runs after each page is recorded.
	AfterPage func(r track.Result)

	// Notify, when it has destinations, delivers the outbox's events as
	// watch does: after each host job, and every NotifyEvery (default a
	// minute) for what a failed delivery left. One worker delivers at a
	// time, holding the archive's writer lock (scrape's outbox lock on
	// PostgreSQL too), so no event is sent twice by two workers.
	Notify      *notify.Sender
	NotifyEvery time.Duration
	// StaleAfter and LagAfter judge a host's pages at the end of its job:
	// the stale and lag events go to the outbox, when a destination of
	// Notify may want them.
	StaleAfter, LagAfter time.Duration
}

// notifyLockWait is how long a worker waits for another worker's (or a
// scrape's) delivery to end before it leaves delivering to that one.
const notifyLockWait = time.Minute

// roundArgs is the job that starts a round.
type roundArgs struct {
	Round int64 `json:"round"` // Unix seconds of the round's start
}

func (roundArgs) Kind() string { return "relwatch_round" }
func (roundArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// hostArgs is one host's checks in one round.
type hostArgs struct {
	Round int64  `json:"round"`
	Host  string `json:"host"`
	// Mark is the archive's last capture when the round began: a page
	// with a live capture after it was checked in this round.
	Mark int64 `json:"mark"`
}

func (hostArgs) Kind() string { return "relwatch_host" }
func (hostArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// HostOf is the host:port a page is fetched from.
func HostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// Migrate creates or upgrades River's tables in the archive's schema.
// Workers started together on a new archive take turns (an advisory lock
// held on a connection of its own meanwhile): River's migrations do not
// guard against running twice at once.
func Migrate(ctx context.Context, a *postgres.Archive) error {
	conn, err := a.Pool().Acquire(ctx)
	if err != nil {
		return fmt.Errorf("create the job queue's tables in %s: %w", a.Path(), err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtext('relwatch river migrate'))`); err != nil {
		return fmt.Errorf("create the job queue's tables in %s: %w", a.Path(), err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtext('relwatch river migrate'))`)
	m, err := rivermigrate.New(riverpgxv5.New(a.Pool()), &rivermigrate.Config{Logger: quiet()})
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("create the job queue's tables in %s: %w", a.Path(), err)
	}
	return nil
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Run runs a worker until ctx is done; then it finishes the page in hand,
// leaves the rest of its hosts to the other workers, and returns.
func Run(ctx context.Context, o Options) error {
	if o.Log == nil {
		o.Log = quiet()
	}
	if o.ID == "" {
		h, _ := os.Hostname()
		o.ID = fmt.Sprintf("%s/%d", h, os.Getpid())
	}
	if o.Parallel < 1 {
		o.Parallel = 2
	}
	if err := Migrate(ctx, o.Archive); err != nil {
		return err
	}
	byHost := map[string][]track.Page{}
	var hosts []string
	for _, p := range o.Pages {
		h := HostOf(p.URL)
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], p)
	}

	kick, delivered := func() {}, func() {}
	if o.Notify != nil && len(o.Notify.Destinations) > 0 {
		if err := o.Notify.Subscribe(ctx, time.Now()); err != nil {
			return err
		}
		kicks := make(chan struct{}, 1)
		kick = func() {
			select {
			case kicks <- struct{}{}:
			default: // a delivery is due already
			}
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			deliverLoop(ctx, o, kicks)
		}()
		delivered = func() { <-done }
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, &hostWorker{o: o, pages: byHost, kick: kick})
	river.AddWorker(workers, &roundWorker{o: o, hosts: hosts})
	periodic := river.NewPeriodicJob(o.Schedule, func() (river.JobArgs, *river.InsertOpts) {
		return roundArgs{Round: roundOf(time.Now(), o.Every)}, nil
	}, &river.PeriodicJobOpts{ID: "relwatch_round", RunOnStart: true})
	client, err := river.NewClient(riverpgxv5.New(o.Archive.Pool()), &river.Config{
		ID:           o.ID,
		Logger:       o.Log,
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Parallel}},
		Workers:      workers,
		PeriodicJobs: []*river.PeriodicJob{periodic},
		// A host's job runs for one lease at most: then it stops after the
		// page in hand and is retried, and the retry checks the pages
		// left. A job still marked running after two leases belongs to a
		// dead worker; River's leader retries it, on whichever worker
		// takes it.
		JobTimeout:           o.Lease,
		RescueStuckJobsAfter: 2 * o.Lease,
		FetchPollInterval:    200 * time.Millisecond,
	})
	if err != nil {
		return err
	}
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	o.Log.Info("worker started", "id", o.ID, "hosts", len(hosts), "pages", len(o.Pages))
	<-ctx.Done()
	// Cancel the jobs in hand: each records the page it is fetching and
	// stops; River retries the job, and another worker checks the pages
	// left.
	stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = client.StopAndCancel(stopCtx)
	delivered()
	return err
}

// deliverLoop delivers what the destinations are owed whenever a job has
// ended (kicks) and every NotifyEvery, until ctx is done.
func deliverLoop(ctx context.Context, o Options, kicks <-chan struct{}) {
	every := o.NotifyEvery
	if every <= 0 {
		every = time.Minute
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-kicks:
		case <-tick.C:
		}
		deliver(ctx, o)
	}
}

// deliver sends what is owed under the archive's writer lock: one sender
// at a time across workers and scrapes. When another holds it for longer
// than notifyLockWait, that one delivers.
func deliver(ctx context.Context, o Options) {
	unlock, err := o.Archive.Lock(ctx, notifyLockWait)
	if err != nil {
		if ctx.Err() == nil {
			o.Log.Info("outbox in use by another worker or run: it delivers", "err", err.Error())
		}
		return
	}
	defer unlock()
	if _, err := o.Notify.DeliverAndLog(ctx); err != nil {
		o.Log.Warn("notifications: delivery failed; tried again after the next job", "err", err.Error())
	}
}

// StartRound enqueues a round that starts at once, outside the schedule
// (relwatch worker --start-round): the running workers check every page
// not checked since. It reports false when a round of that name (at's
// second) is enqueued already. Migrate must have run (a worker has).
func StartRound(ctx context.Context, a *postgres.Archive, at time.Time) (bool, error) {
	client, err := river.NewClient(riverpgxv5.New(a.Pool()), &river.Config{Logger: quiet()})
	if err != nil {
		return false, err
	}
	res, err := client.Insert(ctx, roundArgs{Round: at.Unix()}, nil)
	if err != nil {
		return false, fmt.Errorf("enqueue a round in %s: %w (has a worker run on this archive?)", a.Path(), err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// roundOf names the round that starts at t: t rounded down to every.
func roundOf(t time.Time, every time.Duration) int64 {
	if every <= 0 {
		every = time.Minute
	}
	return t.Truncate(every).Unix()
}

// roundWorker enqueues a round's host jobs.
type roundWorker struct {
	river.WorkerDefaults[roundArgs]
	o     Options
	hosts []string
}

func (w *roundWorker) Work(ctx context.Context, job *river.Job[roundArgs]) error {
	mark, err := w.o.Archive.RoundMark(ctx)
	if err != nil {
		return err
	}
	var params []river.InsertManyParams
	for _, h := range w.hosts {
		params = append(params, river.InsertManyParams{Args: hostArgs{Round: job.Args.Round, Host: h, Mark: mark}})
	}
	if len(params) == 0 {
		return nil
	}
	client := river.ClientFromContext[pgx.Tx](ctx)
	_, err = client.InsertMany(ctx, params)
	return err
}

// hostWorker checks one host's pages in one round.
type hostWorker struct {
	river.WorkerDefaults[hostArgs]
	o     Options
	pages map[string][]track.Page
	kick  func() // asks for a delivery of the outbox
}

func (w *hostWorker) Work(ctx context.Context, job *river.Job[hostArgs]) error {
	a := w.o.Archive
	release, err := a.ClaimHost(ctx, job.Args.Host)
	if errors.Is(err, relwatch.ErrClaimed) {
		// Another run has the host now (a scrape, or this job's earlier
		// attempt, still alive): come back when it is done.
		return river.JobSnooze(5 * time.Second)
	}
	if err != nil {
		return err
	}
	defer release()
	// A run in progress until its events are settled: a scrape meanwhile
	// leaves them to this job rather than report them as a dead run's.
	_, leave, err := a.JoinRun(ctx)
	if err != nil {
		return err
	}
	defer leave()
	var todo []track.Page
	for _, p := range w.pages[job.Args.Host] {
		done, err := a.CheckedSince(ctx, p.Key, job.Args.Mark)
		if err != nil {
			return err
		}
		if !done {
			todo = append(todo, p)
		}
	}
	// A stop (SIGTERM: River cancels ctx) lets the page in hand finish:
	// the run has its own context, cancelled between pages once ctx is.
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if len(todo) == 0 {
			cancel()
		}
	})
	defer stop()
	results, err := track.Run(runCtx, a, todo, track.RunOptions{Parallel: 1, Log: w.o.Log, AfterPage: func(_ int, r track.Result) {
		w.o.Log.Info("checked", "worker", w.o.ID, "round", job.Args.Round, "page", r.Page, "status", r.Status, "version", r.Version)
		if w.o.AfterPage != nil {
			w.o.AfterPage(r)
		}
		if ctx.Err() != nil {
			cancel()
		}
	}})
	if err != nil {
		return err
	}
	// The log lines above are this job's report of its checks: settle
	// their events for the reports a scrape prints, or the next scrape on
	// this archive would report them as left over by a run that died.
	// A stop that came with the last page does not prevent it (runCtx
	// is cancelled by then).
	var reported []string
	for _, r := range results {
		reported = append(reported, r.EventIDs...)
	}
	settleCtx, cancelSettle := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancelSettle()
	if err := notify.SettleReports(settleCtx, a, reported); err != nil {
		return err
	}
	if ctx.Err() == nil {
		w.offerHealthEvents(runCtx, job.Args.Host, todo, results)
	}
	w.kick()
	for _, r := range results {
		if r.Status == relwatch.StatusSkipped {
			// Stopped before these pages (SIGTERM): fail the attempt so
			// that River gives the host to another worker.
			return fmt.Errorf("stopped before %s was checked", r.Page)
		}
	}
	return nil
}

// offerHealthEvents gives the outbox the stale and lag events of the
// host's pages, when a destination may want them. A page checked in this
// round (by this job, or before it by an earlier attempt) is not stale.
func (w *hostWorker) offerHealthEvents(ctx context.Context, host string, todo []track.Page, results []track.Result) {
	if w.o.Notify == nil || !notify.WantsHealth(w.o.Notify.Destinations) {
		return
	}
	var keys, checked []snapshots.PageKey
	for _, p := range w.pages[host] {
		keys = append(keys, p.Key)
		i := slices.IndexFunc(todo, func(t track.Page) bool { return t.Key == p.Key })
		if i < 0 || (i < len(results) && results[i].Checked()) {
			checked = append(checked, p.Key)
		}
	}
	n, err := history.OfferHealthEvents(ctx, w.o.Archive, keys, checked, time.Now(), w.o.StaleAfter, w.o.LagAfter)
	switch {
	case err != nil:
		w.o.Log.Warn("notifications: stale and lag events not written; the next job tries again", "host", host, "err", err.Error())
	case n > 0:
		w.o.Log.Info("stale or lagging pages to notify", "host", host, "events", n)
	}
}

// HostJob is one host's job as --status shows it.
type HostJob struct {
	Round     time.Time
	Host      string
	State     string
	Attempts  int
	Workers   []string // the workers that took it, in order
	Finished  *time.Time
	LastError string
}

// Status lists the latest host jobs, newest round first.
func Status(ctx context.Context, a *postgres.Archive, limit int) ([]HostJob, error) {
	client, err := river.NewClient(riverpgxv5.New(a.Pool()), &river.Config{Logger: quiet()})
	if err != nil {
		return nil, err
	}
	res, err := client.JobList(ctx, river.NewJobListParams().Kinds(hostArgs{}.Kind()).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("list the worker jobs in %s: %w (has a worker run on this archive?)", a.Path(), err)
	}
	var out []HostJob
	for _, j := range res.Jobs {
		var args hostArgs
		if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
			return nil, fmt.Errorf("job %d: %w", j.ID, err)
		}
		hj := HostJob{Round: time.Unix(args.Round, 0).UTC(), Host: args.Host, State: string(j.State),
			Attempts: j.Attempt, Workers: j.AttemptedBy, Finished: j.FinalizedAt}
		if n := len(j.Errors); n > 0 {
			hj.LastError = j.Errors[n-1].Error
		}
		out = append(out, hj)
	}
	return out, nil
}
