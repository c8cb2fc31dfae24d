package main

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/history"
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
		return history.WriteJSON(out, history.LogEntries(versions))
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
		buf = history.AppendShortTime(buf, v.FirstSeen)
		row[1] = len(buf)
		buf = history.AppendShortTime(buf, v.LastSeen)
		row[2] = len(buf)
		buf = strconv.AppendInt(buf, int64(v.Checks), 10)
		row[3] = len(buf)
		if v.UpdatedRaw == "" {
			buf = append(buf, '-')
		} else {
			buf = append(buf, v.UpdatedRaw...)
		}
		row[4] = len(buf)
		buf = history.AppendChangeLine(buf, v)
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
