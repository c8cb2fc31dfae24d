package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"
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

func writeLog(out io.Writer, versions []relwatch.VersionInfo, asJSON bool) error {
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
	return writeLogTable(out, versions)
}

// writeLogTable writes the text table. It lays the columns out as
// text/tabwriter would (cells padded to the widest in their column plus
// two spaces, widths in runes, the last column as is) but formats each
// row straight into one buffer: on a page with thousands of versions,
// fmt and tabwriter were most of log's own time.
func writeLogTable(out io.Writer, versions []relwatch.VersionInfo) error {
	const cols = 5 // aligned columns; CHANGE, the last, is not padded
	header := [cols + 1]string{"VERSION", "FIRST SEEN", "LAST SEEN", "CHECKS", "PAGE STAMP", "CHANGE"}
	var width [cols]int
	for j := range cols {
		width[j] = utf8.RuneCountInString(header[j])
	}
	// Rows, each cell an end offset into buf.
	buf := make([]byte, 0, len(versions)*128)
	ends := make([][cols + 1]int, len(versions))
	for i, v := range versions {
		row := &ends[i]
		start := len(buf)
		buf = strconv.AppendInt(buf, int64(v.Version), 10)
		row[0] = len(buf)
		buf = appendShortTime(buf, v.FirstSeen)
		row[1] = len(buf)
		buf = appendShortTime(buf, v.LastSeen)
		row[2] = len(buf)
		buf = strconv.AppendInt(buf, int64(v.Checks), 10)
		row[3] = len(buf)
		if v.UpdatedRaw == "" {
			buf = append(buf, '-')
		} else {
			buf = append(buf, v.UpdatedRaw...)
		}
		row[4] = len(buf)
		buf = appendChangeLine(buf, v)
		row[5] = len(buf)
		for j := range cols {
			w := row[j] - start
			if !isASCII(buf[start:row[j]]) {
				w = utf8.RuneCount(buf[start:row[j]])
			}
			width[j] = max(width[j], w)
			start = row[j]
		}
	}
	const padding = 2
	line := make([]byte, 0, 256)
	pad := func(w int) {
		for range w {
			line = append(line, ' ')
		}
	}
	for j := range cols {
		line = append(line, header[j]...)
		pad(width[j] + padding - utf8.RuneCountInString(header[j]))
	}
	line = append(line, header[cols]...)
	line = append(line, '\n')
	if _, err := out.Write(line); err != nil {
		return err
	}
	start := 0
	for i := range ends {
		line = line[:0]
		for j := range cols {
			cell := buf[start:ends[i][j]]
			w := len(cell)
			if !isASCII(cell) {
				w = utf8.RuneCount(cell)
			}
			line = append(line, cell...)
			pad(width[j] + padding - w)
			start = ends[i][j]
		}
		line = append(line, buf[start:ends[i][cols]]...)
		line = append(line, '\n')
		start = ends[i][cols]
		if _, err := out.Write(line); err != nil {
			return err
		}
	}
	return nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// appendShortTime appends t in UTC as shortTime does: 2006-01-02 15:04.
func appendShortTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, _ := t.Clock()
	if y < 0 || y > 9999 {
		return append(b, shortTime(t)...)
	}
	two := func(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
	b = two(b, y/100)
	b = two(b, y%100)
	b = append(b, '-')
	b = two(b, int(mo))
	b = append(b, '-')
	b = two(b, d)
	b = append(b, ' ')
	b = two(b, h)
	b = append(b, ':')
	return two(b, mi)
}

// appendChangeLine appends to b, in one line, what a version changed and
// when.
func appendChangeLine(b []byte, v relwatch.VersionInfo) []byte {
	if v.Version == 1 {
		b = append(b, "first version"...)
		return appendSourceNote(b, v)
	}
	if v.ParserChange {
		// relwatch reparse: the same capture read by a newer parser.
		b = append(b, "parser update, not an edit of the page: "...)
	}
	switch {
	case v.StampOnly:
		b = append(b, "stamp only"...)
	case len(v.Summary) == 0:
		b = append(b, "changed"...)
	default:
		var small [8]string
		kinds := small[:0]
		for k := range v.Summary {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		for i, k := range kinds {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = strconv.AppendInt(b, int64(v.Summary[k]), 10)
			b = append(b, ' ')
			for _, c := range []byte(k) {
				if c == '_' {
					c = ' '
				}
				b = append(b, c)
			}
		}
	}
	if v.WindowStart != nil {
		b = append(b, " (between "...)
		b = appendShortTime(b, *v.WindowStart)
		b = append(b, " and "...)
		b = appendShortTime(b, v.FirstSeen)
		b = append(b, ')')
	}
	if v.Suspect != "" {
		b = append(b, "; suspect: "...)
		b = append(b, v.Suspect...)
	}
	return appendSourceNote(b, v)
}

// appendSourceNote appends where a version came from when not from a
// live check: "; from the Wayback Machine capture of 2016-04-12".
func appendSourceNote(b []byte, v relwatch.VersionInfo) []byte {
	switch v.Source {
	case relwatch.SourceWayback:
		b = append(b, "; from the Wayback Machine capture of "...)
		return v.FirstSeen.UTC().AppendFormat(b, time.DateOnly)
	case relwatch.SourceImport:
		b = append(b, "; imported from "...)
		return append(b, filepath.Base(v.Origin)...)
	}
	return b
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
