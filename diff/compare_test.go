package diff

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/relwatch/relwatch/snapshots"
)

// TestCompareCases pins what each fixture pair must report, independently
// of the golden renderings.
func TestCompareCases(t *testing.T) {
	want := map[string]map[string]int{
		"unchanged":            {},
		"stamp-only":           {StampChanged: 1},
		"reworded-bullet":      {StampChanged: 1, BlockChanged: 1},
		"bullet-added-removed": {StampChanged: 1, BlockAdded: 1, BlockRemoved: 1},
		"section-renamed":      {SectionRenamed: 1},
		// Every surviving sentence of 2017 is moved or reworded; only the
		// one sentence dropped in 2022 is removed.
		"restructure": {StampChanged: 1, SectionRenamed: 2, SectionRemoved: 4, SectionAdded: 1,
			BlockMoved: 8, BlockChanged: 4, BlockRemoved: 1},
		"rewrite": {StampChanged: 1, LeadChanged: 1, CaptionAdded: 1, CaptionRemoved: 1,
			SectionAdded: 2, SectionRemoved: 3, BlockAdded: 2, BlockRemoved: 4},
		"lead-punctuation": {LeadChanged: 1},
		"caption-changed":  {CaptionChanged: 1},
	}
	for _, c := range pairCases() {
		t.Run(c.name, func(t *testing.T) {
			w, ok := want[c.name]
			if !ok {
				t.Fatal("no expectation for this case")
			}
			r, m := compare(c.old, c.new)
			if !maps.Equal(r.Summary, w) {
				t.Errorf("summary %v, want %v", r.Summary, w)
			}
			if r.StampOnly != (c.name == "stamp-only") {
				t.Errorf("StampOnly = %v", r.StampOnly)
			}
			if r.Empty() != (c.name == "unchanged") {
				t.Errorf("Empty() = %v", r.Empty())
			}
			checkResult(t, c.old, c.new, r, m)
		})
	}
}

func TestLeadPunctuationIsSmall(t *testing.T) {
	old, new := loadPair(t, "lead-punctuation")
	r := Compare(old, new)
	var edited []string
	for _, op := range r.Changes[0].Inline {
		if op.Op != OpEqual {
			edited = append(edited, op.Text)
		}
	}
	if strings.Join(edited, "") != ",," {
		t.Fatalf("a moved comma shows as %q, want just the two commas", edited)
	}
}

func TestRestructurePaths(t *testing.T) {
	old, new := loadPair(t, "restructure")
	r := Compare(old, new)
	for _, ch := range r.Changes {
		if ch.Kind == BlockMoved && strings.HasPrefix(ch.New, "La coopération pratique a démarré en 1995") {
			if len(ch.NewPath) != 0 || !slices.Equal(ch.OldPath, []string{"Cadre de la coopération"}) ||
				ch.OldKind != snapshots.Paragraph || ch.NewKind != snapshots.Bullet {
				t.Fatalf("moved highlight reported as %+v", ch)
			}
			return
		}
	}
	t.Fatal("the 1995 sentence is not reported as moved")
}

// TestMovedAndReworded: one block_changed whose two paths differ.
func TestMovedAndReworded(t *testing.T) {
	old := page2022()
	new := page2022()
	b := new.Sections[0].Blocks[3]
	b.Text = strings.Replace(b.Text, "maintient", "entretient", 1)
	new.Sections[0].Blocks = new.Sections[0].Blocks[:3]
	other := &new.Sections[1].Sections[1]
	other.Blocks = append(other.Blocks, b)
	r := Compare(old, new)
	if !maps.Equal(r.Summary, map[string]int{BlockChanged: 1}) {
		t.Fatalf("summary %v", r.Summary)
	}
	ch := r.Changes[0]
	if len(ch.OldPath) != 0 || !slices.Equal(ch.NewPath, []string{keyAreas, otherTheme}) {
		t.Fatalf("paths %q → %q", ch.OldPath, ch.NewPath)
	}
}

// TestReorderWithinSection: only the blocks off the longest common
// subsequence are moved.
func TestReorderWithinSection(t *testing.T) {
	old := page2022()
	new := page2022()
	bs := new.Sections[1].Sections[0].Blocks
	bs[0], bs[4] = bs[4], bs[0] // swap first and last of five
	r := Compare(old, new)
	if !maps.Equal(r.Summary, map[string]int{BlockMoved: 2}) {
		t.Fatalf("summary %v, want two moved blocks", r.Summary)
	}
}

// TestSiblingInsertIsNotMove: a section inserted before others does not
// make them "moved".
func TestSiblingInsertIsNotMove(t *testing.T) {
	old := page2022()
	new := page2022()
	new.Sections = slices.Insert(new.Sections, 1, snapshots.Section{Heading: "Dialogue politique", Level: 2,
		Blocks: paragraphs("Des consultations régulières ont lieu à Bruxelles.")})
	new.Sections[2].Sections = slices.Insert(new.Sections[2].Sections, 0, snapshots.Section{Heading: "Cyberdéfense", Level: 3})
	r := Compare(old, new)
	if !maps.Equal(r.Summary, map[string]int{SectionAdded: 2}) {
		t.Fatalf("summary %v, want two added sections and nothing moved", r.Summary)
	}
	if got := r.Changes[0].Blocks; len(got) != 1 {
		t.Fatalf("added section carries %v", got)
	}
}

// TestHighlightsLabelDropped: the "Highlights" heading present in one copy
// and absent in the next, nothing else changed, is one change.
func TestHighlightsLabelDropped(t *testing.T) {
	old := page2022()
	old.Sections[0].Heading, old.Sections[0].Level = "Highlights", 2
	r := Compare(old, page2022())
	if !maps.Equal(r.Summary, map[string]int{SectionRenamed: 1}) {
		t.Fatalf("summary %v, want the heading's disappearance alone", r.Summary)
	}
	if ch := r.Changes[0]; ch.Old != "Highlights" || ch.New != "" || len(ch.NewPath) != 0 {
		t.Fatalf("change %+v", ch)
	}
}

func TestSectionMoved(t *testing.T) {
	old := page2022()
	new := page2022()
	other := new.Sections[1].Sections[1]
	new.Sections[1].Sections = new.Sections[1].Sections[:1]
	new.Sections = append(new.Sections, other) // H3 promoted to the top level
	r := Compare(old, new)
	if !maps.Equal(r.Summary, map[string]int{SectionMoved: 1}) {
		t.Fatalf("summary %v, want one moved section", r.Summary)
	}
	ch := r.Changes[0]
	if !slices.Equal(ch.OldPath, []string{keyAreas, otherTheme}) || !slices.Equal(ch.NewPath, []string{otherTheme}) {
		t.Fatalf("paths %q → %q", ch.OldPath, ch.NewPath)
	}
}

// checkResult asserts the properties every comparison must have.
func checkResult(t testing.TB, old, new snapshots.Snapshot, r Result, m *matching) {
	t.Helper()
	total := 0
	for k, n := range r.Summary {
		if !slices.Contains(kindOrder[:], k) {
			t.Fatalf("unknown kind %q", k)
		}
		total += n
	}
	if total != len(r.Changes) {
		t.Fatalf("summary counts %d changes, list has %d", total, len(r.Changes))
	}

	// Every old block is accounted for exactly once: unchanged, changed,
	// moved, removed or inside a removed section; every new block likewise.
	var oldSeen, newSeen []string
	for j, st := range m.blkState {
		if st == same {
			oldSeen = append(oldSeen, m.old.blks[m.blkN2O[j]].text)
			newSeen = append(newSeen, m.new.blks[j].text)
		}
	}
	for _, ch := range r.Changes {
		if ch.OldPath == nil || ch.NewPath == nil {
			t.Fatalf("%s has a nil path", ch.Kind)
		}
		switch ch.Kind {
		case BlockChanged, BlockMoved:
			oldSeen = append(oldSeen, ch.Old)
			newSeen = append(newSeen, ch.New)
		case BlockRemoved:
			oldSeen = append(oldSeen, ch.Old)
		case BlockAdded:
			newSeen = append(newSeen, ch.New)
		case SectionRemoved:
			for _, b := range ch.Blocks {
				oldSeen = append(oldSeen, b.Text)
			}
		case SectionAdded:
			for _, b := range ch.Blocks {
				newSeen = append(newSeen, b.Text)
			}
		}
		if ch.Inline != nil {
			checkOps(t, ch.Old, ch.New, ch.Inline)
		}
		if ch.Kind == BlockMoved && ch.Old != ch.New {
			t.Fatalf("moved block changed text: %q → %q", ch.Old, ch.New)
		}
	}
	sameMultiset(t, "old", allBlocks(old), oldSeen)
	sameMultiset(t, "new", allBlocks(new), newSeen)
}

func allBlocks(s snapshots.Snapshot) []string {
	var ts []string
	snapshots.Walk(s.Sections, func(_ []string, sec *snapshots.Section) {
		for _, b := range sec.Blocks {
			ts = append(ts, validUTF8(b.Text))
		}
	})
	return ts
}

func sameMultiset(t testing.TB, side string, want, got []string) {
	t.Helper()
	want, got = slices.Clone(want), slices.Clone(got)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Fatalf("%s blocks not accounted for exactly once:\nhave %d: %q\nseen %d: %q", side, len(want), want, len(got), got)
	}
}

func resultJSON(t testing.TB, r Result) []byte {
	var buf bytes.Buffer
	if err := renderJSON(&buf, Report{Result: r}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cloneSnapshot copies the parts of a snapshot that edits touch.
func cloneSnapshot(s snapshots.Snapshot) snapshots.Snapshot {
	s.Captions = slices.Clone(s.Captions)
	s.Sections = cloneSections(s.Sections)
	return s
}

func cloneSections(secs []snapshots.Section) []snapshots.Section {
	if secs == nil {
		return nil
	}
	out := make([]snapshots.Section, len(secs))
	for i, s := range secs {
		s.Blocks = slices.Clone(s.Blocks)
		s.Sections = cloneSections(s.Sections)
		out[i] = s
	}
	return out
}

// sectionSlot is where a section sits: its parent's slice and its index.
type sectionSlot struct {
	in *[]snapshots.Section
	i  int
}

func slots(root *[]snapshots.Section) []sectionSlot {
	var out []sectionSlot
	var walk func(p *[]snapshots.Section)
	walk = func(p *[]snapshots.Section) {
		for i := range *p {
			out = append(out, sectionSlot{p, i})
			walk(&(*p)[i].Sections)
		}
	}
	walk(root)
	return out
}

// mutate applies the edits encoded in ops to a copy of s: deleting,
// inserting, rewording, moving and duplicating blocks, renaming and moving
// sections, editing header fields, and planting invalid UTF-8.
func mutate(s snapshots.Snapshot, ops []byte, text string) snapshots.Snapshot {
	s = cloneSnapshot(s)
	next := func() int {
		if len(ops) == 0 {
			return 0
		}
		b := int(ops[0])
		ops = ops[1:]
		return b
	}
	for len(ops) > 0 {
		op := next()
		ss := slots(&s.Sections)
		if len(ss) == 0 {
			s.Sections = append(s.Sections, snapshots.Section{Heading: text, Level: 2})
			continue
		}
		sl := ss[next()%len(ss)]
		sec := &(*sl.in)[sl.i]
		pick := func() int {
			if len(sec.Blocks) == 0 {
				return -1
			}
			return next() % len(sec.Blocks)
		}
		switch op % 12 {
		case 0: // delete a block
			if i := pick(); i >= 0 {
				sec.Blocks = slices.Delete(sec.Blocks, i, i+1)
			}
		case 1: // insert a block
			kind := snapshots.Paragraph
			if next()%2 == 1 {
				kind = snapshots.Bullet
			}
			sec.Blocks = slices.Insert(sec.Blocks, next()%(len(sec.Blocks)+1), snapshots.Block{Kind: kind, Text: text})
		case 2: // reword a block: replace one word
			if i := pick(); i >= 0 {
				w := strings.Fields(sec.Blocks[i].Text)
				if len(w) > 0 {
					w[next()%len(w)] = text
				}
				sec.Blocks[i].Text = strings.Join(w, " ")
			}
		case 3: // move a block elsewhere, possibly turning it into a bullet
			if i := pick(); i >= 0 {
				b := sec.Blocks[i]
				sec.Blocks = slices.Delete(sec.Blocks, i, i+1)
				if next()%2 == 1 {
					b.Kind = snapshots.Bullet
				}
				dst := ss[next()%len(ss)]
				d := &(*dst.in)[dst.i]
				d.Blocks = slices.Insert(d.Blocks, next()%(len(d.Blocks)+1), b)
			}
		case 4: // rename a section
			sec.Heading += " " + text
		case 5: // move a section under another one, or to the top
			moving := *sec
			*sl.in = slices.Delete(*sl.in, sl.i, sl.i+1)
			ss = slots(&s.Sections)
			if k := next() % (len(ss) + 1); k == len(ss) {
				s.Sections = slices.Insert(s.Sections, next()%(len(s.Sections)+1), moving)
			} else {
				d := &(*ss[k].in)[ss[k].i]
				d.Sections = slices.Insert(d.Sections, next()%(len(d.Sections)+1), moving)
			}
		case 6: // invalid UTF-8 in a block
			if i := pick(); i >= 0 {
				sec.Blocks[i].Text = text + "\xff\xfe" + sec.Blocks[i].Text
			}
		case 7: // duplicate a block
			if i := pick(); i >= 0 {
				sec.Blocks = slices.Insert(sec.Blocks, i, sec.Blocks[i])
			}
		case 8: // add an empty section
			sec.Sections = append(sec.Sections, snapshots.Section{Heading: text, Level: 3})
		case 9: // header fields
			switch next() % 4 {
			case 0:
				s.Lead += text
			case 1:
				s.Title = text
			case 2:
				s.UpdatedRaw = snapshots.NullString(text)
			default:
				s.Captions = append(s.Captions, text)
			}
		case 10: // delete a section with everything under it
			*sl.in = slices.Delete(*sl.in, sl.i, sl.i+1)
		case 11: // reword a block heavily: keep every other word
			if i := pick(); i >= 0 {
				w := strings.Fields(sec.Blocks[i].Text)
				var kept []string
				for k := range w {
					if k%2 == 0 {
						kept = append(kept, w[k])
					}
				}
				sec.Blocks[i].Text = strings.Join(kept, " ")
			}
		}
	}
	return s
}

func FuzzCompare(f *testing.F) {
	f.Add([]byte{}, "")
	f.Add([]byte{0, 1, 0, 2, 1}, "nouveau")
	f.Add([]byte{3, 0, 1, 1, 2, 0}, "x")
	f.Add([]byte{4, 2, 5, 3, 0, 0}, "renommé")
	f.Add([]byte{6, 1, 0, 7, 2, 1, 11, 3, 0}, "\xff\xfe")
	f.Add([]byte{10, 1, 9, 0, 0, 8, 0}, "Section")
	bases := []snapshots.Snapshot{page2022(), page2017(), page2025()}
	f.Fuzz(func(t *testing.T, ops []byte, text string) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		if len(ops) == 0 {
			return
		}
		old := bases[int(ops[0])%len(bases)]
		new := mutate(old, ops[1:], text)
		if len(ops)%2 == 1 {
			// Edit both sides, so invalid text and oddities sit on either.
			old = mutate(old, ops[len(ops)/2:], text+"\xc3")
		}
		r, m := compare(old, new)
		checkResult(t, old, new, r, m)
		again := resultJSON(t, Compare(old, new))
		if !bytes.Equal(resultJSON(t, r), again) {
			t.Fatal("two runs differ")
		}
		if !json.Valid(again) {
			t.Fatal("invalid JSON")
		}
		if self := Compare(new, new); !self.Empty() {
			t.Fatalf("a snapshot differs from itself: %+v", self.Changes)
		}
		rep := Report{Page: "x", Result: r}
		for _, format := range Formats {
			if err := Render(&bytes.Buffer{}, format, rep, RenderOptions{Color: true}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestExtendedSentenceIsChangedNotReplaced: a 2017 paragraph that became a
// much longer 2022 bullet keeps its identity, though most of the bullet's
// words are new (its Dice coefficient is far below the threshold).
func TestExtendedSentenceIsChangedNotReplaced(t *testing.T) {
	short := "Le programme DEEP de l’OTAN pour le Kazakhstan a commencé en 2007 avec l’Université nationale de défense du Kazakhstan."
	long := "Pour le Kazakhstan, le programme de renforcement de la formation « défense » (DEEP) de l’OTAN a commencé en 2007, avec l’Université nationale de défense du Kazakhstan ; il vise à faire en sorte que les programmes et les méthodes soient conformes aux normes internationales. La coopération a été ensuite étendue au KAZCENT, au Centre de formation des sous-officiers et à l'Institut de défense de l'armée de terre."
	old := snapshots.Snapshot{Title: "T", Sections: []snapshots.Section{{Heading: "Réforme", Level: 2,
		Blocks: []snapshots.Block{{Kind: snapshots.Paragraph, Text: short}}}}}
	new := snapshots.Snapshot{Title: "T", Sections: []snapshots.Section{{Heading: "Renforcement des capacités", Level: 2,
		Blocks: []snapshots.Block{{Kind: snapshots.Bullet, Text: long}}}}}
	r := Compare(old, new)
	if r.Summary[BlockChanged] != 1 || r.Summary[BlockRemoved]+r.Summary[BlockAdded] != 0 {
		t.Fatalf("summary %v: want the sentence changed, not removed and added", r.Summary)
	}
	// Two unrelated sentences that merely share a few words stay apart.
	other := "Le Kazakhstan participe au programme pour la science au service de la paix et de la sécurité depuis 1993."
	old.Sections[0].Blocks[0].Text = other
	if r := Compare(old, new); r.Summary[BlockChanged] != 0 {
		t.Fatalf("summary %v: unrelated sentences were paired", r.Summary)
	}
}
