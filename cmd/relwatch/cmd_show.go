package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/history"
)

type showOptions struct {
	version string
	at      string
	format  string
}

func newShowCommand(g *globals) *cobra.Command {
	var opts showOptions
	cmd := &cobra.Command{
		Use:   "show PAGE",
		Short: "Show a page as it was: the latest version, a version, or at a time",
		Long: `Show a snapshot of a page: the latest version by default, --version N, or
the version that was current at --at TIME (RFC 3339, or YYYY-MM-DD meaning
the end of that day, UTC). --version also takes a content hash prefix of at
least 6 hex digits (sha256:2a511b or 2a511b): version numbers are positions
in time order and shift when a backfill adds older versions; hashes do not.
The output says where the version came from (live, the Wayback Machine, an
imported file).`,
		Example: `  relwatch show kazakhstan/fr
  relwatch show kazakhstan/en --at 2026-01-31 --format markdown
  relwatch show kazakhstan/en --version 2 --format json
  relwatch show kazakhstan/en --version sha256:2a511b`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShow(cmd.Context(), g, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.version, "version", "", "version number or content hash prefix (default: latest)")
	f.StringVar(&opts.at, "at", "", "the version current at this time (RFC 3339 or YYYY-MM-DD)")
	f.StringVar(&opts.format, "format", "text", "text, markdown or json")
	return cmd
}

func runShow(ctx context.Context, g *globals, ref string, opts showOptions) error {
	if !slices.Contains(history.VersionFormats, opts.format) {
		return usageError(fmt.Errorf("--format %q: want text, markdown or json", opts.format))
	}
	if opts.version != "" && opts.at != "" {
		return usageError(fmt.Errorf("give --version or --at, not both"))
	}
	var at time.Time
	if opts.at != "" {
		var err error
		if at, err = history.ParseAt("--at", opts.at); err != nil {
			return err
		}
	}
	arc, err := g.openArchive(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	v, err := history.FindPageVersion(ctx, arc, ref, history.Ref{Name: "--version", Value: opts.version}, at)
	if v.Note != "" {
		fmt.Fprintln(g.io.Err, v.Note)
	}
	if err != nil {
		return err
	}
	history.WarnBadHash(g.io.Err, v.Page, v.Snapshot)
	return v.Render(g.io.Out, opts.format)
}
