package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/postgres"
	"github.com/relwatch/relwatch/scrapejob"
	"github.com/relwatch/relwatch/worker"
)

type workerOptions struct {
	every    time.Duration
	cron     string
	lease    time.Duration
	parallel int
	status   bool
	start    bool
	only     []string
}

func newWorkerCommand(g *globals) *cobra.Command {
	var opts workerOptions
	cmd := &cobra.Command{
		Use:   "worker [--every D | --cron SPEC] | worker --status | worker --start-round",
		Short: "Check pages as jobs of a queue shared by several machines (PostgreSQL)",
		Long: `Run a long-lived worker that checks the config's pages as jobs of a job
queue kept in the PostgreSQL archive (River): start one on each of several
machines with the same config and archive. Each round (every --every
DURATION, or at the times of a cron expression, in UTC; without either
flag, on the config's schedule:) is enqueued once, as one job per host; a
worker takes a host's job, claims the host and
checks its pages in order with the host's delay between requests, so no
host ever gets two requests at once. A page already checked in the round is
skipped. When a worker dies, its host's job is taken by another worker
once it has run for longer than --lease, and only its unchecked pages are
checked. SIGTERM or Ctrl-C finishes the page in hand and stops; the other
workers check the rest.

--status lists the latest host jobs: round, host, state, which workers took
it and when it finished. --start-round enqueues a round now, outside the
schedule, for the running workers, and exits.`,
		Example: `  RELWATCH_DB=postgres://relwatch@db/relwatch relwatch worker --every 1h
  relwatch worker --cron "0 */6 * * *" --lease 20m
  relwatch worker --status
  relwatch worker --start-round`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runWorker(cmd.Context(), g, opts) },
	}
	f := cmd.Flags()
	f.DurationVar(&opts.every, "every", 0, "start a round every DURATION (e.g. 1h)")
	f.StringVar(&opts.cron, "cron", "", `start rounds at the times of a cron expression (e.g. "0 */6 * * *", UTC)`)
	f.DurationVar(&opts.lease, "lease", 15*time.Minute, "how long a host's job may run before another worker takes it over")
	f.IntVar(&opts.parallel, "parallel", 2, "hosts this worker checks at once")
	f.BoolVar(&opts.status, "status", false, "show which worker checked which host in the latest rounds, and exit")
	f.BoolVar(&opts.start, "start-round", false, "enqueue a round now, outside the schedule, for the running workers, and exit")
	f.StringArrayVar(&opts.only, "only", nil, "check only this page (<id> or <id>/<lang>); repeatable")
	return cmd
}

func runWorker(ctx context.Context, g *globals, opts workerOptions) error {
	cfg, targets, err := g.targets(opts.only)
	if err != nil {
		return err
	}
	loc := g.archivePath(cfg)
	if !postgres.IsDSN(loc) {
		return usageError(fmt.Errorf("worker needs a PostgreSQL archive (--db postgres://…, $%s or archive: postgres://… in the config), not %s", dbEnv, loc))
	}
	if opts.status {
		return workerStatus(ctx, g, loc)
	}
	if opts.start {
		return startRound(ctx, g, loc)
	}
	spec, next, err := cfg.ScheduleOf(config.ScheduleSpec{Every: opts.every, Cron: opts.cron})
	if err != nil {
		return usageError(err)
	}
	period := spec.Period(next, time.Now())
	if opts.lease <= 0 {
		return usageError(fmt.Errorf("--lease %v: want a positive duration", opts.lease))
	}
	a, err := postgres.Open(ctx, loc, postgres.ReadWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	host, _ := os.Hostname()
	return worker.Run(ctx, worker.Options{
		Archive: a, Pages: scrapejob.Pages(cfg, targets, userAgent()), Schedule: next, Every: period,
		Lease: opts.lease, Parallel: opts.parallel, ID: fmt.Sprintf("%s/%d", host, os.Getpid()), Log: g.log,
		Notify: scrapejob.NewSender(cfg, a, g.log), StaleAfter: cfg.StaleAfter, LagAfter: cfg.LagAfter,
	})
}

func workerStatus(ctx context.Context, g *globals, loc string) error {
	a, err := postgres.Open(ctx, loc, postgres.ReadOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	jobs, err := worker.Status(ctx, a, 50)
	if err != nil {
		return err
	}
	return worker.WriteStatus(g.io.Out, jobs)
}

func startRound(ctx context.Context, g *globals, loc string) error {
	a, err := postgres.Open(ctx, loc, postgres.ReadWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := worker.Migrate(ctx, a); err != nil {
		return err
	}
	at := time.Now().UTC()
	started, err := worker.StartRound(ctx, a, at)
	if err != nil {
		return err
	}
	if !started {
		_, err = fmt.Fprintf(g.io.Out, "a round of %s is enqueued already\n", at.Format(time.RFC3339))
		return err
	}
	_, err = fmt.Fprintf(g.io.Out, "round %s enqueued\n", at.Format(time.RFC3339))
	return err
}
