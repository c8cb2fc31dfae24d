package diff

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/relwatch/relwatch/snapshots"
)

// wordGen draws pseudo-French words with a Zipf-like frequency, so that
// generated pages have the common and rare words real prose has.
type wordGen struct {
	rng   *rand.Rand
	words []string
	cum   []float64
}

func newWordGen(seed uint64, vocab int) *wordGen {
	g := &wordGen{rng: rand.New(rand.NewPCG(seed, 1))}
	syll := []string{"ka", "za", "te", "ré", "for", "ma", "tion", "co", "pé", "ra", "di", "plo", "sé", "cu", "ri", "dé", "fen", "se", "par", "te", "nai", "re", "al", "lian", "ce", "pro", "gram", "me", "œu", "vre"}
	wrng := rand.New(rand.NewPCG(42, 42))
	total := 0.0
	for i := range vocab {
		var w strings.Builder
		for range 1 + wrng.IntN(4) {
			w.WriteString(syll[wrng.IntN(len(syll))])
		}
		w.WriteString(string(rune('a' + i%26)))
		g.words = append(g.words, w.String())
		total += 1 / math.Pow(float64(i+1), 1.1)
		g.cum = append(g.cum, total)
	}
	return g
}

func (g *wordGen) word() string {
	x := g.rng.Float64() * g.cum[len(g.cum)-1]
	lo, hi := 0, len(g.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.cum[mid] < x {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return g.words[lo]
}

func (g *wordGen) sentence(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	return strings.ToUpper(ws[0][:1]) + strings.Join(ws, " ")[1:] + "."
}

// genPage builds an accordion-style page of about size bytes: H2 sections
// of paragraphs, each with a few H3 topics.
func genPage(seed uint64, size int) snapshots.Snapshot {
	g := newWordGen(seed, 5000)
	s := page2022()
	s.Sections = nil
	n := 0
	for n < size {
		sec := snapshots.Section{Heading: g.sentence(3), Level: 2}
		for range 4 {
			sub := snapshots.Section{Heading: g.sentence(2), Level: 3}
			for range 5 {
				t := g.sentence(10 + g.rng.IntN(16))
				n += len(t)
				sub.Blocks = append(sub.Blocks, snapshots.Block{Kind: snapshots.Paragraph, Text: t})
			}
			sec.Sections = append(sec.Sections, sub)
		}
		s.Sections = append(s.Sections, sec)
	}
	return s
}

// restructured is old turned into a flat page of bullets: the same blocks
// regrouped under new headings, every tenth reworded, every thirtieth
// dropped, a few new ones added.
func restructured(old snapshots.Snapshot) snapshots.Snapshot {
	g := newWordGen(7, 5000)
	var texts []string
	snapshots.Walk(old.Sections, func(_ []string, sec *snapshots.Section) {
		for _, b := range sec.Blocks {
			texts = append(texts, b.Text)
		}
	})
	s := old
	s.Sections = []snapshots.Section{{Heading: "", Level: 0}}
	cur := &s.Sections[0]
	for i, t := range texts {
		if i%30 == 29 {
			continue
		}
		if i%10 == 3 {
			w := strings.Fields(t)
			w[len(w)/2] = g.word()
			w[len(w)/3] = g.word()
			t = strings.Join(w, " ")
		}
		if i%12 == 0 {
			s.Sections = append(s.Sections, snapshots.Section{Heading: g.sentence(3), Level: 2})
			cur = &s.Sections[len(s.Sections)-1]
			cur.Blocks = append(cur.Blocks, snapshots.Block{Kind: snapshots.Paragraph, Text: g.sentence(12)})
		}
		cur.Blocks = append(cur.Blocks, snapshots.Block{Kind: snapshots.Bullet, Text: t})
	}
	return s
}

// shuffledPair is the worst case for the inline diff: 40 long paragraphs
// whose words are all kept but shuffled, so every pair matches (same word
// multiset) and every fine diff would be as long as the text.
func shuffledPair() (old, new snapshots.Snapshot) {
	g := newWordGen(11, 300)
	old, new = page2022(), page2022()
	old.Sections = []snapshots.Section{{Heading: "Long", Level: 2}}
	new.Sections = []snapshots.Section{{Heading: "Long", Level: 2}}
	for range 40 {
		w := strings.Fields(g.sentence(499))
		old.Sections[0].Blocks = append(old.Sections[0].Blocks, snapshots.Block{Kind: snapshots.Paragraph, Text: strings.Join(w, " ")})
		g.rng.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
		new.Sections[0].Blocks = append(new.Sections[0].Blocks, snapshots.Block{Kind: snapshots.Paragraph, Text: strings.Join(w, " ")})
	}
	return old, new
}

func textSize(s snapshots.Snapshot) int { return s.TextLen() }

func BenchmarkCompare(b *testing.B) {
	edited := page2022()
	edited.Sections = cloneSections(edited.Sections)
	edited.Sections[1].Sections[0].Blocks[1].Text = strings.Replace(capSteppe, "rôle actif", "rôle très actif", 1)

	old100 := genPage(1, 100_000)
	new100 := restructured(old100)
	edited100 := old100
	edited100.Sections = cloneSections(old100.Sections)
	b100 := &edited100.Sections[3].Sections[2].Blocks[1]
	b100.Text = strings.Replace(b100.Text, " ", " très ", 1)
	old300 := genPage(2, 300_000)
	new300 := genPage(3, 300_000)
	oldShuf, newShuf := shuffledPair()

	cases := []struct {
		name     string
		old, new snapshots.Snapshot
	}{
		{"one-bullet", page2022(), edited},
		{"one-bullet-100KB", old100, edited100},
		{"restructure", old100, new100},
		{"restructure-fixture", page2017(), page2022()},
		{"rewrite-300KB", old300, new300},
		{"shuffled-paragraphs", oldShuf, newShuf},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(textSize(c.old) + textSize(c.new)))
			for b.Loop() {
				Compare(c.old, c.new)
			}
		})
	}
}

// TestGeneratedPages checks the benchmark inputs are what they claim and
// that the comparison of them holds the usual properties.
func TestGeneratedPages(t *testing.T) {
	old, new := genPage(1, 100_000), restructured(genPage(1, 100_000))
	if n := textSize(old); n < 100_000 || n > 110_000 {
		t.Fatalf("100 KB page is %d bytes", n)
	}
	r, m := compare(old, new)
	checkResult(t, old, new, r, m)
	// Every block but the dropped thirtieth survives, as moved (bullets
	// now) or changed (the reworded tenth).
	var oldBlocks, gone int
	snapshots.Walk(old.Sections, func(_ []string, s *snapshots.Section) { oldBlocks += len(s.Blocks) })
	for _, ch := range r.Changes {
		if ch.Kind == SectionRemoved {
			gone += len(ch.Blocks)
		}
		if ch.Kind == BlockRemoved {
			gone++
		}
	}
	if survived := r.Summary[BlockMoved] + r.Summary[BlockChanged]; survived < oldBlocks-oldBlocks/30-2 || gone > oldBlocks/30+2 {
		t.Fatalf("restructure of %d blocks: %d survived, %d gone: %v", oldBlocks, survived, gone, r.Summary)
	}
	old, new = genPage(2, 300_000), genPage(3, 300_000)
	var blocks int
	snapshots.Walk(old.Sections, func(_ []string, s *snapshots.Section) { blocks += len(s.Blocks) })
	if n := textSize(old); n < 300_000 || blocks < 1800 {
		t.Fatalf("300 KB page is %d bytes in %d blocks", n, blocks)
	}
	r, m = compare(old, new)
	checkResult(t, old, new, r, m)

	// Past the inline work budget, rewordings are shown whole.
	old, new = shuffledPair()
	r, m = compare(old, new)
	checkResult(t, old, new, r, m)
	whole := 0
	for _, ch := range r.Changes {
		if len(ch.Inline) == 2 {
			whole++
		}
	}
	if r.Summary[BlockChanged] != 40 || whole < 30 {
		t.Fatalf("shuffled paragraphs: %v, %d shown whole", r.Summary, whole)
	}
}
