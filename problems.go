package relwatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/relwatch/relwatch/snapshots"
)

// Problems collects what a store's Check finds, in the order it finds it.
// The rules a version, a change, a capture and the search index are held
// to, and the wording of each problem, are here once for every store; the
// stores only read their rows.
type Problems struct {
	List []Problem
	last map[string]int // per page, the last version Version saw
}

// Add records a problem of kind.
func (p *Problems) Add(kind, format string, args ...any) {
	p.List = append(p.List, Problem{Kind: kind, Detail: fmt.Sprintf(format, args...)})
}

// Reference records a row of table, with id, that refers to a missing row
// of parent.
func (p *Problems) Reference(table string, id int64, parent string) {
	p.Add("reference", "%s row %d refers to a missing %s row", table, id, parent)
}

// VersionRow is one stored version as Check reads it, with what its
// capture says of it.
type VersionRow struct {
	Page     string // "<id>/<lang>"
	Version  int
	Hash     string // the row's content hash
	Snapshot snapshots.Snapshot
	// DecodeErr is why the stored snapshot does not decode, nil when it does.
	DecodeErr error
	// Of the capture the version came from: its version and outcome, and
	// whether it is of the same page (false when there is no such capture).
	CaptureVersion int
	Outcome        string
	SamePage       bool
}

// Version checks v: versions of a page are numbered 1..N (Version must see
// them in page and version order), the snapshot decodes and matches its
// hash, and the capture it came from records it as new or changed.
func (p *Problems) Version(v VersionRow) {
	if p.last == nil {
		p.last = map[string]int{}
	}
	if want := p.last[v.Page] + 1; v.Version != want {
		p.Add("version", "%s: version %d follows version %d", v.Page, v.Version, want-1)
	}
	p.last[v.Page] = v.Version
	switch {
	case v.DecodeErr != nil:
		p.Add("version", "%s version %d: snapshot does not decode: %v", v.Page, v.Version, v.DecodeErr)
	case v.Snapshot.ContentHash != v.Hash:
		p.Add("version", "%s version %d: snapshot hash %s differs from the row's %s", v.Page, v.Version, v.Snapshot.ContentHash, v.Hash)
	case !v.Snapshot.VerifyHash():
		p.Add("version", "%s version %d: content does not match its hash %s", v.Page, v.Version, v.Hash)
	}
	if !v.SamePage || v.CaptureVersion != v.Version || (v.Outcome != OutcomeNew && v.Outcome != OutcomeChanged) {
		p.Add("version", "%s version %d: its capture does not record it (capture version %d, outcome %q)",
			v.Page, v.Version, v.CaptureVersion, v.Outcome)
	}
}

// ChangeLink records a change into version to of page that starts from
// from, not from the version before.
func (p *Problems) ChangeLink(page string, from, to int) {
	p.Add("change", "%s: change into version %d starts from version %d", page, to, from)
}

// Capture records a capture whose version does not exist or does not fit
// its outcome.
func (p *Problems) Capture(id int64, outcome string, version int) {
	p.Add("capture", "capture %d (%s) refers to version %d, which does not exist or does not fit", id, outcome, version)
}

// VersionFacts records a version whose version_facts row differs from what
// it copies: stale says the row is missing or stale (the computed row is
// not in version_facts), otherwise version_facts has a row not computed.
func (p *Problems) VersionFacts(page string, version int, stale bool) {
	what := "in version_facts does not match versions, captures and changes"
	if stale {
		what = "is missing or stale in version_facts"
	}
	p.Add("version", "%s version %d %s", page, version, what)
}

// BlockCheckKey is how Check compares search blocks: kind and path (as
// JSON), then the text.
func BlockCheckKey(kind, path, text string) string { return kind + " " + path + "\x00" + text }

// PageIndex compares one page's search index with its versions, for a
// store's Check: the store hands it every index row of the page
// (Indexed), then every version's snapshot (Version), so that it holds one
// page's index at a time, however big the archive.
type PageIndex struct {
	problems *Problems
	page     string
	indexed  map[int][]string
}

// PageIndex starts the comparison of page's index.
func (p *Problems) PageIndex(page string) *PageIndex {
	return &PageIndex{problems: p, page: page, indexed: map[int][]string{}}
}

// Indexed is one index row: a block of version, its path as JSON.
func (x *PageIndex) Indexed(version int, kind, path, text string) {
	x.indexed[version] = append(x.indexed[version], BlockCheckKey(kind, path, text))
}

// Version compares a version's snapshot with its index rows.
func (x *PageIndex) Version(version int, s *snapshots.Snapshot) {
	var want []string
	for _, b := range SearchBlocks(s) {
		path, _ := json.Marshal(b.Path)
		want = append(want, BlockCheckKey(b.Kind, string(path), b.Text))
	}
	x.problems.Blocks(x.page, version, want, x.indexed[version])
}

// Blocks compares the search blocks a version's snapshot has (want) with
// those the index holds for it (got), both as BlockCheckKey, in any order.
func (p *Problems) Blocks(page string, version int, want, got []string) {
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		p.Add("search-index", "%s version %d: index has %d blocks, the snapshot %d%s", page, version, len(got), len(want), BlockDifference(want, got))
	}
}

// CheckError is the error Check returns when the check itself could not
// run: one that says what is wrong with the archive is kept, any other
// (a read the damage made fail) means the archive is corrupt.
func CheckError(err error) error {
	if err != nil && !errors.Is(err, ErrUnusable) {
		return Fail(ErrCorrupt, "%v", err)
	}
	return err
}
