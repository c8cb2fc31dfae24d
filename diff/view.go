package diff

import "github.com/relwatch/relwatch/snapshots"

// Entry is one change as the human-readable reports show it, for front
// ends that lay a report out themselves (relwatch serve): what kind of
// change, where it stands, and its text marked up word by word.
type Entry struct {
	Kind    string // a change kind: BlockChanged, SectionAdded, …
	Label   string // "Bullet changed"
	Where   string // where it now stands: the section path, "Top of page" or "Page header"
	From    string // where it stood, when that differs
	Note    string // "paragraph → bullet"
	Ops     []Op   // the text, with insertions and deletions
	Added   []snapshots.Block
	Removed []snapshots.Block
}

// Group is the entries at one place.
type Group struct {
	Where   string
	Entries []Entry
}

// Groups lays out a report's changes as the HTML report does: one group
// per place, places in the order they first appear.
func Groups(r Report) []Group {
	groups := groupByPlace(r.Result)
	out := make([]Group, len(groups))
	for i, g := range groups {
		out[i].Where = g.Where
		for _, e := range g.Entries {
			out[i].Entries = append(out[i].Entries, Entry(e))
		}
	}
	return out
}

// DatesLine is a report's change window and the new side's stamp as the
// reports print it: "Changed between 2026-11-27 06:00 and 2026-11-28 06:00
// UTC; page stamp 27 Nov. 2026 15:32 (Brussels)", zone labelling a stamp
// with a time of day; "" when nothing is known.
func DatesLine(r Report, zone string) string { return upperFirstOrEmpty(datesLine(r, zone)) }

// SideLine describes one side as the reports do: "version 3, stamp 23 May.
// 2022 15:38, first seen 2026-11-27 06:00 UTC, sha256:0123456789ab".
func SideLine(s Side) string { return sideLine(s) }
