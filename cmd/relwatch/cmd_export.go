package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/output"
)

func newExportCommand(g *globals) *cobra.Command {
	var opts history.ExportOptions
	cmd := &cobra.Command{
		Use:   "export DIR",
		Short: "Write the archive as a git-friendly tree of JSON, Markdown and Atom",
		Long: `Write the archive into DIR as plain files to commit or publish:

  DIR/README.md                            index: pages, stamps, last changes
  DIR/feed.atom                            the changes as an Atom feed
  DIR/<id>/<lang>.json                     latest snapshot (without last_seen)
  DIR/<id>/<lang>.md                       latest snapshot as Markdown
  DIR/changes/<date>-<id>-<lang>-<hash>.md   one file per change
  DIR/changes/<date>-<id>-<lang>-<hash>.html the same change as an HTML page

A change file is named after the version it leads to: the day relwatch
first saw it (UTC) and the first 12 hex digits of its content hash, not
its number, so a backfill that renumbers versions never gives a published
name to another change.

The tree holds archive dates only, so exporting again with nothing new
changes no byte. Files are written atomically and only when their content
differs. relwatch owns DIR/changes/ and the DIR/<id>/ folders of exported
pages: files there with relwatch's name patterns that are no longer part of
the export (say, after a reparse, or the -v<N> names of older exports) are removed. Nothing
else in DIR is touched.

Prints one line per file written or removed, then a count.`,
		Example: `  relwatch export data/
  relwatch export site/ --base-url https://example.org/relwatch/`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runExport(cmd.Context(), g, args[0], opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.BaseURL, "base-url", "", "URL where DIR is published, for absolute links in feed.atom (default: relative links)")
	f.IntVar(&opts.FeedLimit, "feed-limit", 50, "entries in feed.atom, newest first (0: all)")
	return cmd
}

func runExport(ctx context.Context, g *globals, dir string, opts history.ExportOptions) error {
	if err := opts.Check(); err != nil {
		return err
	}
	if err := output.CheckFolder("export", dir); err != nil {
		return usageError(err)
	}
	arc, err := g.openArchive(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	files, err := history.PlanExport(ctx, arc, opts)
	if err != nil {
		return err
	}
	res, err := output.WriteExport(dir, files)
	for _, p := range res.Written {
		fmt.Fprintf(g.io.Out, "wrote    %s\n", p)
	}
	for _, p := range res.Removed {
		fmt.Fprintf(g.io.Out, "removed  %s\n", p)
	}
	if err != nil {
		return outputError(err)
	}
	_, err = fmt.Fprintf(g.io.Out, "export %s: %d written, %d removed, %d unchanged\n", dir, len(res.Written), len(res.Removed), res.Unchanged)
	return err
}
