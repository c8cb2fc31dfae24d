package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archive"
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
	LastContentChange   *time.Time `json:"last_content_change"`
	Stale               bool       `json:"stale"`
	Lag                 string     `json:"lag"` // "" or e.g. "last changed 38 days before kazakhstan/en"
}

func runPages(ctx context.Context, g *globals, asJSON bool) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	arc, err := archive.Open(ctx, g.archivePath(cfg), archive.ReadOnly)
	if err != nil {
		return err
	}
	defer arc.Close()
	pages, err := arc.Pages(ctx)
	if err != nil {
		return err
	}
	states := make([]langState, len(pages))
	for i, p := range pages {
		states[i] = langState{Key: p.Page, Stamp: p.UpdatedRaw}
		if p.Latest == 0 {
			continue
		}
		versions, err := arc.Versions(ctx, p.Page)
		if err != nil {
			return fmt.Errorf("%s: versions: %w", p.Page, err)
		}
		states[i].LastContentChange = lastContentChange(versions)
	}
	lags := languageLags(states, cfg.LagAfter)
	now := time.Now()

	if asJSON {
		entries := make([]pageEntry, len(pages))
		for i, p := range pages {
			entries[i] = pageEntry{
				Page: p.Page.String(), URL: p.URL, CanonicalURL: p.CanonicalURL, LatestVersion: p.Latest, ContentHash: p.LatestHash,
				UpdatedRaw: nullable(p.UpdatedRaw), LastCheck: p.LastCheck, LastSuccess: p.LastSuccess, LastChange: p.LastChange,
				LastError: p.LastError, ConsecutiveFailures: p.ConsecutiveFailures,
				LastContentChange: optional(states[i].LastContentChange), Stale: isStale(p, now, cfg.StaleAfter), Lag: lags[p.Page],
			}
		}
		return writeJSON(g.io, entries)
	}
	tw := tabwriter.NewWriter(g.io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PAGE\tVERSION\tPAGE STAMP\tLAST CHECK\tLAST SUCCESS\tLAST CHANGE\tHEALTH")
	for _, p := range pages {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", p.Page, p.Latest, orDash(p.UpdatedRaw),
			optTime(p.LastCheck), optTime(p.LastSuccess), optTime(p.LastChange), healthLine(p, now, cfg.StaleAfter))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range states {
		if lag := lags[s.Key]; lag != "" {
			fmt.Fprintf(g.io.Out, "lag: %s %s%s\n", s.Key, lag, stampsOf(states, s.Key.ID))
		}
	}
	return nil
}

// healthLine is the HEALTH column: ok, stale, and the failures in a row
// with the last error.
func healthLine(p relwatch.PageStatus, now time.Time, staleAfter time.Duration) string {
	var parts []string
	if isStale(p, now, staleAfter) {
		parts = append(parts, "stale")
	}
	if p.ConsecutiveFailures > 0 {
		parts = append(parts, fmt.Sprintf("%d failed in a row: %s", p.ConsecutiveFailures, orDash(p.LastError)))
	}
	if len(parts) == 0 {
		return "ok"
	}
	return strings.Join(parts, "; ")
}

// stampsOf lists the declared stamps of every language of a page id:
// " (stamps: en 14 Nov. 2026 10:05, fr 23 May. 2022 15:38)".
func stampsOf(states []langState, id string) string {
	var parts []string
	for _, s := range states {
		if s.Key.ID == id {
			parts = append(parts, s.Key.Lang+" "+orDash(s.Stamp))
		}
	}
	return " (stamps: " + strings.Join(parts, ", ") + ")"
}

func optional(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
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
