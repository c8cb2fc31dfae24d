package diff

import (
	"bufio"
	"io"
	"strings"

	"github.com/relwatch/relwatch/snapshots"
)

// ANSI styles for the text format.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiRed   = "\x1b[31;9m" // red, struck through where the terminal can
	ansiGreen = "\x1b[32m"
)

// renderText writes a report for terminals. Without colour, inline edits
// are marked the way wdiff does it: [-deleted-] and {+inserted+}.
func renderText(w io.Writer, r Report, opts RenderOptions) error {
	color := opts.Color
	bw := bufio.NewWriter(w)
	style := func(code, s string) string {
		if !color || s == "" {
			return s
		}
		return code + s + ansiReset
	}
	line := func(parts ...string) {
		for _, p := range parts {
			bw.WriteString(p)
		}
		bw.WriteByte('\n')
	}

	line(style(ansiBold, printable(title(r))))
	line("  from: ", printable(sideLine(r.From)))
	line("  to:   ", printable(sideLine(r.To)))
	if d := datesLine(r, opts.StampZone); d != "" {
		line("  ", printable(d))
	}
	line(r.SummaryLine())

	for _, ch := range r.Changes {
		e := entryOf(ch, r.StampWentBack)
		head := style(ansiBold, e.Label) + " · " + printable(e.Where)
		var extra []string
		if e.From != "" {
			extra = append(extra, "from "+printable(e.From))
		}
		if e.Note != "" {
			extra = append(extra, e.Note)
		}
		if len(extra) > 0 {
			head += style(ansiDim, " ("+strings.Join(extra, "; ")+")")
		}
		line()
		line(head)
		if len(e.Ops) > 0 {
			var sb strings.Builder
			for _, op := range e.Ops {
				t := printable(op.Text)
				switch {
				case op.Op == OpDelete && color:
					sb.WriteString(style(ansiRed, t))
				case op.Op == OpDelete:
					sb.WriteString("[-" + t + "-]")
				case op.Op == OpInsert && color:
					sb.WriteString(style(ansiGreen, t))
				case op.Op == OpInsert:
					sb.WriteString("{+" + t + "+}")
				default:
					sb.WriteString(t)
				}
			}
			line("    ", sb.String())
		}
		for _, b := range e.Removed {
			line("    ", style(ansiRed, "- "+blockText(b)))
		}
		for _, b := range e.Added {
			line("    ", style(ansiGreen, "+ "+blockText(b)))
		}
	}
	if lines := provenanceLines(r); len(lines) > 0 {
		line()
		for _, l := range lines {
			line(printable(l))
		}
	}
	return bw.Flush()
}

// blockText shows a block on one line, bullets with a bullet.
func blockText(b snapshots.Block) string {
	if b.Kind == snapshots.Bullet {
		return "• " + printable(b.Text)
	}
	return printable(b.Text)
}
