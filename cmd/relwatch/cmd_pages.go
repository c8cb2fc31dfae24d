package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/stores"
)

func newPagesCommand(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "pages",
		Short: "List every page in the archive with its latest version and health",
		Long: `List every page in the archive: latest version and declared stamp, last
check, last successful check, last change, and its health: "ok", "stale"
when no check has succeeded for stale_after (config, default 168h), or the
last error with the number of consecutive failures.

For a page tracked in several languages, a language whose latest content
change is older than another language's by more than lag_after (config,
default 336h) is flagged after the table, e.g.
"kazakhstan/fr last changed 38 days before kazakhstan/en".`,
		Example: `  relwatch pages
  relwatch pages --json`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runPages(cmd.Context(), g, asJSON) },
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func runPages(ctx context.Context, g *globals, asJSON bool) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	arc, err := stores.Open(ctx, g.archivePath(cfg), false)
	if err != nil {
		return err
	}
	defer arc.Close()
	pages, err := history.Overview(ctx, arc, time.Now(), cfg.StaleAfter, cfg.LagAfter)
	if err != nil {
		return err
	}
	if asJSON {
		return history.WriteJSON(g.io.Out, history.PageEntries(pages))
	}
	return history.WritePagesTable(g.io.Out, pages)
}
