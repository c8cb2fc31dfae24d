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
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/postgres"
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
}

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
func Migrate(ctx context.Context, a *postgres.Archive) error {
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

	workers := river.NewWorkers()
	river.AddWorker(workers, &hostWorker{o: o, pages: byHost})
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
	return client.StopAndCancel(stopCtx)
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
	for _, r := range results {
		if r.Status == relwatch.StatusSkipped {
			// Stopped before these pages (SIGTERM): fail the attempt so
			// that River gives the host to another worker.
			return fmt.Errorf("stopped before %s was checked", r.Page)
		}
	}
	return nil
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
