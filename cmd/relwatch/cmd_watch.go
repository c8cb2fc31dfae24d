package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/config"
)

type watchOptions struct {
	scrapeOptions
	every time.Duration
	cron  string
}

func newWatchCommand(g *globals) *cobra.Command {
	var opts watchOptions
	cmd := &cobra.Command{
		Use:   "watch [--every D | --cron SPEC]",
		Short: "Scrape on a schedule inside one long-running process",
		Long: `Run the same job as scrape on a schedule, for systemd, Kubernetes or a
terminal: every --every DURATION, or at the times of a standard five-field
cron expression (--cron, in UTC), or on the config's schedule: (6h or a
cron expression; the flags override it). The first run starts at once with
--every, at the next matching time with --cron. SIGTERM or Ctrl-C during a run
finishes the page in hand, then exits 0; between runs it exits at once.`,
		Example: `  relwatch watch --every 6h
  relwatch watch --cron "0 */6 * * *" --summary /var/log/relwatch-summary.md`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runWatch(cmd.Context(), g, opts) },
	}
	f := cmd.Flags()
	f.DurationVar(&opts.every, "every", 0, "run every DURATION (e.g. 6h)")
	f.StringVar(&opts.cron, "cron", "", `run at the times of a cron expression (e.g. "0 */6 * * *", UTC)`)
	f.StringArrayVar(&opts.only, "only", nil, "watch only this page (<id> or <id>/<lang>); repeatable")
	f.BoolVar(&opts.json, "json", false, "print one JSON object per page per run (JSON Lines)")
	f.DurationVar(&opts.lockTimeout, "lock-timeout", time.Minute, "how long each run waits for another scrape holding the archive")
	f.StringVar(&opts.reportDir, "report-dir", "", "write each new version's diff to DIR/<id>/<lang>-v<version>.{md,html,json}")
	f.StringVar(&opts.summary, "summary", "", "append a Markdown summary of each run to this file")
	return cmd
}

func runWatch(ctx context.Context, g *globals, opts watchOptions) error {
	cfg, targets, err := g.targets(opts.only)
	if err != nil {
		return err
	}
	spec, next, err := cfg.ScheduleOf(config.ScheduleSpec{Every: opts.every, Cron: opts.cron})
	if err != nil {
		return usageError(err)
	}
	at := time.Now()
	if spec.Cron != "" {
		at = next(at)
	}
	for {
		if wait := time.Until(at); wait > time.Second {
			fmt.Fprintf(g.io.Err, "relwatch: next run at %s\n", at.UTC().Format(time.DateTime+" UTC"))
		}
		if err := waitNotifying(ctx, g, cfg, at); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if !opts.json {
			// Each run's lines under a dated header, so that a log of many
			// runs says which run said what. JSON Lines carry no header.
			fmt.Fprintf(g.io.Out, "== run at %s\n", time.Now().UTC().Format(time.DateTime+" UTC"))
		}
		// Wait for another run holding the writer lock here, where a stop
		// signal ends the wait: the run below waits with a context that
		// only stops between pages.
		err := awaitWriterLock(ctx, g, cfg, opts.lockTimeout)
		if err == nil {
			// A stop signal lets the page in hand finish: the run has its
			// own context, cancelled between pages once ctx is done.
			runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
			_, err = scrapeRun(runCtx, g, cfg, targets, opts.scrapeOptions, func() {
				if ctx.Err() != nil {
					cancel()
				}
			})
			cancel()
		}
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && exitCode(err) == exitUnusable:
			return err // a broken archive will not mend itself by the next run
		case err != nil:
			g.log.Error("run failed", "err", err)
		}
		at = next(time.Now())
	}
}

// awaitWriterLock waits up to wait for the archive's writer lock to be
// free, giving up at once when ctx is done, and releases it again for the
// run to take. (The run's own wait cannot be interrupted by a stop signal,
// as its context outlives the signal; a run that grabs the lock in
// between makes it wait as before.)
func awaitWriterLock(ctx context.Context, g *globals, cfg config.Config, wait time.Duration) error {
	arc, err := g.openArchiveAs(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer arc.Close()
	unlock, err := g.lockArchive(ctx, arc, wait)
	if err != nil {
		return err
	}
	return unlock()
}

// notifyRetryEvery is how often watch tries, between runs, to deliver the
// notifications a run could not.
const notifyRetryEvery = time.Minute

// waitNotifying waits until at (or until ctx is done), delivering what the
// notify destinations are still owed every notifyRetryEvery meanwhile. An
// error is returned only for an unusable archive.
func waitNotifying(ctx context.Context, g *globals, cfg config.Config, at time.Time) error {
	tick := time.NewTicker(notifyRetryEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Until(at)):
			return nil
		case <-tick.C:
			if len(cfg.Notify.Destinations) == 0 {
				continue
			}
			if err := deliverBetweenRuns(ctx, g, cfg); err != nil {
				if exitCode(err) == exitUnusable {
					return err // a broken archive will not mend itself
				}
				g.log.Warn("notifications: delivery between runs failed", "err", err.Error())
			}
		}
	}
}

// deliverBetweenRuns sends what is owed, holding the writer lock so that
// no scrape delivers the same events at the same time; when another
// process holds it, that process delivers them.
func deliverBetweenRuns(ctx context.Context, g *globals, cfg config.Config) error {
	arc, err := g.openArchiveAs(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer arc.Close()
	unlock, err := arc.Lock(ctx, 0)
	if err != nil {
		return nil // a scrape is running: it delivers
	}
	defer unlock()
	_, err = deliver(ctx, g, newSender(g, cfg, arc))
	return err
}
