package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/history"
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
title, lead, caption, heading, paragraph or bullet, labelled as such
("heading: …"; "kind" in --json), with its page, section path (for a
heading, the sections around it), the versions
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
		key, err := history.ResolvePageOrID(ctx, arc, opts.page)
		if err != nil {
			return err
		}
		page = &key
	}
	hits, err := history.Search(ctx, arc, query, page)
	if err != nil {
		return err
	}
	if opts.asJSON {
		return history.WriteJSON(g.io.Out, history.SearchHits(hits))
	}
	if err := history.WriteSearchText(g.io.Out, hits); err != nil {
		return err
	}
	if len(hits) == 0 {
		fmt.Fprintf(g.io.Err, "no match for %q\n", query)
	}
	return nil
}
