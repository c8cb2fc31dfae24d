package diff

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// similarity is the Dice threshold above which two texts are the same text
// reworded rather than two different texts. At 0.5 a bullet keeps its
// identity through the rewording of up to about half its words.
const similarity = 0.5

// A block whose words are nearly all inside another block is that block
// extended or merged into a longer one (a 2017 sentence that became a 2022
// bullet with a clause added), however low their Dice coefficient: at
// least containment of the shorter block's words, when it has at least
// minContained words, makes the pair as similar as the threshold.
const (
	containment  = 0.8
	minContained = 8
)

// resemblance scores how alike two blocks' word multisets are: their Dice
// coefficient, raised to the threshold when the shorter one is contained
// in the longer.
func resemblance(a, b []int32) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	c := common(a, b)
	d := 2 * float64(c) / float64(len(a)+len(b))
	if short := min(len(a), len(b)); d < similarity && short >= minContained && float64(c) >= containment*float64(short) {
		return similarity
	}
	return d
}

// mayResemble is false when two blocks of these sizes cannot reach the
// threshold, so the pair need not be scored.
func mayResemble(la, lb int) bool {
	return diceBound(la, lb) >= similarity || min(la, lb) >= minContained
}

// vocabulary interns lower-cased words so that word multisets are sorted
// slices of small integers, compared by merging.
type vocabulary struct {
	ids map[string]int32
}

// words returns the sorted word ids of s, repeats kept.
func (v *vocabulary) words(s string) []int32 {
	if v.ids == nil {
		v.ids = map[string]int32{}
	}
	var ws []int32
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if !isWordRune(r) {
			s = s[size:]
			continue
		}
		n := size
		for n < len(s) {
			r2, sz := utf8.DecodeRuneInString(s[n:])
			if !isWordRune(r2) {
				break
			}
			n += sz
		}
		w := s[:n]
		if strings.IndexFunc(w, unicode.IsUpper) >= 0 {
			w = strings.ToLower(w)
		}
		id, ok := v.ids[w]
		if !ok {
			id = int32(len(v.ids))
			v.ids[w] = id
		}
		ws = append(ws, id)
		s = s[n:]
	}
	slices.Sort(ws)
	return ws
}

// dice is the Dice coefficient of two sorted multisets: twice the size of
// the intersection over the sum of the sizes.
func dice(a, b []int32) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	return 2 * float64(common(a, b)) / float64(len(a)+len(b))
}

// diceBound is the best Dice two multisets of these sizes could reach.
func diceBound(la, lb int) float64 {
	if la+lb == 0 {
		return 1
	}
	return 2 * float64(min(la, lb)) / float64(la+lb)
}

func common(a, b []int32) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

// distinct returns the distinct values of a sorted slice.
func distinct(ws []int32) []int32 {
	out := make([]int32, 0, len(ws))
	for i, w := range ws {
		if i == 0 || w != ws[i-1] {
			out = append(out, w)
		}
	}
	return out
}

// candidate is a possible pairing of old item o with new item n.
type candidate struct {
	score float64
	same  bool // both in sections already matched to each other
	o, n  int
}

// pickGreedy takes candidates best first — score, then same section, then
// new and old position, so ties always break the same way — and pairs each
// item at most once, recording the pairs in o2n and n2o.
func pickGreedy(cs []candidate, o2n, n2o []int) []candidate {
	sort.Slice(cs, func(i, j int) bool {
		x, y := cs[i], cs[j]
		if x.score != y.score {
			return x.score > y.score
		}
		if x.same != y.same {
			return x.same
		}
		if x.n != y.n {
			return x.n < y.n
		}
		return x.o < y.o
	})
	var picked []candidate
	for _, c := range cs {
		if o2n[c.o] >= 0 || n2o[c.n] >= 0 {
			continue
		}
		o2n[c.o], n2o[c.n] = c.n, c.o
		picked = append(picked, c)
	}
	return picked
}
