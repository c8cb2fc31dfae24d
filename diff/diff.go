package diff

import (
	"cmp"
	"slices"
	"time"

	"github.com/relwatch/relwatch/internal/civil"
	"github.com/relwatch/relwatch/snapshots"
)

// Change kinds.
const (
	TitleChanged   = "title_changed"
	StampChanged   = "stamp_changed"
	LeadChanged    = "lead_changed"
	CaptionAdded   = "caption_added"
	CaptionRemoved = "caption_removed"
	CaptionChanged = "caption_changed"

	SectionAdded   = "section_added"
	SectionRemoved = "section_removed"
	SectionRenamed = "section_renamed"
	SectionMoved   = "section_moved"

	BlockAdded   = "block_added"
	BlockRemoved = "block_removed"
	BlockChanged = "block_changed"
	BlockMoved   = "block_moved"
)

// Result is the change set between two snapshots.
type Result struct {
	StampOnly bool `json:"stamp_only"` // the only change is the stamp
	// StampWentBack is set when the new stamp is an earlier date or time
	// than the old one: a page republished with an older date, or a
	// stamp parsed wrongly, is worth a reader's second look.
	StampWentBack bool           `json:"stamp_went_back"`
	Summary       map[string]int `json:"summary"` // number of changes per kind
	Changes       []Change       `json:"changes"` // in page order, see the package comment
}

// Empty reports whether the two snapshots have the same content.
func (r Result) Empty() bool { return len(r.Changes) == 0 }

// Change is one difference between two snapshots.
//
// Paths are the section headings from the top down on each side; the
// untitled first section of a page has no heading and so adds nothing to a
// path. A side the change does not exist on has an empty path. For section
// changes the path includes the section's own heading and Old/New are the
// headings; for block changes Old/New are the block texts.
type Change struct {
	Kind    string   `json:"kind"`
	OldPath []string `json:"old_path"`
	NewPath []string `json:"new_path"`
	Old     string   `json:"old"`
	New     string   `json:"new"`
	// OldKind and NewKind are the block kinds (paragraph, bullet) of block
	// changes, so that "turned into a bullet" can be shown.
	OldKind string            `json:"old_kind,omitempty"`
	NewKind string            `json:"new_kind,omitempty"`
	Inline  []Op              `json:"inline,omitempty"` // word-level diff of Old and New for rewordings
	Blocks  []snapshots.Block `json:"blocks,omitempty"` // an added or removed section's own blocks
}

// Compare returns the changes that turn old into new.
func Compare(old, new snapshots.Snapshot) Result {
	r, _ := compare(old, new)
	return r
}

// keyed is a change with its place in the report: a, b, c are compared in
// order. Header fields use negative a; sections and blocks use the page
// position of the new side (b = 0) or, for removals, of the anchor they
// follow (b = 1, c = old position).
type keyed struct {
	Change
	a, b, c int
}

func compare(old, new snapshots.Snapshot) (Result, *matching) {
	var ks []keyed
	add := func(a, b, c int, ch Change) { ks = append(ks, keyed{ch, a, b, c}) }
	in := &inliner{work: maxInlineWork} // one budget for the whole comparison

	if o, n := validUTF8(old.Title), validUTF8(new.Title); o != n {
		add(-5, 0, 0, Change{Kind: TitleChanged, Old: o, New: n, Inline: in.diff(o, n)})
	}
	if o, n := validUTF8(string(old.UpdatedRaw)), validUTF8(string(new.UpdatedRaw)); o != n {
		add(-4, 0, 0, Change{Kind: StampChanged, Old: o, New: n})
	}
	if o, n := validUTF8(old.Lead), validUTF8(new.Lead); o != n {
		add(-3, 0, 0, Change{Kind: LeadChanged, Old: o, New: n, Inline: in.diff(o, n)})
	}
	for _, k := range compareCaptions(in, old.Captions, new.Captions) {
		k.a = -2
		ks = append(ks, k)
	}

	m := matchSections(old.Sections, new.Sections)
	ks = append(ks, m.changes(in)...)

	// Sort positions, not the (large) changes themselves.
	order := make([]int, len(ks))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		x, y := &ks[i], &ks[j]
		return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b), cmp.Compare(x.c, y.c))
	})
	r := Result{Summary: map[string]int{}, Changes: make([]Change, 0, len(ks))}
	for _, i := range order {
		ch := ks[i].Change
		if ch.OldPath == nil {
			ch.OldPath = []string{}
		}
		if ch.NewPath == nil {
			ch.NewPath = []string{}
		}
		r.Changes = append(r.Changes, ch)
		r.Summary[ch.Kind]++
	}
	r.StampOnly = len(r.Changes) == 1 && r.Changes[0].Kind == StampChanged
	r.StampWentBack = stampWentBack(old, new)
	return r, m
}

// Stamp is a page's update stamp as a snapshot has it: as printed, its
// local date (YYYY-MM-DD) and, when it has a time of day, its UTC instant
// (RFC 3339); each "" when unknown.
type Stamp struct{ Raw, On, At string }

func stampOf(s snapshots.Snapshot) Stamp {
	return Stamp{Raw: string(s.UpdatedRaw), On: string(s.UpdatedOn), At: string(s.UpdatedAt)}
}

func stampWentBack(old, new snapshots.Snapshot) bool { return wentBack(stampOf(old), stampOf(new)) }

// wentBack reports whether new is earlier than old: by the instant when
// both have a time of day, else by the local date.
func wentBack(old, new Stamp) bool {
	if utcSecond(old.At) && utcSecond(new.At) {
		return new.At < old.At // the same fixed form: the text's order is the times'
	}
	if old.At != "" && new.At != "" {
		o, err1 := time.Parse(time.RFC3339, old.At)
		n, err2 := time.Parse(time.RFC3339, new.At)
		if err1 == nil && err2 == nil {
			return n.Before(o)
		}
	}
	// YYYY-MM-DD compares as text.
	return old.On != "" && new.On != "" && new.On < old.On
}

// utcSecond reports whether s is a time that time.Parse reads as RFC 3339
// in the form the parser gives stamps, a UTC second: 2006-01-02T15:04:05Z.
// A log of thousands of versions compares thousands of stamps.
func utcSecond(s string) bool {
	if len(s) != len("2006-01-02T15:04:05Z") || s[19] != 'Z' {
		return false
	}
	_, ok := civil.ParseDateTime(s[:19])
	return ok
}

// StampVerb says what happened to a stamp between two versions, in the
// words of the change summaries: "added", "removed", "went backwards"
// (set to an earlier date) or "changed".
func StampVerb(old, new Stamp) string {
	switch {
	case old.Raw == "" && new.Raw != "":
		return "added"
	case new.Raw == "" && old.Raw != "":
		return "removed"
	case wentBack(old, new):
		return "went backwards"
	}
	return "changed"
}

// compareCaptions matches captions as a multiset (their order carries no
// meaning: doubled captions and reshuffled photos are common), then pairs
// the leftovers by word similarity.
func compareCaptions(in *inliner, old, new []string) []keyed {
	const maxSimilar = 64 // captions are few; beyond this, skip the O(n²) pass
	old, new = validAll(old), validAll(new)
	o2n, n2o := make([]int, len(old)), make([]int, len(new))
	fill(o2n, -1)
	fill(n2o, -1)
	byText := map[string][]int{}
	for i, c := range old {
		byText[c] = append(byText[c], i)
	}
	for j, c := range new {
		if q := byText[c]; len(q) > 0 {
			o2n[q[0]], n2o[j] = j, q[0]
			byText[c] = q[1:]
		}
	}
	changed := make([]bool, len(new))
	if len(old) <= maxSimilar && len(new) <= maxSimilar {
		var v vocabulary
		var cands []candidate
		for i, oc := range old {
			if o2n[i] >= 0 {
				continue
			}
			ow := v.words(oc)
			for j, nc := range new {
				if n2o[j] >= 0 {
					continue
				}
				if s := dice(ow, v.words(nc)); s >= similarity {
					cands = append(cands, candidate{score: s, o: i, n: j})
				}
			}
		}
		for _, c := range pickGreedy(cands, o2n, n2o) {
			changed[c.n] = true
		}
	}

	var ks []keyed
	for j, c := range new {
		switch {
		case n2o[j] < 0:
			ks = append(ks, keyed{Change{Kind: CaptionAdded, New: c}, 0, 2 * j, 0})
		case changed[j]:
			o := old[n2o[j]]
			ks = append(ks, keyed{Change{Kind: CaptionChanged, Old: o, New: c, Inline: in.diff(o, c)}, 0, 2 * j, 0})
		}
	}
	anchor := -1
	for i, c := range old {
		if o2n[i] >= 0 {
			anchor = o2n[i]
			continue
		}
		ks = append(ks, keyed{Change{Kind: CaptionRemoved, Old: c}, 0, 2*anchor + 1, i})
	}
	return ks
}

func validAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = validUTF8(s)
	}
	return out
}

func fill(s []int, v int) {
	for i := range s {
		s[i] = v
	}
}
