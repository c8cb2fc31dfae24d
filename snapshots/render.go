package snapshots

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText writes the snapshot as plain text for a terminal: title, stamp,
// where it came from, then the content with headings indented by level.
func WriteText(w io.Writer, s Snapshot) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, s.Title)
	if s.UpdatedRaw != "" {
		fmt.Fprintf(bw, "Updated: %s\n", s.UpdatedRaw)
	}
	writeProvenance(bw, s, "")
	if s.Lead != "" {
		fmt.Fprintf(bw, "\n%s\n", s.Lead)
	}
	for _, c := range s.Captions {
		fmt.Fprintf(bw, "\n[caption] %s\n", c)
	}
	Walk(s.Sections, func(path []string, sec *Section) {
		indent := strings.Repeat("  ", len(path)-1)
		if sec.Heading != "" {
			fmt.Fprintf(bw, "\n%s%s\n", indent, sec.Heading)
		} else {
			fmt.Fprintln(bw)
		}
		for _, b := range sec.Blocks {
			if b.Kind == Bullet {
				fmt.Fprintf(bw, "%s  • %s\n", indent, b.Text)
			} else {
				fmt.Fprintf(bw, "%s  %s\n", indent, b.Text)
			}
		}
	})
	return bw.Flush()
}

// WriteMarkdown writes the snapshot as readable Markdown. Page text is
// escaped so that it cannot turn into links, HTML or formatting.
func WriteMarkdown(w io.Writer, s Snapshot) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n\n", EscapeMarkdown(s.Title))
	if s.UpdatedRaw != "" {
		fmt.Fprintf(bw, "*Updated: %s*\n\n", EscapeMarkdown(string(s.UpdatedRaw)))
	}
	writeProvenance(bw, s, "> ")
	fmt.Fprintln(bw)
	if s.Lead != "" {
		fmt.Fprintf(bw, "%s\n\n", EscapeMarkdown(s.Lead))
	}
	for _, c := range s.Captions {
		fmt.Fprintf(bw, "*Caption: %s*\n\n", EscapeMarkdown(c))
	}
	Walk(s.Sections, func(path []string, sec *Section) {
		if sec.Heading != "" {
			fmt.Fprintf(bw, "%s %s\n\n", strings.Repeat("#", min(len(path)+1, 6)), EscapeMarkdown(sec.Heading))
		}
		for i, b := range sec.Blocks {
			if b.Kind == Bullet {
				fmt.Fprintf(bw, "- %s\n", EscapeMarkdown(b.Text))
				if i+1 == len(sec.Blocks) || sec.Blocks[i+1].Kind != Bullet {
					fmt.Fprintln(bw)
				}
			} else {
				fmt.Fprintf(bw, "%s\n\n", EscapeMarkdown(b.Text))
			}
		}
	})
	return bw.Flush()
}

func writeProvenance(w io.Writer, s Snapshot, prefix string) {
	if s.Version > 0 {
		fmt.Fprintf(w, "%s%s version %d", prefix, s.Page, s.Version)
		if s.FirstSeen != nil {
			fmt.Fprintf(w, ", seen %s", formatUTC(*s.FirstSeen))
			if s.LastSeen != nil && !s.LastSeen.Equal(*s.FirstSeen) {
				fmt.Fprintf(w, " to %s", formatUTC(*s.LastSeen))
			}
		}
		fmt.Fprintln(w)
	}
	if s.URL != "" {
		fmt.Fprintf(w, "%s%s\n", prefix, s.URL)
	}
}

func formatUTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// markdownInline are the ASCII characters that make Markdown inline
// syntax anywhere in a line: emphasis, strikethrough, code, links, HTML,
// entities, table cells, GitHub's math and a heading's closing sequence.
// CommonMark lets any ASCII punctuation be backslash-escaped.
const markdownInline = "\\`*_[]<>|~&$#@"

// EscapeMarkdown backslash-escapes s so that page text always renders as
// text: inline syntax and bare links everywhere (EscapeMarkdownInline),
// and what would start a heading, list or quote at the start of a line.
func EscapeMarkdown(s string) string {
	switch {
	case s != "" && strings.ContainsRune("-+=", rune(s[0])):
		// ('#' and '>' are escaped everywhere, by EscapeMarkdownInline.)
		return "\\" + EscapeMarkdownInline(s)
	case orderedListStart(s) > 0:
		// "1992. " starts a list; "1992\. " does not, and renders as
		// written (a backslash before the digit would show).
		n := orderedListStart(s)
		return EscapeMarkdownInline(s[:n]) + "\\" + EscapeMarkdownInline(s[n:])
	}
	return EscapeMarkdownInline(s)
}

// EscapeMarkdownInline backslash-escapes the inline syntax of s, for text
// that never starts a line. It also breaks GitHub's bare autolinks (the
// colon of "://" and the dot of "www."), so that a URL in page text is
// shown, not linked, wherever relwatch writes Markdown.
func EscapeMarkdownInline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte(markdownInline, c) >= 0,
			c == ':' && strings.HasPrefix(s[i+1:], "//"),
			c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// orderedListStart is the position of the delimiter when s starts like
// "1992. " or "3) " (digits, then '.' or ')'), else 0.
func orderedListStart(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return i
	}
	return 0
}
