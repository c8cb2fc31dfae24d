package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
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
take a version number or a content hash prefix (sha256:2a511b or 2a511b).
The text and Markdown reports say where a version from the Wayback Machine
or an imported file came from.`,
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
	arc, err := g.openArchive(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	key, err := resolvePage(ctx, arc, ref)
	if err != nil {
		return err
	}
	to, err := versionRef(ctx, arc, key, "--to", opts.to)
	if err != nil {
		return err
	}
	from, err := versionRef(ctx, arc, key, "--from", opts.from)
	if err != nil {
		return err
	}
	newer, err := arc.Snapshot(ctx, key, to)
	if err != nil {
		return err
	}
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
	if err := diff.Render(g.io.Out, opts.format, report, diff.RenderOptions{Color: g.io.colorOut()}); err != nil {
		return err
	}
	return writeDiffProvenance(ctx, g.io, arc, key, opts.format, older, newer)
}

// writeDiffProvenance follows a text or Markdown report with where each
// side came from, when either is not a live check.
func writeDiffProvenance(ctx context.Context, io streams, arc *archive.Archive, key snapshots.PageKey, format string, sides ...snapshots.Snapshot) error {
	if format != "text" && format != "markdown" {
		return nil
	}
	var lines []string
	for _, s := range sides {
		p, err := provenanceOf(ctx, arc, key, s.Version)
		if err != nil {
			return err
		}
		if line := provenanceLine(p, s.FirstSeen); line != "" {
			lines = append(lines, fmt.Sprintf("Version %d: %s", s.Version, line))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	fmt.Fprintln(io.Out)
	for _, l := range lines {
		if format == "markdown" {
			l = "_" + snapshots.EscapeMarkdown(l) + "_  "
		}
		fmt.Fprintln(io.Out, l)
	}
	return nil
}
