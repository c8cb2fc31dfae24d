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
// and for its restoration, dated by the check that says so. It lays the
// columns out as text/tabwriter would (cells padded to the widest in
// their column plus two spaces, widths in runes, the last column as is)
// but without fmt or tabwriter, which were most of log's own time on a
// page with thousands of versions: the widths first, from what each cell
// will hold, then each row formatted straight into the output buffer.
func WriteLogTable(out io.Writer, versions []relwatch.VersionInfo, removals []relwatch.Removal) error {
	back := cameBack(versions)
	during := removalsByVersion(versions, removals)
	width := logWidths(logHeader, versions, during)

	// pad ends the cell of column j that starts at from.
	pad := func(b []byte, j, from int) []byte { return padCell(b, from, width[j]) }
	// eventRow is a removed or restored row: its time, then its line.
	eventRow := func(b []byte, at time.Time) []byte {
		for j := range logColumns {
			from := len(b)
			if j == 1 {
				b = appendShortTime(b, at)
			} else {
				b = append(b, '-')
			}
			b = pad(b, j, from)
		}
		return b
	}
	return writeRows(out, logHead(width), len(versions), func() func([]byte, int) []byte {
		counts := summaryMemo{}
		return func(b []byte, i int) []byte {
			v := &versions[i]
			b = appendLogCells(b, v, pad)
			var prev *relwatch.VersionInfo
			if i > 0 {
				prev = &versions[i-1]
			}
			b = appendChangeLine(b, *v, prev, back[i], counts)
			b = append(b, '\n')
			for _, r := range during[i] {
				b = eventRow(b, r.Since)
				b = append(b, RemovedLine(r)...)
				b = append(b, '\n')
				if r.Restored != nil {
					b = eventRow(b, *r.Restored)
					b = appendRestoredLine(b, r)
					b = append(b, '\n')
				}
			}
			return b
		}
	}, nil)
}

// logColumns is how many of the log table's columns are aligned; CHANGE,
// the last, is not padded.
const logColumns = 5

// logHeader is the log table's header row.
var logHeader = [logColumns + 1]string{"VERSION", "FIRST SEEN (UTC)", "LAST SEEN (UTC)", "CHECKS", "PAGE STAMP", "CHANGE"}

// logHead is the header row padded to the columns' widths, with its
// newline.
func logHead(width [logColumns]int) []byte {
	var head []byte
	for j := range logColumns {
		from := len(head)
		head = append(head, logHeader[j]...)
		head = padCell(head, from, width[j])
	}
	head = append(head, logHeader[logColumns]...)
	return append(head, '\n')
}

// appendLogCells appends the aligned cells of v's row, calling ended
// after cell j, which starts at from, with what it returns as b.
func appendLogCells(b []byte, v *relwatch.VersionInfo, ended func(b []byte, j, from int) []byte) []byte {
	from := len(b)
	b = strconv.AppendInt(b, int64(v.Version), 10)
	b = ended(b, 0, from)
	from = len(b)
	b = appendShortTime(b, v.FirstSeen)
	b = ended(b, 1, from)
	from = len(b)
	b = appendShortTime(b, v.LastSeen)
	b = ended(b, 2, from)
	from = len(b)
	b = strconv.AppendInt(b, int64(v.Checks), 10)
	b = ended(b, 3, from)
	from = len(b)
	b = append(b, stampCell(*v)...)
	return ended(b, 4, from)
}

// cellPadding is the space after a column's widest cell.
const cellPadding = 2

// padCell pads the cell that starts at from to width runes and the
// padding after it.
func padCell(b []byte, from, width int) []byte {
	w := cellWidth(b[from:])
	for w = width + cellPadding - w; w > len(spaces); w -= len(spaces) {
		b = append(b, spaces...)
	}
	return append(b, spaces[:w]...)
}

// cellWidth is a cell's width in runes.
func cellWidth(cell []byte) int {
	if isASCII(cell) {
		return len(cell)
	}
	return utf8.RuneCount(cell)
}

// logWidths is the width in runes of each aligned column of the log
// table: the widest of its header and the cells its rows will hold.
func logWidths(header [logColumns + 1]string, versions []relwatch.VersionInfo, during [][]relwatch.Removal) [logColumns]int {
	var width [logColumns]int
	for j := range logColumns {
		width[j] = utf8.RuneCountInString(header[j])
	}
	var digits [20]byte
	timeWidth := func(t time.Time) int {
		if !t.Before(firstShortYear) && t.Before(pastShortYears) {
			return len("2006-01-02 15:04")
		}
		return utf8.RuneCountInString(ShortTime(t))
	}
	for i, v := range versions {
		width[0] = max(width[0], len(strconv.AppendInt(digits[:0], int64(v.Version), 10)))
		width[1] = max(width[1], timeWidth(v.FirstSeen))
		width[2] = max(width[2], timeWidth(v.LastSeen))
		width[3] = max(width[3], len(strconv.AppendInt(digits[:0], int64(v.Checks), 10)))
		width[4] = max(width[4], utf8.RuneCountInString(stampCell(v)))
		for _, r := range during[i] {
			// "-", the time, then "-" under the other aligned columns.
			width[1] = max(width[1], timeWidth(r.Since))
			if r.Restored != nil {
				width[1] = max(width[1], timeWidth(*r.Restored))
			}
		}
	}
	return width
}

// ShortTime's years of four digits, 0000 to 9999 (in UTC).
var firstShortYear, pastShortYears = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)

// stampCell is the PAGE STAMP cell of a version: its stamp as the page
// words it, or "-".
func stampCell(v relwatch.VersionInfo) string {
	if v.UpdatedRaw == "" {
		return "-"
	}
	return v.UpdatedRaw
}

// spaces pads the table's cells.
const spaces = "                                                                "

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
