package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/history"
)

type feedCmdOptions struct {
	page    string
	limit   int
	selfURL string
}

func newFeedCommand(g *globals) *cobra.Command {
	var opts feedCmdOptions
	cmd := &cobra.Command{
		Use:   "feed",
		Short: "Print the changes as an Atom feed",
		Long: `Print the archive's changes as an Atom feed (RFC 4287) on stdout, newest
first: one entry per new version of a page, titled like
"kazakhstan/fr v2: 1 stamp changed, 1 bullet changed", dated when relwatch
first saw the version, in the page's language (xml:lang), with the change
report as HTML (saying where each side came from: a live check, a Wayback
Machine capture or an imported file) and a link to the page.

The feed's id is unique to the archive:
tag:relwatch,<date>:archive/<page>/<first-seen>/feed, named after the
archive's first live check, so feeds of two installations never share it
(--page adds /<id>/<lang>). With --self-url the feed links to where it is
published (rel="self"), as feed validators ask.

Entry ids are stable: tag:relwatch,<date>:<page>/sha256:<16 hex>/<first-seen>,
the page (<id>/<lang>), the first 16 hex digits of the new version's content
hash and when relwatch first saw it (UTC, RFC 3339; <date> is its day), e.g.
tag:relwatch,2026-11-28:kazakhstan/fr/sha256:2a511bf7bff7c2d1/2026-11-28T06:00:00Z.
Version numbers are not part of them: a backfill or import renumbers
versions, and the same change keeps its id. The feed's <updated> is the
newest change's time, so the same archive always gives the same feed.`,
		Example: `  relwatch feed > changes.atom
  relwatch feed --page kazakhstan/fr --limit 10`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runFeed(cmd.Context(), g, opts) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.page, "page", "", "only this page (<id> or <id>/<lang>)")
	f.IntVar(&opts.limit, "limit", 50, "at most N entries, newest first (0: all)")
	f.StringVar(&opts.selfURL, "self-url", "", "absolute URL the feed is published at, for its rel=\"self\" link")
	return cmd
}

func runFeed(ctx context.Context, g *globals, opts feedCmdOptions) error {
	if opts.limit < 0 {
		return usageError(fmt.Errorf("--limit %d: want 0 or more", opts.limit))
	}
	if u, err := url.Parse(opts.selfURL); opts.selfURL != "" && (err != nil || !u.IsAbs() || u.Host == "") {
		return usageError(fmt.Errorf("--self-url %q: want an absolute URL such as https://example.org/changes.atom", opts.selfURL))
	}
	arc, err := g.openArchive(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	q := history.FeedQuery{Limit: opts.limit}
	if opts.selfURL != "" {
		q.Links = []history.Link{{Rel: "self", Href: opts.selfURL, Type: "application/atom+xml"}}
	}
	if opts.page != "" {
		key, err := history.ResolvePageOrID(ctx, arc, opts.page)
		if err != nil {
			return err
		}
		q.Page = &key
	}
	feed, err := history.ReadFeed(ctx, arc, q)
	if err != nil {
		return err
	}
	return history.WriteFeed(g.io.Out, feed)
}
