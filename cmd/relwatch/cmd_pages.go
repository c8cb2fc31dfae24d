package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func newPagesCommand(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "pages",
		Short: "List every page in the archive with its latest version and health",
		Long: `List every page in the archive: latest version and declared stamp, last
check, last change, and the last error with the number of consecutive
failures.`,
		Example: `  relwatch pages
  relwatch pages --json`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error { return runPages(cmd.Context(), g, asJSON) },
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

// pageEntry is one page in `pages --json`.
type pageEntry struct {
	Page                string     `json:"page"`
	URL                 string     `json:"url"`
	CanonicalURL        string     `json:"canonical_url,omitempty"`
	LatestVersion       int        `json:"latest_version"`
	ContentHash         string     `json:"content_hash,omitempty"`
	UpdatedRaw          *string    `json:"updated_raw"`
	LastCheck           *time.Time `json:"last_check"`
	LastSuccess         *time.Time `json:"last_success"`
	LastChange          *time.Time `json:"last_change"`
	LastError           string     `json:"last_error,omitempty"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
}

func runPages(ctx context.Context, g *globals, asJSON bool) error {
	arc, err := g.openArchive(ctx)
	if err != nil {
		return err
	}
	defer arc.Close()
	pages, err := arc.Pages(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		entries := make([]pageEntry, len(pages))
		for i, p := range pages {
			entries[i] = pageEntry{
				Page: p.Page.String(), URL: p.URL, CanonicalURL: p.CanonicalURL, LatestVersion: p.Latest, ContentHash: p.LatestHash,
				UpdatedRaw: nullable(p.UpdatedRaw), LastCheck: p.LastCheck, LastSuccess: p.LastSuccess, LastChange: p.LastChange,
				LastError: p.LastError, ConsecutiveFailures: p.ConsecutiveFailures,
			}
		}
		return writeJSON(g.io, entries)
	}
	tw := tabwriter.NewWriter(g.io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PAGE\tVERSION\tPAGE STAMP\tLAST CHECK\tLAST CHANGE\tLAST ERROR")
	for _, p := range pages {
		lastErr := "-"
		if p.LastError != "" && p.ConsecutiveFailures > 0 {
			lastErr = fmt.Sprintf("%s (%d in a row)", p.LastError, p.ConsecutiveFailures)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", p.Page, p.Latest, orDash(p.UpdatedRaw), optTime(p.LastCheck), optTime(p.LastChange), lastErr)
	}
	return tw.Flush()
}

func optTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return shortTime(*t)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
