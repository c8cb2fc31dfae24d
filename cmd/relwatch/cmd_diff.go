package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/history"
)

type diffOptions struct {
	from, to string
	format   string
}

func newDiffCommand(g *globals) *cobra.Command {
	var opts diffOptions
	cmd := &cobra.Command{
		Use:   "diff PAGE",
		Short: "Show what changed between two versions of a page",
		Long: `Show what changed between two versions of a page, section by section,
with word-level detail: the last two versions by default. --from and --to
take a version number or a content hash prefix (sha256:2a511b or 2a511b);
--from must be older than --to (the other way round is refused, exit 2).
Every report says where a version from the Wayback Machine or an imported
file came from (JSON: from_source and to_source).`,
		Example: `  relwatch diff kazakhstan/fr
  relwatch diff kazakhstan/en --from 1 --to 3 --format markdown
  relwatch diff kazakhstan/en --format html > change.html`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), g, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.from, "from", "", "old version, number or content hash prefix (default: the one before --to)")
	f.StringVar(&opts.to, "to", "", "new version, number or content hash prefix (default: latest)")
	f.StringVar(&opts.format, "format", "text", strings.Join(diff.Formats, ", "))
	return cmd
}

func runDiff(ctx context.Context, g *globals, ref string, opts diffOptions) error {
	if !slices.Contains(diff.Formats, opts.format) {
		return usageError(fmt.Errorf("--format %q: want one of %s", opts.format, strings.Join(diff.Formats, ", ")))
	}
	arc, key, err := g.openPage(ctx, ref)
	if err != nil {
		return err
	}
	defer arc.Close()
	c, err := history.Compare(ctx, arc, key, history.Ref{Name: "--from", Value: opts.from}, history.Ref{Name: "--to", Value: opts.to})
	for _, note := range c.Notes {
		fmt.Fprintln(g.io.Err, note)
	}
	if err != nil {
		return err
	}
	history.WarnBadHash(g.io.Err, key, c.Older, c.Newer)
	ropts := history.RenderOptions()
	ropts.Color = g.io.colorOut()
	return c.Render(g.io.Out, opts.format, ropts)
}
