package main

import (
	"context"
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
	first := time.Now()
	if spec.Cron != "" {
		first = next(first)
	}
	return g.scrapeJob(cfg, targets, opts.scrapeOptions).Watch(ctx, first, next, g.io.Err)
}
