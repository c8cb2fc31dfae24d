package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

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
	to, note, err := versionRef(ctx, arc, key, "--to", opts.to, 0)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(g.io.Err, note)
	}
	newer, err := arc.Snapshot(ctx, key, to)
	if err != nil {
		return err
	}
	// A hash in several versions means, for --from, the newest of them
	// before --to.
	from, note, err := versionRef(ctx, arc, key, "--from", opts.from, newer.Version)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintln(g.io.Err, note)
	}
	switch {
	case from == 0 && newer.Version == 1 && opts.to == "":
		return usageError(fmt.Errorf("%s has only version 1: nothing to compare with", key))
	case from == 0 && newer.Version == 1:
		return usageError(fmt.Errorf("--to %s is version 1, the first version of %s: there is no version before it to compare with (give --to 2 or later, or a --from)", opts.to, key))
	case from == 0:
		from = newer.Version - 1
	}
	older, err := arc.Snapshot(ctx, key, from)
	if err != nil {
		return err
	}
	if older.Version > newer.Version {
		// diff compares an older version with a newer one; the other way
		// round every addition would read as a removal.
		return usageError(fmt.Errorf("--from %s (version %d) is newer than --to %s (version %d): diff shows what changed from an older version to a newer one; swap them: --from %d --to %d",
			opts.from, older.Version, cmp.Or(opts.to, "latest"), newer.Version, newer.Version, older.Version))
	}
	warnBadHash(g.io, key, older)
	warnBadHash(g.io, key, newer)
	report := diff.NewReport(key.String(), older, newer)
	report.WindowEnd = newer.FirstSeen
	if older.Version+1 == newer.Version {
		if _, start, err := arc.Change(ctx, key, newer.Version); err == nil {
			report.WindowStart = start
		}
	}
	var buf bytes.Buffer
	if err := diff.Render(&buf, opts.format, report, diff.RenderOptions{Color: g.io.colorOut()}); err != nil {
		return err
	}
	var sides [2]relwatch.Provenance
	for i, s := range []snapshots.Snapshot{older, newer} {
		if sides[i], err = provenanceOf(ctx, arc, key, s.Version); err != nil {
			return err
		}
	}
	out, err := withProvenance(opts.format, buf.Bytes(), sides, [2]snapshots.Snapshot{older, newer})
	if err != nil {
		return err
	}
	_, err = g.io.Out.Write(out)
	return err
}

// withProvenance adds to a rendered diff report where each side came from:
// "from_source" and "to_source" in JSON; in the other formats a closing
// line for each side that is not a live check.
func withProvenance(format string, report []byte, p [2]relwatch.Provenance, sides [2]snapshots.Snapshot) ([]byte, error) {
	if format == "json" {
		body := bytes.TrimRight(report, "\n")
		body = bytes.TrimRight(bytes.TrimSuffix(body, []byte("}")), "\n")
		var out bytes.Buffer
		out.Write(body)
		for i, name := range []string{"from_source", "to_source"} {
			v := struct {
				Source      string `json:"source"`
				OriginalURL string `json:"original_url,omitempty"`
				Origin      string `json:"origin,omitempty"`
			}{cmp.Or(p[i].Source, relwatch.SourceLive), p[i].OriginalURL, p[i].Origin}
			js, err := json.MarshalIndent(v, "  ", "  ")
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&out, ",\n  %q: %s", name, js)
		}
		out.WriteString("\n}\n")
		return out.Bytes(), nil
	}
	var lines []string
	for i, s := range sides {
		if line := provenanceLine(p[i], s.FirstSeen); line != "" {
			lines = append(lines, fmt.Sprintf("Version %d: %s", s.Version, line))
		}
	}
	if len(lines) == 0 {
		return report, nil
	}
	var extra bytes.Buffer
	switch format {
	case "html":
		for _, l := range lines {
			fmt.Fprintf(&extra, "<p class=\"source\">%s</p>\n", html.EscapeString(l))
		}
		if i := bytes.LastIndex(report, []byte("</body>")); i >= 0 {
			return slices.Concat(report[:i], extra.Bytes(), report[i:]), nil
		}
		return append(report, extra.Bytes()...), nil
	case "markdown":
		extra.WriteString("\n")
		for _, l := range lines {
			fmt.Fprintf(&extra, "_%s_  \n", snapshots.EscapeMarkdown(l))
		}
	default:
		extra.WriteString("\n")
		for _, l := range lines {
			fmt.Fprintln(&extra, l)
		}
	}
	return append(report, extra.Bytes()...), nil
}
