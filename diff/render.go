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

// RenderOptions tune a rendering: what the report is part of and how the
// caller names things the change set does not know. The zero value is a
// document of its own, without colour and without a time zone label.
type RenderOptions struct {
	// Color applies to "text" only; the caller decides it (a terminal,
	// and NO_COLOR unset).
	Color bool
	// HeadingLevel is the Markdown level of the report's title, 1 (the
	// default) for a document of its own; a report placed under a
	// heading of another document (a run summary) starts one below it.
	// Section headings are one level below the title, at most 6.
	HeadingLevel int
	// StampZone names the time zone of a page stamp that has a time of
	// day ("Brussels": printed as "page stamp … (Brussels)"); "" prints
	// no label.
	StampZone string
	// Fragment makes "html" write the report's body only (no document,
	// head or style), for embedding, as in Atom content.
	Fragment bool
}

// Render writes r to w in one of Formats.
func Render(w io.Writer, format string, r Report, opts RenderOptions) error {
	switch format {
	case "text":
		return renderText(w, r, opts)
	case "markdown":
		return renderMarkdown(w, r, opts)
	case "html":
		return renderHTML(w, r, opts)
	case "json":
		return renderJSON(w, r)
	}
	return fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// entry is a change as the human-readable renderers show it.
type entry struct {
	Kind    string
	Label   string // "Bullet moved"
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

func entryOf(ch Change, stampBack bool) entry {
	e := entry{Kind: ch.Kind, Label: label(phraseOf(ch, stampBack)), Ops: ch.Inline}
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
	if e.Ops == nil && ch.Kind != SectionMoved {
		// An added or removed section shows its heading, so that the
		// item says which section it was even when its text went
		// elsewhere (and its own list of blocks is empty).
		e.Ops = replaceAll(ch.Old, ch.New)
	}
	return e
}

// group is the changes under one place, for the formats that give each
// place a heading.
type group struct {
	Where   string
	Entries []entry
}

// groupByPlace gathers the entries under one heading per place, places in
// the order they first appear: a removal listed after its anchor can
// return to a place after another one.
func groupByPlace(r Result) []group {
	var groups []group
	index := map[string]int{}
	for _, ch := range r.Changes {
		e := entryOf(ch, r.StampWentBack)
		i, ok := index[e.Where]
		if !ok {
			i = len(groups)
			index[e.Where] = i
			groups = append(groups, group{Where: e.Where})
		}
		groups[i].Entries = append(groups[i].Entries, e)
	}
	return groups
}

// label is a change's heading in a report: "Bullet moved", "Stamp removed".
func label(p phrase) string { return upperFirst(p.noun + " " + p.verb) }

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
// page stamp 27 Nov. 2026 15:32 (Brussels); the page came back to version
// 2 (first seen 2026-11-20 06:00 UTC)", leaving out what is unknown.
// zone labels a stamp that has a time of day (UpdatedAt is set only then).
func datesLine(r Report, zone string) string {
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
		if r.To.UpdatedAt != "" && zone != "" {
			st += " (" + zone + ")"
		}
		parts = append(parts, st)
	}
	if b := r.CameBackTo; b != nil {
		back := "the page came back to version " + strconv.Itoa(b.Version)
		if b.FirstSeen != nil {
			back += " (first seen " + clock(*b.FirstSeen) + " UTC)"
		}
		parts = append(parts, back)
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
