package diff

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/relwatch/relwatch/snapshots"
)

// Formats are the names Render accepts.
var Formats = []string{"text", "markdown", "html", "json"}

// RenderOptions tune a rendering. Color applies to "text" only; the caller
// decides it (a terminal, and NO_COLOR unset).
type RenderOptions struct {
	Color bool
}

// Render writes r to w in one of Formats.
func Render(w io.Writer, format string, r Report, opts RenderOptions) error {
	switch format {
	case "text":
		return renderText(w, r, opts.Color)
	case "markdown":
		return renderMarkdown(w, r)
	case "html":
		return renderHTML(w, r)
	case "json":
		return renderJSON(w, r)
	}
	return fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// kindOrder is the order kinds are listed in summaries.
var kindOrder = []string{
	TitleChanged, StampChanged, LeadChanged, CaptionAdded, CaptionRemoved, CaptionChanged,
	SectionAdded, SectionRemoved, SectionRenamed, SectionMoved,
	BlockAdded, BlockRemoved, BlockChanged, BlockMoved,
}

// entry is a change as the human-readable renderers show it.
type entry struct {
	Kind    string
	Label   string // "Block moved"
	Where   string // where it now stands: the path, "Top of page" or "Page header"
	From    string // where it stood, when that differs
	Note    string // "paragraph → bullet"
	Ops     []Op   // the text, marked up
	Added   []snapshots.Block
	Removed []snapshots.Block
}

const (
	headerPlace = "Page header"
	topPlace    = "Top of page"
)

func place(p []string) string {
	if len(p) == 0 {
		return topPlace
	}
	return strings.Join(p, " › ")
}

func entryOf(ch Change) entry {
	e := entry{Kind: ch.Kind, Label: label(ch.Kind), Ops: ch.Inline}
	switch ch.Kind {
	case TitleChanged, StampChanged, LeadChanged, CaptionAdded, CaptionRemoved, CaptionChanged:
		e.Where = headerPlace
	case SectionAdded, BlockAdded:
		e.Where = place(ch.NewPath)
	case SectionRemoved, BlockRemoved:
		e.Where = place(ch.OldPath)
	case SectionRenamed, SectionMoved:
		e.Where = place(ch.NewPath)
		e.From = place(ch.OldPath)
	default:
		e.Where = place(ch.NewPath)
		if op := place(ch.OldPath); op != e.Where {
			e.From = op
		}
	}
	if ch.OldKind != "" && ch.NewKind != "" && ch.OldKind != ch.NewKind {
		e.Note = ch.OldKind + " → " + ch.NewKind
	}
	switch ch.Kind {
	case SectionAdded:
		e.Added = ch.Blocks
	case SectionRemoved:
		e.Removed = ch.Blocks
	case BlockMoved:
		e.Ops = []Op{{OpEqual, ch.New}}
	case StampChanged:
		if ch.Old != "" && ch.New != "" {
			// Two dates side by side read as one: show an arrow between
			// them (in the rendering only; the change keeps Old and New).
			e.Ops = []Op{{OpDelete, ch.Old}, {OpEqual, " → "}, {OpInsert, ch.New}}
		}
	}
	if e.Ops == nil && !strings.HasPrefix(ch.Kind, "section_") {
		e.Ops = replaceAll(ch.Old, ch.New)
	}
	return e
}

func label(kind string) string {
	s := strings.ReplaceAll(kind, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// summaryLine is "3 changes: 1 block changed, 2 block moved".
func summaryLine(r Result) string {
	if r.Empty() {
		return "No changes."
	}
	var parts []string
	for _, k := range kindOrder {
		if n := r.Summary[k]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+strings.ReplaceAll(k, "_", " "))
		}
	}
	s := plural(len(r.Changes), "change") + ": " + strings.Join(parts, ", ")
	if r.StampOnly {
		s += " (only the page's stamp changed)"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// title is "kazakhstan/fr: version 3 → version 4".
func title(r Report) string {
	v := func(s Side) string {
		if s.Version > 0 {
			return "version " + strconv.Itoa(s.Version)
		}
		return "unnumbered version"
	}
	t := v(r.From) + " → " + v(r.To)
	if r.Page != "" {
		t = r.Page + ": " + t
	}
	return t
}

// sideLine describes one side: "version 3, stamp 23 May. 2022 15:38,
// first seen 2026-11-27 06:00 UTC, sha256:0123456789ab".
func sideLine(s Side) string {
	var parts []string
	if s.Version > 0 {
		parts = append(parts, "version "+strconv.Itoa(s.Version))
	}
	if s.UpdatedRaw != "" {
		parts = append(parts, "stamp "+s.UpdatedRaw)
	} else {
		parts = append(parts, "no stamp")
	}
	if s.FirstSeen != nil {
		parts = append(parts, "first seen "+clock(*s.FirstSeen)+" UTC")
	}
	if s.ContentHash != "" {
		parts = append(parts, shortHash(s.ContentHash))
	}
	return strings.Join(parts, ", ")
}

func shortHash(h string) string {
	algo, hex, ok := strings.Cut(h, ":")
	if ok && len(hex) > 12 {
		return algo + ":" + hex[:12]
	}
	return h
}

func clock(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

// datesLine is "changed between 2026-11-27 06:00 and 2026-11-28 06:00 UTC;
// page stamp 27 Nov. 2026 15:32 (Brussels)", leaving out what is unknown.
// The stamp is NATO headquarters' local time whenever it has a time of day
// (UpdatedAt is set only then).
func datesLine(r Report) string {
	var parts []string
	switch s, e := r.WindowStart, r.WindowEnd; {
	case s != nil && e != nil:
		parts = append(parts, "changed between "+clock(*s)+" and "+clock(*e)+" UTC")
	case s != nil:
		parts = append(parts, "changed after "+clock(*s)+" UTC")
	case e != nil:
		parts = append(parts, "changed by "+clock(*e)+" UTC")
	}
	if r.To.UpdatedRaw != "" {
		st := "page stamp " + r.To.UpdatedRaw
		if r.To.UpdatedAt != "" {
			st += " (Brussels)"
		}
		parts = append(parts, st)
	}
	return strings.Join(parts, "; ")
}

// printable replaces control characters, which page text should never
// hold, so that it cannot drive a terminal or break a line-based format.
func printable(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
