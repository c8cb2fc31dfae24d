package main

import (
	"context"
	"fmt"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
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
	// Like every command that reads an archive, reparse never creates one:
	// a missing file is refused (exit 4) before anything is written.
	arc, err := openStore(ctx, g.archivePath(cfg), false)
	if err != nil {
		return err
	}
	if dryRun {
		// No writer lock: the rebuild is rolled back, so a running scrape
		// neither blocks nor is blocked by a dry run.
		defer arc.Close()
		scratch, discard, err := dryRunStore(ctx, arc, g.archivePath(cfg))
		if err != nil {
			return err
		}
		defer discard()
		arc = scratch
	} else {
		arc.Close()
		if arc, err = openStore(ctx, g.archivePath(cfg), true); err != nil {
			return err
		}
		defer closeArchive(arc, &err)
		unlock, err := arc.Lock(ctx, 0)
		if err != nil {
			return err
		}
		defer unlock()
	}

	pages, err := arc.Pages(ctx)
	if err != nil {
		return err
	}
	if len(args) == 1 {
		key, err := resolvePage(ctx, arc, args[0])
		if err != nil {
			return err
		}
		pages = filterPages(pages, key)
	}
	for _, p := range pages {
		report, err := arc.Reparse(ctx, &p.Page, track.Parser(reparsePage(cfg, p)), track.Compare, dryRun)
		if err != nil {
			return fmt.Errorf("reparse %s: %w", p.Page, err)
		}
		for _, r := range report.Pages {
			verb := "rebuilt"
			if dryRun {
				verb = "would rebuild"
			}
			if !r.Changed {
				fmt.Fprintf(g.io.Out, "%s: %d captures, %d versions: unchanged\n", r.Page, r.Captures, r.Before)
				continue
			}
			fmt.Fprintf(g.io.Out, "%s: %d captures: %s %d versions as %d; rewritten %v; parser-only changes %v\n",
				r.Page, r.Captures, verb, r.Before, r.After, r.Rewritten, r.ParserChanges)
		}
	}
	return nil
}

func filterPages(pages []relwatch.PageStatus, key snapshots.PageKey) []relwatch.PageStatus {
	for _, p := range pages {
		if p.Page == key {
			return []relwatch.PageStatus{p}
		}
	}
	return nil
}

// reparsePage is a page as reparse parses it: with the content/exclude
// selectors the config now has for it, and the URL the archive stored.
func reparsePage(cfg config.Config, p relwatch.PageStatus) track.Page {
	page := track.Page{Key: p.Page, URL: p.URL}
	for _, t := range cfg.Targets {
		if t.Key() == p.Page {
			page.Parse = scraper.ParseOptions{Content: t.Content, Exclude: t.Exclude}
		}
	}
	return page
}

// dryRunStore is where reparse --dry-run rebuilds: for a SQLite file, a
// private read-write copy (the archive is open read-only); for PostgreSQL,
// the archive itself opened for writing, as Reparse's dry run rolls its
// one transaction back and so never changes it.
func dryRunStore(ctx context.Context, arc relwatch.Store, location string) (relwatch.Store, func() error, error) {
	if a, ok := arc.(*archive.Archive); ok {
		scratch, discard, err := a.ScratchCopy(ctx)
		if err != nil {
			return nil, nil, err
		}
		return scratch, discard, nil
	}
	rw, err := openStore(ctx, location, true)
	if err != nil {
		return nil, nil, err
	}
	return rw, rw.Close, nil
}
