package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/snapshots"
)

type searchOptions struct {
	page   string
	asJSON bool
}

func newSearchCommand(g *globals) *cobra.Command {
	var opts searchOptions
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Find text across every version of every page, with when it appeared and vanished",
		Long: `Search the text of every archived version for TEXT, as a phrase, ignoring
case and accents ("securite" finds "sécurité"). Each hit is a distinct
paragraph, bullet, heading or lead with its page, section path, the versions
that contain it, when it was first and last seen, and the version it
vanished in ("appeared in version 2 and vanished in version 4"), or "still
present" when the latest version has it. --json gives the same as
vanished_in and vanished_seen (that version's first sighting), both null
while the text is still there.`,
		Example: `  relwatch search "Steppe Eagle"
  relwatch search securite --page kazakhstan/fr --json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSearch(cmd.Context(), g, args[0], opts)
		},
	}
	cmd.Flags().StringVar(&opts.page, "page", "", "search only this page")
	cmd.Flags().BoolVar(&opts.asJSON, "json", false, "print a JSON array")
	return cmd
}

// searchHit is one hit in `search --json`.
type searchHit struct {
	Page      string    `json:"page"`
	Path      []string  `json:"path"`
	Text      string    `json:"text"`
	Versions  []int     `json:"versions"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
	// VanishedIn is the first version after the last one containing the
	// text and VanishedSeen its first_seen; both null while the latest
	// version still contains it.
	VanishedIn   *int       `json:"vanished_in"`
	VanishedSeen *time.Time `json:"vanished_seen"`
}

func runSearch(ctx context.Context, g *globals, query string, opts searchOptions) error {
	if strings.TrimSpace(query) == "" {
		return usageError(fmt.Errorf("search: empty TEXT"))
	}
	arc, err := g.openArchive(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	var page *snapshots.PageKey
	if opts.page != "" {
		key, err := resolvePage(ctx, arc, opts.page)
		if err != nil {
			return err
		}
		page = &key
	}
	hits, err := arc.Search(ctx, query, page)
	if err != nil {
		return err
	}
	if opts.asJSON {
		out := make([]searchHit, len(hits))
		for i, h := range hits {
			path := h.Path
			if path == nil {
				path = []string{}
			}
			out[i] = searchHit{Page: h.Page, Path: path, Text: h.Text, Versions: h.Versions, FirstSeen: h.FirstSeen.UTC(), LastSeen: h.LastSeen.UTC()}
			if h.VanishedIn > 0 && h.VanishedSeen != nil {
				v, t := h.VanishedIn, h.VanishedSeen.UTC()
				out[i].VanishedIn, out[i].VanishedSeen = &v, &t
			}
		}
		return writeJSON(g.io, out)
	}
	for _, h := range hits {
		where := h.Page
		if len(h.Path) > 0 {
			where += " › " + strings.Join(h.Path, " › ")
		}
		fmt.Fprintf(g.io.Out, "%s\n  %s\n  in %s; first seen %s, last seen %s; %s\n\n", where, h.Text, versionList(h.Versions), shortTime(h.FirstSeen), shortTime(h.LastSeen), vanishedText(h))
	}
	if len(hits) == 0 {
		fmt.Fprintf(g.io.Err, "no match for %q\n", query)
	}
	return nil
}

// vanishedText says when a hit's text vanished: "vanished in version 4
// (2026-11-27 06:00)", or "still present" when the latest version has it.
func vanishedText(h relwatch.Hit) string {
	if h.VanishedIn == 0 || h.VanishedSeen == nil {
		return "still present"
	}
	return fmt.Sprintf("vanished in version %d (%s)", h.VanishedIn, shortTime(*h.VanishedSeen))
}

// versionList says "version 2" or "versions 2-4, 6".
func versionList(vs []int) string {
	var parts []string
	for i := 0; i < len(vs); {
		j := i
		for j+1 < len(vs) && vs[j+1] == vs[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, fmt.Sprint(vs[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", vs[i], vs[j]))
		}
		i = j + 1
	}
	if len(vs) == 1 {
		return "version " + parts[0]
	}
	return "versions " + strings.Join(parts, ", ")
}
