package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archivecopy"
	"github.com/relwatch/relwatch/output"
	"github.com/relwatch/relwatch/stores"
)

func newArchiveCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "archive",
		Short: "Work on whole archives: copy one to another engine",
		Args:  exactArgs(0),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "copy SRC DST",
		Short: "Copy a whole archive, between SQLite files and PostgreSQL databases",
		Long: `Copy every page of the archive SRC into DST: every capture, raw body,
version, change and provenance, with the same content hashes, so that log,
show, diff, search and check answer the same on both. Each is a SQLite file
or a PostgreSQL connection string (postgres://…); DST is created when it
does not exist.

The copy is resumable, not atomic: each page is copied in one transaction
and then read back from DST and compared with SRC; a page DST already has
with the same history is skipped, so an interrupted copy finishes when run
again. A page DST has with another history stops the copy (exit 4) before
anything is written for it. Hold the writer lock on DST for the copy;
do not scrape into SRC meanwhile (a page that changes during its copy is
reported).`,
		Example: `  relwatch archive copy relwatch.db postgres://relwatch@db.example/relwatch
  RELWATCH_DB=postgres://… relwatch archive copy "$RELWATCH_DB" backup.db`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runArchiveCopy(cmd.Context(), g, args[0], args[1])
		},
	})
	return cmd
}

func runArchiveCopy(ctx context.Context, g *globals, srcLoc, dstLoc string) error {
	if srcLoc == dstLoc {
		return usageError(fmt.Errorf("archive copy: SRC and DST are the same archive"))
	}
	src, err := stores.Open(ctx, srcLoc, false)
	if err != nil {
		return err
	}
	defer src.Close()
	dstStore, err := stores.Open(ctx, dstLoc, true)
	if err != nil {
		return err
	}
	defer dstStore.Close()
	dst, ok := dstStore.(archivecopy.Destination)
	if !ok {
		return fmt.Errorf("archive copy: %s cannot take a copy", dstStore.Path())
	}
	unlock, err := dstStore.Lock(ctx, 0)
	if err != nil {
		return err
	}
	defer unlock()

	var progress archivecopy.Progress
	if output.IsTerminal(g.io.Err) {
		progress = output.CopyProgress(g.io.Err)
	}
	rep, err := archivecopy.Copy(ctx, src, dst, progress)
	if errors.Is(err, archivecopy.ErrDiffers) {
		return &exitError{code: exitUnusable, err: fmt.Errorf("archive copy to %s: %w", dstStore.Path(), err)}
	}
	if err != nil {
		return fmt.Errorf("archive copy from %s to %s: %w (pages copied so far are kept; run it again to go on)", src.Path(), dstStore.Path(), err)
	}
	_, err = fmt.Fprintf(g.io.Out, "copied %d pages (%d captures, %d versions) and %d notification events from %s to %s; %d already there\n",
		rep.Copied, rep.Captures, rep.Versions, rep.Events, src.Path(), dstStore.Path(), rep.Skipped)
	return err
}
