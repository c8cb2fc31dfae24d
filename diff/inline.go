package diff

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op is one piece of an inline diff. Concatenating the Text of the "equal"
// and "delete" ops gives the old text; "equal" and "insert" give the new.
type Op struct {
	Op   string `json:"op"` // OpEqual, OpInsert or OpDelete
	Text string `json:"text"`
}

// Inline op names.
const (
	OpEqual  = "equal"
	OpInsert = "insert"
	OpDelete = "delete"
)

// go-diff's bisection costs O(N·D) for N tokens and D edits, and with
// DiffTimeout out of reach (so results never depend on the machine's speed)
// only input size bounds it. Guards that count tokens keep every diff fast:
// the common ends are cut off first (at a space, so no word is split); a
// middle of more than maxInlineTokens tokens a side is shown as delete-all,
// insert-all; and a comparison spends at most maxInlineWork token pairs
// (N·M) on fine diffs, after which its rewordings are shown whole. The worst
// fine diff (1,000 tokens of shuffled words each side) takes ~15-30 ms, so
// the budget holds a comparison to about four of those.
const (
	maxInlineTokens = 1000
	maxInlineWork   = 4_000_000
)

// inlineTimeout is never meant to fire: it only has to exceed what the
// guards allow. A zero timeout would disable go-diff's half-match speed-up
// (and make the worst case slower), so it is set, just far away.
const inlineTimeout = time.Hour

// Inline returns the word-level diff of old and new: both are made valid
// UTF-8, split into words, white space runs and single other characters,
// each distinct token is mapped to one rune, and go-diff compares the rune
// strings and cleans the result up semantically. Edits therefore always
// cover whole tokens. It never panics and gives the same ops on any machine.
func Inline(old, new string) []Op {
	return (&inliner{work: maxInlineWork}).diff(old, new)
}

// inliner diffs texts within one budget of work.
type inliner struct{ work int }

func (in *inliner) diff(old, new string) []Op {
	old, new = validUTF8(old), validUTF8(new)
	if old == new {
		if old == "" {
			return nil
		}
		return []Op{{OpEqual, old}}
	}
	// Only the middle differs: diff that, with the common ends cut at
	// white space so that no word is split.
	pre, suf := commonEnds(old, new)
	a, b := old[pre:len(old)-suf], new[pre:len(new)-suf]
	ops, ok := in.tokens(a, b)
	if !ok {
		ops = replaceAll(a, b)
	}
	if pre > 0 {
		ops = merge([]Op{{OpEqual, old[:pre]}}, ops)
	}
	if suf > 0 {
		ops = merge(ops, []Op{{OpEqual, old[len(old)-suf:]}})
	}
	return ops
}

func replaceAll(old, new string) []Op {
	var ops []Op
	if old != "" {
		ops = append(ops, Op{OpDelete, old})
	}
	if new != "" {
		ops = append(ops, Op{OpInsert, new})
	}
	return ops
}

func (in *inliner) tokens(old, new string) (ops []Op, ok bool) {
	defer func() {
		if recover() != nil {
			ops, ok = nil, false
		}
	}()
	ta, tb := tokenize(old, maxInlineTokens), tokenize(new, maxInlineTokens)
	if ta == nil || tb == nil || len(ta)*len(tb) > in.work {
		return nil, false
	}
	in.work -= len(ta) * len(tb)
	var vocab []string
	ids := map[string]rune{}
	encode := func(toks []string) []rune {
		rs := make([]rune, len(toks))
		for i, t := range toks {
			r, seen := ids[t]
			if !seen {
				r = tokenRune(len(vocab))
				ids[t] = r
				vocab = append(vocab, t)
			}
			rs[i] = r
		}
		return rs
	}
	ra, rb := encode(ta), encode(tb)

	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = inlineTimeout
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))

	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(vocab[runeToken(r)])
		}
		var op string
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			op = OpEqual
		case diffmatchpatch.DiffInsert:
			op = OpInsert
		default:
			op = OpDelete
		}
		if sb.Len() == 0 {
			continue
		}
		if n := len(ops); n > 0 && ops[n-1].Op == op {
			ops[n-1].Text += sb.String()
			continue
		}
		ops = append(ops, Op{op, sb.String()})
	}
	return ops, true
}

// Tokens are mapped into the Unicode private use area: never surrogates
// (which would not survive go-diff's string conversions) and never
// characters that its semantic clean-up treats as white space or line
// breaks. The area's 6,400 code points hold every distinct token two sides
// of maxInlineTokens can have; the constant below fails to compile if
// someone raises the cap past that.
const (
	puaFirst = 0xE000
	puaLen   = 0xF900 - 0xE000
)

const _ = uint(puaLen - 2*maxInlineTokens)

func tokenRune(i int) rune { return rune(puaFirst + i) }

func runeToken(r rune) int { return int(r - puaFirst) }

// tokenize splits s into words (letters, digits and marks; apostrophes and
// hyphens are tokens of their own), runs of white space, and single other
// characters. Joining the tokens gives s back. Past limit tokens it gives
// up and returns nil.
func tokenize(s string, limit int) []string {
	toks := make([]string, 0, min(len(s)/4, limit)+1)
	for len(s) > 0 {
		if len(toks) == limit {
			return nil
		}
		r, size := utf8.DecodeRuneInString(s)
		n := size
		switch {
		case isWordRune(r):
			for n < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[n:])
				if !isWordRune(r2) {
					break
				}
				n += sz
			}
		case unicode.IsSpace(r):
			for n < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[n:])
				if !unicode.IsSpace(r2) {
					break
				}
				n += sz
			}
		}
		toks = append(toks, s[:n])
		s = s[n:]
	}
	return toks
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// commonEnds returns the lengths of a common prefix and suffix of a and b
// that end and start next to a space (or the ends of the texts), and do not
// overlap.
func commonEnds(a, b string) (pre, suf int) {
	n := min(len(a), len(b))
	for pre < n && a[pre] == b[pre] {
		pre++
	}
	if pre < len(a) || pre < len(b) {
		for pre > 0 && a[pre-1] != ' ' {
			pre--
		}
	}
	n -= pre
	for suf < n && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	if suf < len(a)-pre || suf < len(b)-pre {
		for suf > 0 && a[len(a)-suf] != ' ' {
			suf--
		}
	}
	return pre, suf
}

// merge concatenates two op lists, joining the ops where they meet when
// they have the same kind.
func merge(a, b []Op) []Op {
	if len(a) > 0 && len(b) > 0 && a[len(a)-1].Op == b[0].Op {
		a = append(a[:len(a)-1:len(a)-1], Op{b[0].Op, a[len(a)-1].Text + b[0].Text})
		b = b[1:]
	}
	return append(a, b...)
}
