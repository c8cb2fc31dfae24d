package diff

import (
	"slices"
	"sort"
	"strconv"

	"github.com/relwatch/relwatch/snapshots"
)

// Limits of the similarity pass over unmatched blocks. They count work, not
// time, so the result never depends on the machine.
const (
	maxDocFreq    = 100       // words in more leftover blocks than this are too common to suggest a pair
	maxCandidates = 24        // pairs scored per new block
	maxScored     = 400_000   // pairs scored per comparison
	maxVisits     = 4_000_000 // inverted-index entries read per comparison

	maxEmptySiblings = 64 // empty sections compared by heading, per parent
)

// page is one side flattened: sections and blocks in page order.
type page struct {
	secs  []section
	blks  []block
	roots []int // top-level sections
	items int   // headings and blocks, in page order
}

type section struct {
	heading  string
	path     []string // display path: non-empty headings from the top, this one included
	key      string   // full path, unambiguous, for matching
	parent   int      // -1 at the top
	sib      int      // position among its parent's children
	children []int
	blocks   []int
	item     int
}

type block struct {
	sec   int
	pos   int // position within its section
	kind  string
	text  string
	words []int32 // computed only for blocks left after exact matching
	item  int
}

func flatten(secs []snapshots.Section) page {
	var p page
	var walk func(secs []snapshots.Section, parent int, path []string, key string) []int
	walk = func(secs []snapshots.Section, parent int, path []string, key string) []int {
		var ids []int
		for i := range secs {
			s := &secs[i]
			h := validUTF8(s.Heading)
			sp := slices.Clip(path)
			if h != "" {
				sp = append(sp, h)
			}
			k := key + strconv.Itoa(len(h)) + ":" + h + "/"
			id := len(p.secs)
			p.secs = append(p.secs, section{heading: h, path: sp, key: k, parent: parent, sib: i, item: p.items})
			p.items++
			ids = append(ids, id)
			for j, b := range s.Blocks {
				t := validUTF8(b.Text)
				p.secs[id].blocks = append(p.secs[id].blocks, len(p.blks))
				p.blks = append(p.blks, block{sec: id, pos: j, kind: b.Kind, text: t, item: p.items})
				p.items++
			}
			p.secs[id].children = walk(s.Sections, id, sp, k)
		}
		return ids
	}
	p.roots = walk(secs, -1, nil, "")
	return p
}

// Block and section states once matched.
const (
	unmatched = iota
	same      // unchanged, in place
	renamed   // section only
	moved
	changed // block only
)

// matching pairs the sections and blocks of two pages.
type matching struct {
	vocab          vocabulary
	old, new       page
	secO2N, secN2O []int
	blkO2N, blkN2O []int
	secState       []int // per new section
	blkState       []int // per new block
	blkInPlace     []bool
}

func newMatching(old, new []snapshots.Section) *matching {
	m := &matching{old: flatten(old), new: flatten(new)}
	m.secO2N, m.secN2O = make([]int, len(m.old.secs)), make([]int, len(m.new.secs))
	m.blkO2N, m.blkN2O = make([]int, len(m.old.blks)), make([]int, len(m.new.blks))
	fill(m.secO2N, -1)
	fill(m.secN2O, -1)
	fill(m.blkO2N, -1)
	fill(m.blkN2O, -1)
	return m
}

func matchSections(old, new []snapshots.Section) *matching {
	m := newMatching(old, new)
	m.matchSectionsBy(func(s *section) string { return s.key })
	m.matchSectionsBy(func(s *section) string { return s.heading })
	m.matchBlocksExact()
	m.matchBlocksSimilar()
	m.matchSectionsByContent()
	m.classify()
	return m
}

func (m *matching) pairSec(o, n int) { m.secO2N[o], m.secN2O[n] = n, o }
func (m *matching) pairBlk(o, n int) { m.blkO2N[o], m.blkN2O[n] = n, o }

// matchSectionsBy pairs unmatched sections with equal keys, in page order.
func (m *matching) matchSectionsBy(key func(*section) string) {
	queue := map[string][]int{}
	for i := range m.old.secs {
		if m.secO2N[i] < 0 {
			k := key(&m.old.secs[i])
			queue[k] = append(queue[k], i)
		}
	}
	for j := range m.new.secs {
		if m.secN2O[j] >= 0 {
			continue
		}
		k := key(&m.new.secs[j])
		if q := queue[k]; len(q) > 0 {
			m.pairSec(q[0], j)
			queue[k] = q[1:]
		}
	}
}

// matchBlocksExact pairs blocks of equal text: first within sections
// already paired, so duplicates stay where they were, then anywhere.
func (m *matching) matchBlocksExact() {
	for j := range m.new.secs {
		o := m.secN2O[j]
		if o < 0 {
			continue
		}
		// Most blocks of most sections are untouched: pair the common head
		// and tail directly, and hash only what lies between.
		ob, nb := m.old.secs[o].blocks, m.new.secs[j].blocks
		for len(ob) > 0 && len(nb) > 0 && m.old.blks[ob[0]].text == m.new.blks[nb[0]].text {
			m.pairBlk(ob[0], nb[0])
			ob, nb = ob[1:], nb[1:]
		}
		for len(ob) > 0 && len(nb) > 0 && m.old.blks[ob[len(ob)-1]].text == m.new.blks[nb[len(nb)-1]].text {
			m.pairBlk(ob[len(ob)-1], nb[len(nb)-1])
			ob, nb = ob[:len(ob)-1], nb[:len(nb)-1]
		}
		if len(ob) == 0 || len(nb) == 0 {
			continue
		}
		queue := map[string][]int{}
		for _, b := range ob {
			t := m.old.blks[b].text
			queue[t] = append(queue[t], b)
		}
		for _, b := range nb {
			t := m.new.blks[b].text
			if q := queue[t]; len(q) > 0 {
				m.pairBlk(q[0], b)
				queue[t] = q[1:]
			}
		}
	}
	queue := map[string][]int{}
	for i, b := range m.old.blks {
		if m.blkO2N[i] < 0 {
			queue[b.text] = append(queue[b.text], i)
		}
	}
	for j, b := range m.new.blks {
		if m.blkN2O[j] >= 0 {
			continue
		}
		if q := queue[b.text]; len(q) > 0 {
			m.pairBlk(q[0], j)
			queue[b.text] = q[1:]
		}
	}
}

// matchBlocksSimilar pairs leftover blocks whose words are similar. Only
// old blocks sharing a not-too-common word with the new block are
// candidates, the best maxCandidates of them by shared words are scored,
// and the whole pass stops after maxScored scores or maxVisits index
// visits: past that, what is left is reported as added and removed.
func (m *matching) matchBlocksSimilar() {
	var oldL, newL []int
	for i := range m.old.blks {
		if m.blkO2N[i] < 0 {
			oldL = append(oldL, i)
			m.old.blks[i].words = m.vocab.words(m.old.blks[i].text)
		}
	}
	for j := range m.new.blks {
		if m.blkN2O[j] < 0 {
			newL = append(newL, j)
			m.new.blks[j].words = m.vocab.words(m.new.blks[j].text)
		}
	}
	if len(oldL) == 0 || len(newL) == 0 {
		return
	}
	postings := map[int32][]int32{} // word → positions in oldL
	for k, i := range oldL {
		for _, w := range distinct(m.old.blks[i].words) {
			postings[w] = append(postings[w], int32(k))
		}
	}
	counts := make([]int32, len(oldL))
	var touched []int32
	var cands []candidate
	scored, visits := 0, 0
	for _, j := range newL {
		nb := &m.new.blks[j]
		touched = touched[:0]
		best := int32(0)
		for _, w := range distinct(nb.words) {
			ps := postings[w]
			if len(ps) > maxDocFreq {
				continue
			}
			visits += len(ps)
			for _, k := range ps {
				if counts[k] == 0 {
					touched = append(touched, k)
				}
				counts[k]++
				best = max(best, counts[k])
			}
		}
		// Keep the old blocks sharing at least half as many words as the
		// best one, most shared first.
		top := touched[:0:0]
		for _, k := range touched {
			if 2*counts[k] >= best {
				top = append(top, k)
			}
		}
		sort.Slice(top, func(a, b int) bool {
			if counts[top[a]] != counts[top[b]] {
				return counts[top[a]] > counts[top[b]]
			}
			return top[a] < top[b]
		})
		for _, k := range touched {
			counts[k] = 0
		}
		if len(top) > maxCandidates {
			top = top[:maxCandidates]
		}
		for _, k := range top {
			i := oldL[k]
			ob := &m.old.blks[i]
			if !mayResemble(len(ob.words), len(nb.words)) {
				continue
			}
			scored++
			if s := resemblance(ob.words, nb.words); s >= similarity {
				cands = append(cands, candidate{score: s, same: m.secO2N[ob.sec] == nb.sec, o: i, n: j})
			}
		}
		if scored >= maxScored || visits >= maxVisits {
			break
		}
	}
	pickGreedy(cands, m.blkO2N, m.blkN2O)
}

// matchSectionsByContent pairs leftover sections whose blocks and
// sub-sections mostly went to each other (Dice over that content strictly
// above 0.5): a renamed heading over the same content. Half is not enough:
// three one-paragraph sections merged into one three-bullet section are
// three removals and an addition, not a rename of the first. It repeats because pairing sub-sections can reveal their
// parents. Two sections with no content at all, under matching parents,
// pair on the similarity of their headings instead.
func (m *matching) matchSectionsByContent() {
	// Each round can only reveal the parents of the last one, and
	// headings nest at most six deep; the bound keeps hostile nesting
	// from making this quadratic.
	for range 8 {
		var cands []candidate
		for i := range m.old.secs {
			if m.secO2N[i] >= 0 {
				continue
			}
			os := &m.old.secs[i]
			shared := map[int]int{}
			for _, b := range os.blocks {
				if n := m.blkO2N[b]; n >= 0 {
					shared[m.new.blks[n].sec]++
				}
			}
			for _, c := range os.children {
				if n := m.secO2N[c]; n >= 0 && m.new.secs[n].parent >= 0 {
					shared[m.new.secs[n].parent]++
				}
			}
			for j, k := range shared {
				if m.secN2O[j] >= 0 {
					continue
				}
				ns := &m.new.secs[j]
				size := len(os.blocks) + len(os.children) + len(ns.blocks) + len(ns.children)
				if s := 2 * float64(k) / float64(size); s > similarity {
					cands = append(cands, candidate{score: s, o: i, n: j})
				}
			}
			if len(os.blocks)+len(os.children) > 0 {
				continue
			}
			siblings := m.new.roots
			if os.parent >= 0 {
				if np := m.secO2N[os.parent]; np >= 0 {
					siblings = m.new.secs[np].children
				} else {
					siblings = nil
				}
			}
			if len(siblings) > maxEmptySiblings {
				continue
			}
			for _, j := range siblings {
				ns := &m.new.secs[j]
				if m.secN2O[j] >= 0 || len(ns.blocks)+len(ns.children) > 0 {
					continue
				}
				if s := dice(m.vocab.words(os.heading), m.vocab.words(ns.heading)); s >= similarity {
					cands = append(cands, candidate{score: s, o: i, n: j})
				}
			}
		}
		if len(pickGreedy(cands, m.secO2N, m.secN2O)) == 0 {
			return
		}
	}
}

// sameParent reports whether old section o and new section n sit under
// parents matched to each other (or both at the top).
func (m *matching) sameParent(o, n int) bool {
	op, np := m.old.secs[o].parent, m.new.secs[n].parent
	if op < 0 || np < 0 {
		return op < 0 && np < 0
	}
	return m.secO2N[op] == np
}

// classify decides, for every matched new section and block, whether it
// stayed, moved, was renamed or was reworded.
func (m *matching) classify() {
	m.secState = make([]int, len(m.new.secs))
	m.blkState = make([]int, len(m.new.blks))
	m.blkInPlace = make([]bool, len(m.new.blks))

	// Sections: siblings that kept their parent and lie on the longest
	// common subsequence of old positions stayed in place.
	classifySiblings := func(children []int) {
		var kept, oldPos []int
		for _, n := range children {
			if o := m.secN2O[n]; o >= 0 && m.sameParent(o, n) {
				kept = append(kept, n)
				oldPos = append(oldPos, m.old.secs[o].sib)
			}
		}
		onLIS := lis(oldPos)
		for k, n := range kept {
			if onLIS[k] {
				m.secState[n] = same
			}
		}
	}
	for j := range m.new.secs {
		if m.secN2O[j] >= 0 {
			m.secState[j] = moved
		}
	}
	classifySiblings(m.new.roots)
	for j := range m.new.secs {
		classifySiblings(m.new.secs[j].children)
	}
	for j, ns := range m.new.secs {
		if o := m.secN2O[j]; o >= 0 && m.old.secs[o].heading != ns.heading {
			m.secState[j] = renamed
		}
	}

	// Blocks: within each pair of matched sections, the pairs on the
	// longest common subsequence are in place.
	for j, ns := range m.new.secs {
		o := m.secN2O[j]
		if o < 0 {
			continue
		}
		var kept, oldPos []int
		for _, b := range ns.blocks {
			if ob := m.blkN2O[b]; ob >= 0 && m.old.blks[ob].sec == o {
				kept = append(kept, b)
				oldPos = append(oldPos, m.old.blks[ob].pos)
			}
		}
		onLIS := lis(oldPos)
		for k, b := range kept {
			m.blkInPlace[b] = onLIS[k]
		}
	}
	for j, nb := range m.new.blks {
		o := m.blkN2O[j]
		switch {
		case o < 0:
			m.blkState[j] = unmatched
		case m.old.blks[o].text != nb.text:
			m.blkState[j] = changed
		case m.blkInPlace[j] && m.old.blks[o].kind == nb.kind:
			m.blkState[j] = same
		default:
			m.blkState[j] = moved
		}
	}
}

// lis marks the elements of the longest strictly increasing subsequence of
// xs (the earliest one among equals), in O(n log n).
func lis(xs []int) []bool {
	on := make([]bool, len(xs))
	if len(xs) == 0 {
		return on
	}
	tails := []int{}             // tails[k]: index in xs of the smallest tail of a run of length k+1
	prev := make([]int, len(xs)) // predecessor in the run
	for i, x := range xs {
		k := sort.Search(len(tails), func(k int) bool { return xs[tails[k]] >= x })
		if k > 0 {
			prev[i] = tails[k-1]
		} else {
			prev[i] = -1
		}
		if k == len(tails) {
			tails = append(tails, i)
		} else {
			tails[k] = i
		}
	}
	for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
		on[i] = true
	}
	return on
}

// changes lists the section and block changes, keyed for ordering.
func (m *matching) changes(in *inliner) []keyed {
	var ks []keyed
	for j, ns := range m.new.secs {
		o := m.secN2O[j]
		switch {
		case o < 0:
			ks = append(ks, keyed{Change{Kind: SectionAdded, NewPath: ns.path, New: ns.heading, Blocks: m.leftBlocks(&m.new, j, m.blkN2O)}, ns.item, 0, 0})
		case m.secState[j] == renamed:
			os := &m.old.secs[o]
			ks = append(ks, keyed{Change{Kind: SectionRenamed, OldPath: os.path, NewPath: ns.path, Old: os.heading, New: ns.heading, Inline: in.diff(os.heading, ns.heading)}, ns.item, 0, 0})
		case m.secState[j] == moved:
			os := &m.old.secs[o]
			ks = append(ks, keyed{Change{Kind: SectionMoved, OldPath: os.path, NewPath: ns.path, Old: os.heading, New: ns.heading}, ns.item, 0, 0})
		}
	}
	for j, nb := range m.new.blks {
		o := m.blkN2O[j]
		ns := &m.new.secs[nb.sec]
		switch {
		case o < 0 && m.secN2O[nb.sec] >= 0:
			ks = append(ks, keyed{Change{Kind: BlockAdded, NewPath: ns.path, New: nb.text, NewKind: nb.kind}, nb.item, 0, 0})
		case o >= 0 && m.blkState[j] != same:
			ob := &m.old.blks[o]
			ch := Change{Kind: BlockMoved, OldPath: m.old.secs[ob.sec].path, NewPath: ns.path, Old: ob.text, New: nb.text, OldKind: ob.kind, NewKind: nb.kind}
			if m.blkState[j] == changed {
				ch.Kind, ch.Inline = BlockChanged, in.diff(ob.text, nb.text)
			}
			ks = append(ks, keyed{ch, nb.item, 0, 0})
		}
	}

	// Removals follow the new position of the nearest earlier old item
	// that stayed in place, so they show where they stood.
	anchors := make([]int, m.old.items)
	inPlace := make([]bool, m.old.items)
	for j, n := range m.new.secs {
		if o := m.secN2O[j]; o >= 0 && m.secState[j] != moved {
			inPlace[m.old.secs[o].item] = true
			anchors[m.old.secs[o].item] = n.item
		}
	}
	for j, n := range m.new.blks {
		if o := m.blkN2O[j]; o >= 0 && m.blkInPlace[j] {
			inPlace[m.old.blks[o].item] = true
			anchors[m.old.blks[o].item] = n.item
		}
	}
	anchor := -1
	for item := range anchors {
		if inPlace[item] {
			anchor = anchors[item]
		}
		anchors[item] = anchor
	}
	for i, os := range m.old.secs {
		if m.secO2N[i] < 0 {
			ks = append(ks, keyed{Change{Kind: SectionRemoved, OldPath: os.path, Old: os.heading, Blocks: m.leftBlocks(&m.old, i, m.blkO2N)}, anchors[os.item], 1, os.item})
		}
	}
	for i, ob := range m.old.blks {
		if m.blkO2N[i] < 0 && m.secO2N[ob.sec] >= 0 {
			ks = append(ks, keyed{Change{Kind: BlockRemoved, OldPath: m.old.secs[ob.sec].path, Old: ob.text, OldKind: ob.kind}, anchors[ob.item], 1, ob.item})
		}
	}
	return ks
}

// leftBlocks returns the blocks of section s that went nowhere else.
func (m *matching) leftBlocks(p *page, s int, pair []int) []snapshots.Block {
	var bs []snapshots.Block
	for _, b := range p.secs[s].blocks {
		if pair[b] < 0 {
			bs = append(bs, snapshots.Block{Kind: p.blks[b].kind, Text: p.blks[b].text})
		}
	}
	return bs
}
