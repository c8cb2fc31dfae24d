package diff

import (
	"strconv"
	"strings"
)

// The wording of a change set lives here, next to the change kinds, so that
// every output (report headers, feed entry titles, the export's index)
// words and orders a change the same way.

// kindOrder is the order kinds are listed in summaries: the page header,
// then sections, then their text.
var kindOrder = [...]string{
	TitleChanged, StampChanged, LeadChanged, CaptionAdded, CaptionRemoved, CaptionChanged,
	SectionAdded, SectionRemoved, SectionRenamed, SectionMoved,
	BlockAdded, BlockRemoved, BlockChanged, BlockMoved,
}

// phrase is one part of a summary: a noun and what happened to it.
type phrase struct{ noun, verb string }

// phraseOf words one change for a reader: blocks are the paragraphs or
// bullets they are, a stamp that disappeared is "stamp removed", one set
// to an earlier date than before "stamp went backwards".
func phraseOf(ch Change, stampBack bool) phrase {
	noun, verb, _ := strings.Cut(ch.Kind, "_")
	switch noun {
	case "block":
		noun = blockNoun(ch)
	case "stamp":
		// The change has the stamps as printed; whether the new one is
		// earlier the comparison knew (stampBack).
		verb = StampVerb(Stamp{Raw: ch.Old}, Stamp{Raw: ch.New})
		if verb == "changed" && stampBack {
			verb = "went backwards"
		}
	case "lead":
		switch {
		case ch.Old == "" && ch.New != "":
			verb = "added"
		case ch.New == "" && ch.Old != "":
			verb = "removed"
		}
	}
	return phrase{noun, verb}
}

// blockNoun is "paragraph" or "bullet": the kind the block has now, or had
// when it is gone.
func blockNoun(ch Change) string {
	kind := ch.NewKind
	if ch.Kind == BlockRemoved || kind == "" {
		kind = ch.OldKind
	}
	if kind == "" {
		return "block"
	}
	return kind
}

// Describe words the change set in one line, in kindOrder:
// "1 stamp changed, 2 bullets removed, 1 paragraph changed"; "" when
// nothing changed.
func (r Result) Describe() string {
	counts := map[phrase]int{}
	byKind := map[string][]phrase{}
	for _, ch := range r.Changes {
		p := phraseOf(ch, r.StampWentBack)
		if counts[p] == 0 {
			byKind[ch.Kind] = append(byKind[ch.Kind], p)
		}
		counts[p]++
	}
	var parts []string
	for _, k := range kindOrder {
		for _, p := range sortPhrases(byKind[k]) {
			parts = append(parts, plural(counts[p], p.noun)+" "+p.verb)
		}
	}
	return strings.Join(parts, ", ")
}

// sortPhrases puts paragraphs before bullets, so that the same change set
// is always worded in the same order.
func sortPhrases(ps []phrase) []phrase {
	rank := func(p phrase) int {
		switch p.noun {
		case "paragraph":
			return 0
		case "bullet":
			return 1
		}
		return 2
	}
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && rank(ps[j]) < rank(ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	return ps
}

// SummaryLine is the report's headline: "3 changes: 1 stamp changed,
// 2 bullets removed", with a remark when only the stamp changed; "No
// changes." for an empty set.
func (r Result) SummaryLine() string {
	if r.Empty() {
		return "No changes."
	}
	s := plural(len(r.Changes), "change") + ": " + r.Describe()
	if r.StampOnly {
		s += " (only the page's stamp changed)"
	}
	return s
}

// BlockKindSep joins a change kind and a block kind in the keys that
// BlockCounts adds to a stored summary: "block_removed:bullet".
const BlockKindSep = ":"

// BlockCounts counts the block changes of r by change kind and by what the
// blocks are (paragraph, bullet), under "<change kind>:<block kind>"
// ("block_removed:bullet": 2). The archive keeps them in the change's
// summary next to the counts per change kind, so that a line worded from
// the stored counts (log's CHANGE column) names paragraphs and bullets as
// the report does.
func (r Result) BlockCounts() map[string]int {
	out := map[string]int{}
	for _, ch := range r.Changes {
		if strings.HasPrefix(ch.Kind, "block_") {
			out[ch.Kind+BlockKindSep+blockNoun(ch)]++
		}
	}
	return out
}

// StoredSummary is the summary the archive keeps of r: its counts per
// change kind (Summary) and BlockCounts.
func (r Result) StoredSummary() map[string]int {
	out := make(map[string]int, len(r.Summary)+2)
	for k, n := range r.Summary {
		out[k] = n
	}
	for k, n := range r.BlockCounts() {
		out[k] = n
	}
	return out
}

// AppendCounts appends counts of changes per kind (a Result's Summary, as
// the archive keeps it) in the same words and order as Describe: "1 stamp
// changed, 2 bullets removed". Block changes are named by what the blocks
// are when the summary has BlockCounts' keys (a change stored before they
// were kept has only "blocks"). stampVerb (from StampVerb, "" for
// "changed") says what happened to the stamp. It appends nothing for no
// counts; it formats without fmt, for a log of thousands of versions.
func AppendCounts(b []byte, summary map[string]int, stampVerb string) []byte {
	// One pass over the summary's few keys, each put in its place in
	// kindOrder: looking every kind and block kind up was 22 map lookups
	// a version, a tenth of a long log's time.
	var counts [len(kindOrder)]int
	var blocks [len(kindOrder)][len(blockNouns)]int
	for k, n := range summary {
		kind, blockNoun, isBlock := strings.Cut(k, BlockKindSep)
		rank, ok := kindRank[kind]
		switch {
		case !ok:
		case !isBlock:
			counts[rank] = n
		case blockNoun == blockNouns[0]:
			blocks[rank][0] = n
		case blockNoun == blockNouns[1]:
			blocks[rank][1] = n
		}
	}
	first := true
	phrase := func(n int, noun, verb string) {
		if !first {
			b = append(b, ", "...)
		}
		first = false
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, ' ')
		b = append(b, noun...)
		if n != 1 {
			b = append(b, 's')
		}
		b = append(b, ' ')
		b = append(b, verb...)
	}
	for rank, k := range kindOrder {
		n := counts[rank]
		if n == 0 {
			continue
		}
		noun, verb, _ := strings.Cut(k, "_")
		if k == StampChanged && stampVerb != "" {
			verb = stampVerb
		}
		if noun == "block" {
			// Paragraphs, then bullets, as sortPhrases orders them; what
			// the breakdown does not cover stays "block".
			for j, kind := range blockNouns {
				if m := blocks[rank][j]; m > 0 && m <= n {
					phrase(m, kind, verb)
					n -= m
				}
			}
			if n == 0 {
				continue
			}
		}
		phrase(n, noun, verb)
	}
	return b
}

// blockNouns are the block kinds of BlockCounts' keys, in the order
// summaries name them.
var blockNouns = [...]string{"paragraph", "bullet"}

// kindRank is each kind's place in kindOrder.
var kindRank = func() map[string]int {
	m := make(map[string]int, len(kindOrder))
	for i, k := range kindOrder {
		m[k] = i
	}
	return m
}()

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
