package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/snapshots"
)

type showOptions struct {
	version int
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
the end of that day, UTC).`,
		Example: `  relwatch show kazakhstan/fr
  relwatch show kazakhstan/en --at 2026-01-31 --format markdown
  relwatch show kazakhstan/en --version 2 --format json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShow(cmd.Context(), g, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.version, "version", 0, "version number (default: latest)")
	f.StringVar(&opts.at, "at", "", "the version current at this time (RFC 3339 or YYYY-MM-DD)")
	f.StringVar(&opts.format, "format", "text", "text, markdown or json")
	return cmd
}

func runShow(ctx context.Context, g *globals, ref string, opts showOptions) error {
	write, err := snapshotWriter(opts.format)
	if err != nil {
		return usageError(err)
	}
	if opts.version != 0 && opts.at != "" {
		return usageError(fmt.Errorf("give --version or --at, not both"))
	}
	var at time.Time
	if opts.at != "" {
		if at, err = parseAt(opts.at); err != nil {
			return usageError(err)
		}
	}
	arc, err := g.openArchive(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	key, err := resolvePage(ctx, arc, ref)
	if err != nil {
		return err
	}
	var snap snapshots.Snapshot
	if opts.at != "" {
		snap, err = arc.SnapshotAt(ctx, key, at)
	} else {
		snap, err = arc.Snapshot(ctx, key, opts.version)
	}
	if err != nil {
		return err
	}
	return write(g.io, snap)
}

func snapshotWriter(format string) (func(streams, snapshots.Snapshot) error, error) {
	switch format {
	case "text":
		return func(io streams, s snapshots.Snapshot) error { return snapshots.WriteText(io.Out, s) }, nil
	case "markdown":
		return func(io streams, s snapshots.Snapshot) error { return snapshots.WriteMarkdown(io.Out, s) }, nil
	case "json":
		return func(io streams, s snapshots.Snapshot) error {
			_, err := io.Out.Write(snapshots.MarshalIndent(s))
			return err
		}, nil
	}
	return nil, fmt.Errorf("--format %q: want text, markdown or json", format)
}

// parseAt reads --at: an RFC 3339 time, or a date meaning the end of that
// day in UTC.
func parseAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Add(24*time.Hour - time.Nanosecond), nil
	}
	return time.Time{}, fmt.Errorf("--at %q: want RFC 3339 (2026-11-28T06:00:00Z) or a date (2026-11-28)", s)
}
