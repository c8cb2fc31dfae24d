package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/output"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

type backfillOptions struct {
	from, to    string
	dryRun      bool
	lockTimeout time.Duration
}

func newBackfillCommand(g *globals) *cobra.Command {
	var opts backfillOptions
	cmd := &cobra.Command{
		Use:   "backfill PAGE",
		Short: "Archive a page's past versions from the Wayback Machine",
		Long: `List a configured page's captures in the Wayback Machine (for the configured
URL and the other URLs that show the same page), fetch each distinct
capture raw, parse it, and archive it at its capture time with source
"wayback". Versions are kept in order of observation, so older captures go
before the live ones and versions after them are renumbered; a version's
content_hash never changes.

Requests are paced (wayback: cdx_interval, capture_interval) and 429 or 5xx
answers backed off. A capture that does not parse (an error page archived
with status 200) is recorded as a failed capture, never as a version, and
listed at the end. Interrupted, a backfill can simply be run again: captures
already archived are skipped.`,
		Example: `  relwatch backfill kazakhstan/fr --dry-run
  relwatch backfill kazakhstan/en --from 2010-01-01 --to 2019-12-31`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackfill(cmd.Context(), g, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.from, "from", "", "only captures from this date (YYYY-MM-DD, or 1-14 digits of yyyyMMddhhmmss)")
	f.StringVar(&opts.to, "to", "", "only captures up to this date, inclusive")
	f.BoolVar(&opts.dryRun, "dry-run", false, "list the captures that would be fetched, fetch nothing")
	f.DurationVar(&opts.lockTimeout, "lock-timeout", 0, "how long to wait for another run holding the archive")
	return cmd
}

func runBackfill(ctx context.Context, g *globals, ref string, opts backfillOptions) (err error) {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	target, err := cfg.TargetNamed(ref)
	if err != nil {
		return usageError(err)
	}
	from, err := track.CDXBound("--from", opts.from)
	if err != nil {
		return usageError(err)
	}
	to, err := track.CDXBound("--to", opts.to)
	if err != nil {
		return usageError(err)
	}
	key := target.Key()

	arc, err := g.openArchiveAs(ctx, cfg, !opts.dryRun)
	switch {
	case opts.dryRun && errors.Is(err, relwatch.ErrNoArchive):
		arc = nil // nothing archived yet
	case err != nil:
		return err
	default:
		defer closeArchive(arc, &err)
	}
	if !opts.dryRun {
		unlock, err := g.lockArchive(ctx, arc, opts.lockTimeout)
		if err != nil {
			return err
		}
		defer unlock()
	}

	wb, err := scraper.NewWayback(ctx, cfg.WaybackOptions(target, userAgent()), g.log)
	if err != nil {
		return usageError(err)
	}
	defer wb.Close()

	variants := scraper.WaybackVariants(relwatch.WithoutCredentials(target.URL), target.Lang)
	listed, listErrs := track.ListWayback(ctx, wb, key, variants, from, to, g.log)
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("backfill %s: interrupted while listing captures", key)}
	}
	var store track.Archive
	if arc != nil {
		store = arc
	}
	run, err := track.NewBackfill(ctx, store, wb, trackPage(cfg, target))
	if err != nil {
		return err
	}
	todo := run.Todo(listed)
	output.WriteBackfillPlan(g.io.Out, key, len(listed), len(variants), todo, cfg.Redact, opts.dryRun)
	if opts.dryRun {
		return listExit(key, listErrs)
	}
	var progress func(i int, c scraper.WaybackCapture, status string)
	if output.IsTerminal(g.io.Err) {
		progress = func(i int, c scraper.WaybackCapture, status string) {
			fmt.Fprintf(g.io.Err, "[%d/%d] %s %s %s\n", i+1, len(todo), c.Time.Format(time.DateOnly), cfg.Redact.URL(c.Original), status)
		}
	}
	if err := run.All(ctx, todo, g.log, progress); err != nil {
		return fmt.Errorf("backfill %s: %w", key, err)
	}
	// Counted even when interrupted: what was archived stays.
	added, err := run.Added(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	output.WriteBackfillDone(g.io.Out, key, run, added)
	if ctx.Err() != nil {
		return &exitError{code: exitInterrupted, err: fmt.Errorf("backfill %s interrupted; run it again to continue", key)}
	}
	if n := len(run.Failures); n > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("backfill %s: %d of %d captures failed", key, n, len(todo))}
	}
	return listExit(key, listErrs)
}

func listExit(key snapshots.PageKey, listErrs []string) error {
	if len(listErrs) == 0 {
		return nil
	}
	return &exitError{code: exitFailed, err: fmt.Errorf("backfill %s: listing failed for %d URLs: %s", key, len(listErrs), strings.Join(listErrs, "; "))}
}
