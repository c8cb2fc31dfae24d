package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/output"
	"github.com/relwatch/relwatch/track"
)

type importOptions struct {
	at          string
	lockTimeout time.Duration
}

func newImportCommand(g *globals) *cobra.Command {
	var opts importOptions
	cmd := &cobra.Command{
		Use:   "import PAGE FILE...",
		Short: "Archive saved HTML files as past captures of a page",
		Long: `Archive saved copies of a configured page as captures with source "import",
placed in the page's history at their time: --at TIME for every FILE, else,
for a file saved as a whole HTTP response (starting with "HTTP/1.x"), its
Date or else Last-Modified header. A file with neither is refused: give
--at. A file that does not parse as a page is recorded as a failed capture;
a file already imported at the same time is skipped.`,
		Example: `  relwatch import kazakhstan/en saved/2016-04-12.html --at 2016-04-12T10:00:00Z
  relwatch import kazakhstan/fr response.http`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageError(fmt.Errorf("want PAGE and at least one FILE\nusage: %s", cmd.UseLine()))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd.Context(), g, args[0], args[1:], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.at, "at", "", "capture time of every FILE (RFC 3339, or YYYY-MM-DD meaning 00:00 UTC)")
	f.DurationVar(&opts.lockTimeout, "lock-timeout", 0, "how long to wait for another run holding the archive")
	return cmd
}

func runImport(ctx context.Context, g *globals, ref string, files []string, opts importOptions) (err error) {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	target, err := cfg.TargetNamed(ref)
	if err != nil {
		return usageError(err)
	}
	var at time.Time
	if opts.at != "" {
		if at, err = track.ParseCaptureTime("--at", opts.at); err != nil {
			return usageError(err)
		}
	}
	// Read and date every file before touching the archive.
	pages, err := track.ReadAllSaved(files, at, cfg.Policy(target, "").MaxBody)
	if err != nil {
		return usageError(fmt.Errorf("import %s: %w", target.Key(), err))
	}

	arc, err := g.openArchiveAs(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer closeArchive(arc, &err)
	unlock, err := g.lockArchive(ctx, arc, opts.lockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	im, err := track.NewImport(ctx, arc, trackPage(cfg, target))
	if err != nil {
		return err
	}
	failed, shifted, err := im.All(ctx, pages, func(p track.SavedPage, out track.PastOutcome) {
		fmt.Fprintf(g.io.Out, "%s  %s  %s\n", p.Path, p.At.UTC().Format(time.DateTime), out)
	})
	switch {
	case err != nil && err == ctx.Err():
		return &exitError{code: exitInterrupted}
	case err != nil:
		return err
	}
	if shifted {
		fmt.Fprintln(g.io.Out, output.RenumberedNote)
	}
	if failed > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("import %s: %d of %d files did not parse as the page", target.Key(), failed, len(pages))}
	}
	return nil
}
