package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
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
	tw := tabwriter.NewWriter(g.io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PAGE\tVERSION\tPAGE STAMP\tLAST CHECK (UTC)\tLAST SUCCESS (UTC)\tLAST CHANGE (UTC)\tHEALTH")
	for _, h := range pages {
		p := h.Status
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", p.Page, p.Latest, orDash(p.UpdatedRaw),
			optTime(p.LastCheck), optTime(p.LastSuccess), optTime(p.LastChange), h.Health())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, h := range pages {
		if h.Lag != "" {
			fmt.Fprintf(g.io.Out, "lag: %s %s%s\n", h.Status.Page, h.Lag, stampsOf(pages, h.Status.Page.ID))
		}
	}
	return nil
}

// stampsOf lists the declared stamps of every language of a page id:
// " (stamps: en 14 Nov. 2026 10:05, fr 23 May. 2022 15:38)".
func stampsOf(pages []history.PageHealth, id string) string {
	var parts []string
	for _, h := range pages {
		if h.Status.Page.ID == id {
			parts = append(parts, h.Status.Page.Lang+" "+orDash(h.Status.UpdatedRaw))
		}
	}
	return " (stamps: " + strings.Join(parts, ", ") + ")"
}

func optTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return history.ShortTime(*t)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
