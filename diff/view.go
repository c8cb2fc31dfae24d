package diff

import "github.com/relwatch/relwatch/snapshots"

// Entry is one change as the human-readable reports show it, for front
// ends that lay a report out themselves (relwatch serve): what kind of
// change, where it stands, and its text marked up word by word.
type Entry struct {
	Kind    string // a change kind: BlockChanged, SectionAdded, …
	Label   string // "Block changed"
	Where   string // where it now stands: the section path, "Top of page" or "Page header"
	From    string // where it stood, when that differs
	Note    string // "paragraph → bullet"
	Ops     []Op   // the text, with insertions and deletions
	Added   []snapshots.Block
	Removed []snapshots.Block
}

// Group is the entries of consecutive changes at one place.
type Group struct {
	Where   string
	Entries []Entry
}

// Groups lays out a report's changes as the HTML report does: in page
// order, consecutive changes at one place under one heading.
func Groups(r Report) []Group {
	var gs []Group
	for _, ch := range r.Changes {
		e := entryOf(ch)
		if n := len(gs); n == 0 || gs[n-1].Where != e.Where {
			gs = append(gs, Group{Where: e.Where})
		}
		g := &gs[len(gs)-1]
		g.Entries = append(g.Entries, Entry(e))
	}
	return gs
}

// SummaryLine is a report's summary as the reports print it: "3 changes:
// 1 block changed, 2 block moved", or "No changes.".
func SummaryLine(r Report) string { return summaryLine(r.Result) }

// DatesLine is a report's change window and the new side's stamp as the
// reports print it: "Changed between 2026-11-27 06:00 and 2026-11-28 06:00
// UTC; page stamp …", "" when nothing is known.
func DatesLine(r Report) string { return upperFirstOrEmpty(datesLine(r)) }

// SideLine describes one side as the reports do: "version 3, stamp 23 May.
// 2022 15:38, first seen 2026-11-27 06:00 UTC, sha256:0123456789ab".
func SideLine(s Side) string { return sideLine(s) }
