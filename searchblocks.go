package relwatch

import (
	"fmt"
	"strings"

	"github.com/relwatch/relwatch/snapshots"
)

// The kinds of text search indexes, and so the kind of every Hit.
const (
	KindTitle     = "title"
	KindLead      = "lead"
	KindCaption   = "caption"
	KindHeading   = "heading"
	KindParagraph = snapshots.Paragraph
	KindBullet    = snapshots.Bullet
)

// SearchBlock is one unit of a snapshot's text as search indexes it.
type SearchBlock struct {
	Kind string   // one of the Kind constants
	Path []string // the headings of the sections it is in, from the top; never nil
	Text string
}

// SearchBlocks lists the distinct searchable texts of a snapshot in page
// order: the title, lead and captions (with an empty path), then each
// section's heading (under the headings of the sections around it) and
// its paragraphs and bullets (under the section's own path). Empty headings
// (the untitled first section) are neither indexed nor part of a path. A
// text is listed once per kind and path. Every store indexes exactly these,
// so that both answer a search alike and check can recompute the index.
func SearchBlocks(s *snapshots.Snapshot) []SearchBlock {
	var out []SearchBlock
	type key struct{ kind, path, text string }
	seen := map[key]bool{}
	add := func(kind string, path []string, text string) {
		if text == "" {
			return
		}
		if path == nil {
			path = []string{}
		}
		k := key{kind, joinPath(path), text}
		if !seen[k] {
			seen[k] = true
			out = append(out, SearchBlock{kind, path, text})
		}
	}
	add(KindTitle, nil, s.Title)
	add(KindLead, nil, s.Lead)
	for _, c := range s.Captions {
		add(KindCaption, nil, c)
	}
	snapshots.Walk(s.Sections, func(path []string, sec *snapshots.Section) {
		var p []string
		for _, h := range path {
			if h != "" {
				p = append(p, h)
			}
		}
		if sec.Heading != "" && len(p) > 0 {
			add(KindHeading, p[:len(p)-1:len(p)-1], sec.Heading)
		}
		for _, b := range sec.Blocks {
			add(b.Kind, p, b.Text)
		}
	})
	return out
}

// joinPath is a path as one string, for comparing paths.
func joinPath(path []string) string {
	var n int
	for _, h := range path {
		n += len(h) + 1
	}
	b := make([]byte, 0, n)
	for _, h := range path {
		b = append(b, h...)
		b = append(b, 0)
	}
	return string(b)
}

// BlockDifference names the first block (in sorted order) that the snapshot
// has and the index lacks, and the first the index has and the snapshot
// lacks: "; the snapshot's block [\"Highlights\"] \"Paix.\" is not in the
// index; the index's block […] \"…\" is not in the snapshot". Both lists
// are sorted "path\x00text" keys.
func BlockDifference(want, got []string) string {
	var b strings.Builder
	for _, side := range []struct {
		from, other []string
		what        string
	}{{want, got, "the snapshot's block %s %q is not in the index"}, {got, want, "the index's block %s %q is not in the snapshot"}} {
		left := map[string]int{}
		for _, k := range side.other {
			left[k]++
		}
		for _, k := range side.from {
			if left[k] > 0 {
				left[k]--
				continue
			}
			path, text, _ := strings.Cut(k, "\x00")
			if r := []rune(text); len(r) > 80 {
				text = string(r[:79]) + "…"
			}
			b.WriteString("; ")
			fmt.Fprintf(&b, side.what, path, text)
			break
		}
	}
	return b.String()
}
