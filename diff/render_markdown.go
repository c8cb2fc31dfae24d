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
func renderMarkdown(w io.Writer, r Report) error {
	bw := bufio.NewWriter(w)
	p := func(s ...string) {
		for _, x := range s {
			bw.WriteString(x)
		}
		bw.WriteByte('\n')
	}
	p("# ", mdEscape(title(r)))
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
	if d := datesLine(r); d != "" {
		p(mdEscape(upperFirst(d)), ".")
		p()
	}
	p("**", mdEscape(summaryLine(r.Result)), "**")

	where := ""
	for _, ch := range r.Changes {
		e := entryOf(ch)
		if e.Where != where || where == "" {
			where = e.Where
			p()
			p("## ", mdEscape(where))
			p()
		}
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
		for _, b := range e.Removed {
			p("  - ", mdBlockKind(b), mdOps([]Op{{OpDelete, b.Text}}))
		}
		for _, b := range e.Added {
			p("  - ", mdBlockKind(b), mdOps([]Op{{OpInsert, b.Text}}))
		}
	}
	return bw.Flush()
}

func mdBlockKind(b snapshots.Block) string {
	if b.Kind == snapshots.Bullet {
		return "• "
	}
	return ""
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// mdSpecial are the ASCII characters that make Markdown inline (emphasis,
// strikethrough, code, links, HTML, entities, table cells, GitHub's math)
// or close a heading. Page text never starts a line in our output, so the
// characters that only count at the start of a line (-, +, 1., =) are left
// alone; CommonMark lets any ASCII punctuation be backslash-escaped.
const mdSpecial = "\\`*_[]<>|~&$#@"

// mdEscape makes s literal Markdown. Besides mdSpecial it breaks GitHub's
// bare autolinks: the colon of "://" and the dot of "www.".
func mdEscape(s string) string {
	s = printable(s)
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(mdSpecial, c) >= 0,
			c == ':' && strings.HasPrefix(s[i+1:], "//"),
			c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			sb.WriteByte('\\')
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// mdOps marks up an inline diff. White space is kept outside the markers,
// where Markdown needs it. Markdown only honours ~~ and ** when they
// "flank" the text (punctuation next to a word, as in a moved comma, is
// not), so such edits fall back to <del> and <ins>, which GitHub renders
// too; page text inside them is still escaped.
func mdOps(ops []Op) string {
	var sb strings.Builder
	for i, op := range ops {
		t := mdEscape(op.Text)
		if op.Op == OpEqual {
			sb.WriteString(t)
			continue
		}
		core := strings.TrimLeftFunc(t, unicode.IsSpace)
		sb.WriteString(t[:len(t)-len(core)])
		trimmed := strings.TrimRightFunc(core, unicode.IsSpace)
		trail := core[len(trimmed):]
		core = trimmed
		if core == "" {
			sb.WriteString(trail)
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(sb.String())
		if sb.Len() == 0 {
			prev = ' '
		}
		next := ' '
		if trail == "" && i+1 < len(ops) {
			if ops[i+1].Op == OpEqual {
				next, _ = utf8.DecodeRuneInString(mdEscape(ops[i+1].Text))
			} else {
				next = '*' // the next edit's marker or tag
			}
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
