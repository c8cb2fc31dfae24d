package diff

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/relwatch/relwatch/snapshots"
)

// renderMarkdown writes a report for CI job summaries and committed files:
// one heading per section path, ~~deleted~~ and **inserted** inline. Page
// text is escaped so that it can never become formatting, a link or HTML.
func renderMarkdown(w io.Writer, r Report, opts RenderOptions) error {
	bw := bufio.NewWriter(w)
	p := func(s ...string) {
		for _, x := range s {
			bw.WriteString(x)
		}
		bw.WriteByte('\n')
	}
	level := min(max(opts.HeadingLevel, 1), 5)
	p(strings.Repeat("#", level), " ", mdEscape(title(r)))
	p()
	p("| | Version | Stamp | First seen | Content hash |")
	p("|---|---|---|---|---|")
	for _, s := range []struct {
		name string
		side Side
	}{{"From", r.From}, {"To", r.To}} {
		v, seen := "", ""
		if s.side.Version > 0 {
			v = strconv.Itoa(s.side.Version)
		}
		if s.side.FirstSeen != nil {
			seen = clock(*s.side.FirstSeen) + " UTC"
		}
		p("| ", s.name, " | ", v, " | ", mdEscape(s.side.UpdatedRaw), " | ", mdEscape(seen), " | ", mdEscape(shortHash(s.side.ContentHash)), " |")
	}
	p()
	if lines := provenanceLines(r); len(lines) > 0 {
		for i, l := range lines {
			if i > 0 {
				p("  ") // a hard line break
			}
			bw.WriteString(mdEscape(l))
		}
		p()
		p()
	}
	if d := datesLine(r, opts.StampZone); d != "" {
		p(mdEscape(upperFirst(d)), ".")
		p()
	}
	p("**", mdEscape(r.SummaryLine()), "**")

	section := strings.Repeat("#", level+1)
	for _, g := range groupByPlace(r.Result) {
		p()
		p(section, " ", mdEscape(g.Where))
		p()
		for _, e := range g.Entries {
			item := "- **" + e.Label + "**"
			var extra []string
			if e.From != "" {
				extra = append(extra, "from "+mdEscape(e.From))
			}
			if e.Note != "" {
				extra = append(extra, mdEscape(e.Note))
			}
			if len(extra) > 0 {
				item += " (" + strings.Join(extra, "; ") + ")"
			}
			if len(e.Ops) > 0 {
				item += ": " + mdOps(e.Ops)
			}
			p(item)
			// A section's own blocks, as a nested list: its marker is the
			// bullet, so a bullet gets no "•" of its own.
			for _, b := range e.Removed {
				p("  - ", mdOps([]Op{{OpDelete, b.Text}}))
			}
			for _, b := range e.Added {
				p("  - ", mdOps([]Op{{OpInsert, b.Text}}))
			}
		}
	}
	return bw.Flush()
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// mdEscape makes page text literal Markdown. Page text never starts a
// line in a report, so only inline syntax needs escaping.
func mdEscape(s string) string { return snapshots.EscapeMarkdownInline(printable(s)) }

// mdOps marks up an inline diff. White space is kept outside the markers,
// where Markdown needs it. Markdown only honours ~~ and ** when they
// "flank" the text (punctuation next to a word, as in a moved comma, is
// not), so such edits fall back to <del> and <ins>, which GitHub renders
// too; page text inside them is still escaped. Two edits that meet (a
// deletion and the insertion that replaces it) are written with a space
// between them: the two texts read apart, and cmark-gfm does not count one
// edit's closing marker as the punctuation that lets the next one open.
func mdOps(ops []Op) string {
	var sb strings.Builder
	afterEdit := false // sb ends with an edit's closing marker or tag
	for i, op := range ops {
		t := mdEscape(op.Text)
		if op.Op == OpEqual {
			sb.WriteString(t)
			afterEdit = afterEdit && t == ""
			continue
		}
		core := strings.TrimLeftFunc(t, unicode.IsSpace)
		lead := t[:len(t)-len(core)]
		trimmed := strings.TrimRightFunc(core, unicode.IsSpace)
		trail := core[len(trimmed):]
		core = trimmed
		if core == "" {
			sb.WriteString(t)
			afterEdit = afterEdit && t == ""
			continue
		}
		if afterEdit && lead == "" {
			lead = " "
		}
		sb.WriteString(lead)
		prev, _ := utf8.DecodeLastRuneInString(sb.String())
		if sb.Len() == 0 {
			prev = ' '
		}
		next := ' ' // end of text, white space, or the space before the next edit
		if trail == "" && i+1 < len(ops) && ops[i+1].Op == OpEqual {
			next, _ = utf8.DecodeRuneInString(mdEscape(ops[i+1].Text))
		}
		marker, tag := "~~", "del"
		if op.Op == OpInsert {
			marker, tag = "**", "ins"
		}
		if flanks(core, prev, next) {
			sb.WriteString(marker + core + marker)
		} else {
			sb.WriteString("<" + tag + ">" + core + "</" + tag + ">")
		}
		sb.WriteString(trail)
		afterEdit = trail == ""
	}
	return sb.String()
}

// flanks reports whether delimiters around core, with prev before and
// next after, open and close emphasis under CommonMark's flanking rules.
func flanks(core string, prev, next rune) bool {
	first, _ := utf8.DecodeRuneInString(core)
	last, _ := utf8.DecodeLastRuneInString(core)
	loose := func(r rune) bool { return unicode.IsSpace(r) || isPunct(r) }
	return (!isPunct(first) || loose(prev)) && (!isPunct(last) || loose(next))
}

func isPunct(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }
