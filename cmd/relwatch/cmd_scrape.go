package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/output"
	"github.com/relwatch/relwatch/scrapejob"
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
	defer batchGC()()
	cfg, targets, err := g.targets(opts.only)
	if err != nil {
		return err
	}
	out, err := g.scrapeJob(cfg, targets, opts).Run(ctx, nil)
	if err != nil {
		return err
	}
	// An output error does not hide what the run found: an interruption,
	// a failed or stale page and a change (--exit-code) keep their exit
	// codes, with the output error said on stderr.
	var after error
	switch {
	case out.OutputErr != nil:
		after = outputError(out.OutputErr)
	case out.Undelivered && opts.notifyStrict:
		after = errNotifyStrict
	}
	exit := scrapeExit(ctx, out.Results, opts.exitCode, cfg.StaleAfter)
	if after == nil || exit == nil {
		return cmp.Or(after, exit)
	}
	fmt.Fprintf(g.io.Err, "relwatch: %v\n", after)
	return exit
}

// scrapeJob is the scrape job the flags describe.
func (g *globals) scrapeJob(cfg config.Config, targets []config.Target, opts scrapeOptions) *scrapejob.Job {
	job := &scrapejob.Job{
		Config: cfg, Targets: targets, UserAgent: userAgent(),
		Open:     func(ctx context.Context) (relwatch.Store, error) { return g.openArchiveAs(ctx, cfg, true) },
		Lock:     g.lockArchive,
		LockWait: opts.lockTimeout, Deadline: opts.deadline,
		ReportDir: opts.reportDir, Summary: output.SummaryPath(opts.summary), JSON: opts.json,
		Out: g.io.Out, Log: g.log,
	}
	if output.IsTerminal(g.io.Err) {
		job.Progress = g.io.Err
	}
	return job
}

// errNotifyStrict is scrape's error when --notify-strict and a
// notification could not be delivered: exit 6, unless the run's own
// outcome gives another code.
var errNotifyStrict = &exitError{code: exitNotify,
	err: errors.New("--notify-strict: some notifications could not be delivered; the next run tries again")}

// scrapeExit picks the exit code: interrupted beats failed or stale (3,
// naming the stale pages) beats changed (1, with --exit-code).
func scrapeExit(ctx context.Context, results []track.Result, exitOnChange bool, staleAfter time.Duration) error {
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted}
	}
	n := track.Count(results)
	var why []string
	if n.Failed > 0 {
		why = append(why, fmt.Sprintf("%d of %d pages failed", n.Failed, len(results)))
	}
	if len(n.Stale) > 0 {
		why = append(why, fmt.Sprintf("stale (no successful check for over %s): %s", staleAfter, strings.Join(n.Stale, ", ")))
	}
	switch {
	case len(why) > 0:
		return &exitError{code: exitFailed, err: errors.New(strings.Join(why, "; "))}
	case exitOnChange && n.Changed > 0:
		return &exitError{code: exitChanged}
	}
	return nil
}

// targets loads the config and the targets --only selects.
func (g *globals) targets(only []string) (config.Config, []config.Target, error) {
	cfg, err := g.config()
	if err != nil {
		return cfg, nil, err
	}
	targets, err := cfg.Select("--only", only)
	if err != nil {
		return cfg, nil, usageError(err)
	}
	return cfg, targets, nil
}

// trackPage is a target as the pipeline takes it, with its fetch policy.
func trackPage(cfg config.Config, t config.Target) track.Page {
	return scrapejob.Page(cfg, t, userAgent())
}
