package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/stores"
	"github.com/relwatch/relwatch/track"
)

func newReparseCommand(g *globals) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "reparse [PAGE]",
		Short: "Rebuild versions and changes from the stored raw captures with the current parser",
		Long: `Re-run the current parser over every stored raw capture of a page (or of
every page) and rebuild its versions and changes in one transaction. A
version that exists only because the parser now reads the page differently
is marked as a parser change, never reported as an edit of the page.
--dry-run prints what would change and changes nothing: it reads the
archive without the writer lock (a running scrape does not stop it) and
rebuilds a temporary copy of it, as large as the archive. Like the read
commands, reparse never creates an archive: a missing one is exit 4.`,
		Example: `  relwatch reparse --dry-run
  relwatch reparse kazakhstan/fr`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReparse(cmd.Context(), g, args, dryRun)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "say what would change, change nothing")
	return cmd
}

func runReparse(ctx context.Context, g *globals, args []string, dryRun bool) (err error) {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	arc, done, err := stores.ForReparse(ctx, g.archivePath(cfg), dryRun)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, done()) }()

	var only *snapshots.PageKey
	if len(args) == 1 {
		key, err := history.ResolvePage(ctx, arc, args[0])
		if err != nil {
			return err
		}
		only = &key
	}
	verb := "rebuilt"
	if dryRun {
		verb = "would rebuild"
	}
	parse := func(key snapshots.PageKey) scraper.ParseOptions {
		t, _ := cfg.TargetOf(key)
		return t.ParseOptions()
	}
	return track.Reparse(ctx, arc, only, parse, dryRun, func(r relwatch.PageReparse) {
		if !r.Changed {
			fmt.Fprintf(g.io.Out, "%s: %d captures, %d versions: unchanged\n", r.Page, r.Captures, r.Before)
			return
		}
		fmt.Fprintf(g.io.Out, "%s: %d captures: %s %d versions as %d; rewritten %v; parser-only changes %v\n",
			r.Page, r.Captures, verb, r.Before, r.After, r.Rewritten, r.ParserChanges)
	})
}
