package history

import (
	"encoding/binary"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/relwatch/relwatch"
)

// WriteLogTable writes the text table of `relwatch log`: one row per
// version, with ChangeLine last, and after a version a row for each time
// the page was removed while it was the latest (removals, from Removals)
// and for its restoration, dated by the check that says so. It lays the columns out as
// text/tabwriter would (cells padded to the widest in their column plus
// two spaces, widths in runes, the last column as is) but formats each
// row straight into one buffer: on a page with thousands of versions,
// fmt and tabwriter were most of log's own time.
// logColumns is how many of the log table's columns are aligned; CHANGE,
// the last, is not padded.
const logColumns = 5

func WriteLogTable(out io.Writer, versions []relwatch.VersionInfo, removals []relwatch.Removal) error {
	const cols = logColumns
	header := [cols + 1]string{"VERSION", "FIRST SEEN (UTC)", "LAST SEEN (UTC)", "CHECKS", "PAGE STAMP", "CHANGE"}
	var width [cols]int
	for j := range cols {
		width[j] = utf8.RuneCountInString(header[j])
	}
	// Rows, each cell an end offset into buf.
	buf := make([]byte, 0, len(versions)*128)
	ends := make([][cols + 1]int, 0, len(versions)+2*len(removals))
	back := cameBack(versions)
	during := removalsByVersion(versions, removals)
	// Widths in bytes as the rows are made; in runes afterwards, only if
	// some cell is not ASCII.
	measure := func(row *[cols + 1]int, start int) {
		for j := range cols {
			width[j] = max(width[j], row[j]-start)
			start = row[j]
		}
	}
	// eventRow is a removed or restored row: its time, then its line.
	eventRow := func(at time.Time, line func([]byte) []byte) {
		var row [cols + 1]int
		start := len(buf)
		buf = append(buf, '-')
		row[0] = len(buf)
		buf = appendShortTime(buf, at)
		row[1] = len(buf)
		for j := 2; j < cols; j++ {
			buf = append(buf, '-')
			row[j] = len(buf)
		}
		buf = line(buf)
		row[cols] = len(buf)
		measure(&row, start)
		ends = append(ends, row)
	}
	for i, v := range versions {
		ends = append(ends, [cols + 1]int{})
		row := &ends[len(ends)-1]
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
		var prev *relwatch.VersionInfo
		if i > 0 {
			prev = &versions[i-1]
		}
		buf = appendChangeLine(buf, v, prev, back[i])
		row[5] = len(buf)
		measure(row, start)
		for _, r := range during[i] {
			eventRow(r.Since, func(b []byte) []byte { return append(b, RemovedLine(r)...) })
			if r.Restored != nil {
				eventRow(*r.Restored, func(b []byte) []byte { return appendRestoredLine(b, r) })
			}
		}
	}
	ascii := isASCII(buf)
	if !ascii {
		width = runeWidths(header[:cols], buf, ends)
	}
	const padding = 2
	line := make([]byte, 0, 64<<10)
	pad := func(w int) {
		for ; w > len(spaces); w -= len(spaces) {
			line = append(line, spaces...)
		}
		line = append(line, spaces[:w]...)
	}
	for j := range cols {
		line = append(line, header[j]...)
		pad(width[j] + padding - utf8.RuneCountInString(header[j]))
	}
	line = append(line, header[cols]...)
	line = append(line, '\n')
	// Rows go out many to a Write.
	start := 0
	for i := range ends {
		for j := range cols {
			cell := buf[start:ends[i][j]]
			w := len(cell)
			if !ascii {
				w = utf8.RuneCount(cell)
			}
			line = append(line, cell...)
			pad(width[j] + padding - w)
			start = ends[i][j]
		}
		line = append(line, buf[start:ends[i][cols]]...)
		line = append(line, '\n')
		start = ends[i][cols]
		if len(line) > cap(line)-4<<10 {
			if _, err := out.Write(line); err != nil {
				return err
			}
			line = line[:0]
		}
	}
	_, err := out.Write(line)
	return err
}

// spaces pads the table's cells.
const spaces = "                                                                "

// runeWidths is the width in runes of each aligned column of a table
// whose rows are cells ending at ends (each row's last cell unaligned).
func runeWidths(header []string, buf []byte, ends [][logColumns + 1]int) [logColumns]int {
	var width [logColumns]int
	for j, h := range header {
		width[j] = utf8.RuneCountInString(h)
	}
	start := 0
	for _, row := range ends {
		for j := range logColumns {
			width[j] = max(width[j], utf8.RuneCount(buf[start:row[j]]))
			start = row[j]
		}
		start = row[logColumns]
	}
	return width
}

// isASCII reports whether b is all ASCII, looking at eight bytes at once.
func isASCII(b []byte) bool {
	var or uint64
	for len(b) >= 8 {
		or |= binary.LittleEndian.Uint64(b)
		b = b[8:]
	}
	for _, c := range b {
		or |= uint64(c)
	}
	return or&0x8080808080808080 == 0
}
