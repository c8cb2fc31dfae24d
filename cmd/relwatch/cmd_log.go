package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archive"
)

func newLogCommand(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "log PAGE",
		Short: "List the versions of a page, oldest first",
		Long: `List the versions of a page, oldest first: version number, when relwatch
first and last saw it, how many checks saw it, the page's declared update
stamp, and what changed from the version before.`,
		Example: `  relwatch log kazakhstan/fr
  relwatch log kazakhstan/en --json | jq '.[-1]'`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLog(cmd.Context(), g, args[0], asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

// logEntry is one version in `log --json`.
type logEntry struct {
	Version       int            `json:"version"`
	ContentHash   string         `json:"content_hash"`
	FirstSeen     time.Time      `json:"first_seen"`
	LastSeen      time.Time      `json:"last_seen"`
	Checks        int            `json:"checks"`
	UpdatedRaw    *string        `json:"updated_raw"`
	UpdatedOn     *string        `json:"updated_on"`
	UpdatedAt     *string        `json:"updated_at"`
	ParserVersion int            `json:"parser_version"`
	ChangedAfter  *time.Time     `json:"changed_after,omitempty"`
	Summary       map[string]int `json:"summary,omitempty"`
	StampOnly     bool           `json:"stamp_only"`
	// ParserChange marks a version that exists only because a new parser
	// reads the same capture differently (relwatch reparse): not an edit
	// of the page.
	ParserChange bool   `json:"parser_change"`
	Suspect      string `json:"suspect,omitempty"`
	// Where the version's first capture came from.
	Source      string `json:"source"`                 // live, wayback or import
	OriginalURL string `json:"original_url,omitempty"` // the URL as captured, for wayback and import
	Origin      string `json:"origin,omitempty"`       // the replay URL or file the bytes were read from
}

func runLog(ctx context.Context, g *globals, ref string, asJSON bool) error {
	arc, key, err := g.openPage(ctx, ref)
	if err != nil {
		return err
	}
	defer arc.Close()
	versions, err := arc.Versions(ctx, key)
	if err != nil {
		return err
	}
	// One buffered writer for the whole listing: thousands of lines, not
	// thousands of write system calls.
	out := bufio.NewWriterSize(g.io.Out, 64<<10)
	if err := writeLog(out, versions, asJSON); err != nil {
		return err
	}
	return out.Flush()
}

func writeLog(out io.Writer, versions []archive.VersionInfo, asJSON bool) error {
	if asJSON {
		entries := make([]logEntry, len(versions))
		for i, v := range versions {
			entries[i] = logEntry{
				Version: v.Version, ContentHash: v.ContentHash, FirstSeen: v.FirstSeen.UTC(), LastSeen: v.LastSeen.UTC(),
				Checks: v.Checks, UpdatedRaw: nullable(v.UpdatedRaw), UpdatedOn: nullable(v.UpdatedOn), UpdatedAt: nullable(v.UpdatedAt),
				ParserVersion: v.ParserVersion, ChangedAfter: v.WindowStart, Summary: v.Summary, StampOnly: v.StampOnly, ParserChange: v.ParserChange, Suspect: v.Suspect,
				Source: v.Source, OriginalURL: v.OriginalURL, Origin: v.Origin,
			}
		}
		return writeJSON(streams{Out: out}, entries)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tFIRST SEEN\tLAST SEEN\tCHECKS\tPAGE STAMP\tCHANGE")
	for _, v := range versions {
		stamp := v.UpdatedRaw
		if stamp == "" {
			stamp = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", v.Version, shortTime(v.FirstSeen), shortTime(v.LastSeen), v.Checks, stamp, changeLine(v))
	}
	return tw.Flush()
}

// changeLine says in one line what a version changed and when.
func changeLine(v archive.VersionInfo) string {
	if v.Version == 1 {
		return "first version" + sourceNote(v)
	}
	var parts []string
	kinds := make([]string, 0, len(v.Summary))
	for k := range v.Summary {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", v.Summary[k], strings.ReplaceAll(k, "_", " ")))
	}
	line := strings.Join(parts, ", ")
	if v.StampOnly {
		line = "stamp only"
	}
	if line == "" {
		line = "changed"
	}
	if v.ParserChange {
		// relwatch reparse: the same capture read by a newer parser.
		line = "parser update, not an edit of the page: " + line
	}
	if v.WindowStart != nil {
		line += fmt.Sprintf(" (between %s and %s)", shortTime(*v.WindowStart), shortTime(v.FirstSeen))
	}
	if v.Suspect != "" {
		line += "; suspect: " + v.Suspect
	}
	return line + sourceNote(v)
}

// sourceNote says where a version came from when not from a live check:
// "; from the Wayback Machine capture of 2016-04-12".
func sourceNote(v archive.VersionInfo) string {
	switch v.Source {
	case archive.SourceWayback:
		return "; from the Wayback Machine capture of " + v.FirstSeen.UTC().Format(time.DateOnly)
	case archive.SourceImport:
		return "; imported from " + filepath.Base(v.Origin)
	}
	return ""
}

func shortTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func writeJSON(io streams, v any) error {
	enc := json.NewEncoder(io.Out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
