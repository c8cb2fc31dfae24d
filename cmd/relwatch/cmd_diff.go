package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/diff"
)

type diffOptions struct {
	from, to int
	format   string
}

func newDiffCommand(g *globals) *cobra.Command {
	var opts diffOptions
	cmd := &cobra.Command{
		Use:   "diff PAGE",
		Short: "Show what changed between two versions of a page",
		Long: `Show what changed between two versions of a page, section by section,
with word-level detail: the last two versions by default.`,
		Example: `  relwatch diff kazakhstan/fr
  relwatch diff kazakhstan/en --from 1 --to 3 --format markdown
  relwatch diff kazakhstan/en --format html > change.html`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), g, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.from, "from", 0, "old version (default: the one before --to)")
	f.IntVar(&opts.to, "to", 0, "new version (default: latest)")
	f.StringVar(&opts.format, "format", "text", strings.Join(diff.Formats, ", "))
	return cmd
}

func runDiff(ctx context.Context, g *globals, ref string, opts diffOptions) error {
	if !slices.Contains(diff.Formats, opts.format) {
		return usageError(fmt.Errorf("--format %q: want one of %s", opts.format, strings.Join(diff.Formats, ", ")))
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
	newer, err := arc.Snapshot(ctx, key, opts.to)
	if err != nil {
		return err
	}
	from := opts.from
	if from == 0 {
		from = newer.Version - 1
	}
	if from < 1 {
		return usageError(fmt.Errorf("%s has only version %d: nothing to compare with", key, newer.Version))
	}
	older, err := arc.Snapshot(ctx, key, from)
	if err != nil {
		return err
	}
	report := diff.NewReport(key.String(), older, newer)
	report.WindowEnd = newer.FirstSeen
	if older.Version+1 == newer.Version {
		if _, start, err := arc.Change(ctx, key, newer.Version); err == nil {
			report.WindowStart = start
		}
	}
	return diff.Render(g.io.Out, opts.format, report, diff.RenderOptions{Color: g.io.colorOut()})
}
