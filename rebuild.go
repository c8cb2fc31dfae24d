package relwatch

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// The rebuild of a page's timeline, which RecordInOrder (a past capture
// placed among the others) and Reparse (every capture parsed again) do
// in every store: which captures make which versions, which change goes
// into each, what each capture's outcome is and what the caller is told.
// A store reads its rows, hands them here, and writes what comes back
// through a TimelineWriter: only its SQL is its own.

// TimelineCapture is one successful capture of a page in a rebuilt
// timeline.
type TimelineCapture struct {
	ID         int64
	Live       bool      // made by a live check
	Seen       time.Time // when it was made (Capture.Started)
	OldVersion int       // the version it saw before the rebuild; 0 for one just inserted
	// FinalURL and CanonicalURL are its response's, when it has them: a
	// version's snapshot names its first capture's URLs, and a rebuild
	// may make another capture the first.
	FinalURL, CanonicalURL string
	Snap                   snapshots.Snapshot // its content, sealed
	Parser                 int                // the parser version that made Snap

	// Set by WriteTimeline.
	NewVersion  int  // the version it belongs to after the rebuild
	StartsGroup bool // the first capture of its version
}

// Outcome is the capture's outcome in the rebuilt timeline: new or
// changed for the first capture of a version, unchanged for the others.
func (c *TimelineCapture) Outcome() string {
	switch {
	case !c.StartsGroup:
		return OutcomeUnchanged
	case c.NewVersion == 1:
		return OutcomeNew
	default:
		return OutcomeChanged
	}
}

// OrderObserved returns caps, given in capture id order, in the order they
// were observed (ObservedOrder).
func OrderObserved(caps []TimelineCapture) []TimelineCapture {
	times := make([]CaptureTime, len(caps))
	for i, c := range caps {
		times[i] = CaptureTime{ID: c.ID, Live: c.Live, Seen: c.Seen}
	}
	out := make([]TimelineCapture, len(caps))
	for i, j := range ObservedOrder(times) {
		out[i] = caps[j]
	}
	return out
}

// VersionWriter writes one page's versions into a store, in one
// transaction: the SQL the shared rebuilds and loads go through.
type VersionWriter interface {
	// PutVersion stores version v of snap (made by parser version parser,
	// with parseKey when known), first seen by capture captureID at first,
	// last at last, by checks captures.
	PutVersion(v int, captureID int64, snap snapshots.Snapshot, parser int, parseKey string, first, last time.Time, checks int) error
	// PutChange stores the change into version v, observed at observed,
	// after window (the last sighting of version v-1, nil when unknown);
	// the stamps are the two versions'.
	PutChange(v int, change *ChangeRecord, observed time.Time, window *time.Time, stampBefore, stampAfter string) error
	// IndexVersion indexes version v's content for search.
	IndexVersion(v int, snap *snapshots.Snapshot) error
}

// TimelineWriter writes a rebuilt timeline of one page into a store, in
// one transaction.
type TimelineWriter interface {
	VersionWriter
	// Clear removes the page's versions, changes and search index, which
	// the rebuild writes anew.
	Clear() error
	// SetOutcomes stores every capture's NewVersion and Outcome.
	SetOutcomes(caps []TimelineCapture) error
}

// WriteTimeline clears the page and writes its versions from its
// successful captures,
// in order of observation: consecutive captures with the same content
// hash make one version, as they would have in a live run. It fills in
// each capture's NewVersion and StartsGroup, stores a change into every
// version after the first (changeFor gets the last capture of the
// previous version and the first of the new one), indexes each version,
// sets the captures' outcomes, and returns the versions whose change is a
// parser change.
func WriteTimeline(w TimelineWriter, caps []TimelineCapture, changeFor func(prev, cur *TimelineCapture) ChangeRecord) ([]int, error) {
	if err := w.Clear(); err != nil {
		return nil, err
	}
	n := 0
	for i := range caps {
		caps[i].StartsGroup = i == 0 || caps[i].Snap.ContentHash != caps[i-1].Snap.ContentHash
		if caps[i].StartsGroup {
			n++
		}
		caps[i].NewVersion = n
	}
	var parserChanges []int
	var prevSnap snapshots.Snapshot
	for i := 0; i < len(caps); {
		j := i + 1
		for j < len(caps) && !caps[j].StartsGroup {
			j++
		}
		first := &caps[i]
		v := first.NewVersion
		if err := w.PutVersion(v, first.ID, first.Snap, first.Parser, "", first.Seen, caps[j-1].Seen, j-i); err != nil {
			return nil, err
		}
		if v > 1 {
			prev := &caps[i-1]
			cr := changeFor(prev, first)
			if cr.ParserChange {
				parserChanges = append(parserChanges, v)
			}
			if err := w.PutChange(v, &cr, first.Seen, &prev.Seen, string(prevSnap.UpdatedRaw), string(first.Snap.UpdatedRaw)); err != nil {
				return nil, err
			}
		}
		if err := w.IndexVersion(v, &first.Snap); err != nil {
			return nil, err
		}
		prevSnap = first.Snap
		i = j
	}
	return parserChanges, w.SetOutcomes(caps)
}

// StoredVersion is a version's content as a store holds it.
type StoredVersion struct {
	Snap   snapshots.Snapshot
	Parser int
}

// ChangeKey names a stored change by the contents it links.
type ChangeKey struct{ From, To string }

// InOrderTimeline is RecordInOrder's timeline: caps (the page's
// successful captures in capture id order, newID among them) with the
// content of the version each saw, newID with snap, in order of
// observation. Nothing is parsed again.
func InOrderTimeline(caps []TimelineCapture, versions map[int]StoredVersion, newID int64, snap snapshots.Snapshot) ([]TimelineCapture, error) {
	for i := range caps {
		c := &caps[i]
		if c.ID == newID {
			c.Snap, c.Parser = snap, snap.ParserVersion
			continue
		}
		s, ok := versions[c.OldVersion]
		if !ok {
			return nil, Fail(ErrCorrupt, "capture %d refers to missing version %d", c.ID, c.OldVersion)
		}
		c.Snap, c.Parser = s.Snap, s.Parser
		if c.FinalURL != "" {
			c.Snap.FinalURL = c.FinalURL
		}
		if c.CanonicalURL != "" {
			c.Snap.CanonicalURL = c.CanonicalURL
		}
	}
	return OrderObserved(caps), nil
}

// KeepKnownChanges is RecordInOrder's changeFor: a change between two
// contents the store already links is kept as it is; compare diffs only
// the new neighbours.
func KeepKnownChanges(known map[ChangeKey]ChangeRecord, compare CompareFunc) func(prev, cur *TimelineCapture) ChangeRecord {
	return func(prev, cur *TimelineCapture) ChangeRecord {
		if cr, ok := known[ChangeKey{prev.Snap.ContentHash, cur.Snap.ContentHash}]; ok {
			return cr
		}
		return compare(prev.Snap, cur.Snap)
	}
}

// RebuildInOrder is RecordInOrder's rebuild once the store has inserted
// capture newID (whose content is snap): caps are the page's successful
// captures in capture id order, versions and known what the store holds.
// It writes the timeline through w and says where newID landed.
func RebuildInOrder(w TimelineWriter, caps []TimelineCapture, versions map[int]StoredVersion, known map[ChangeKey]ChangeRecord,
	newID int64, snap snapshots.Snapshot, compare CompareFunc) (Placed, error) {
	ordered, err := InOrderTimeline(caps, versions, newID, snap)
	if err != nil {
		return Placed{}, err
	}
	if _, err := WriteTimeline(w, ordered, KeepKnownChanges(known, compare)); err != nil {
		return Placed{}, err
	}
	return PlacedIn(ordered, newID), nil
}

// PlacedIn says where capture id landed in a written timeline.
func PlacedIn(caps []TimelineCapture, id int64) Placed {
	var p Placed
	for i, c := range caps {
		if c.ID != id {
			continue
		}
		p.Version, p.Outcome = c.NewVersion, c.Outcome()
		for _, later := range caps[i+1:] {
			if later.OldVersion != later.NewVersion {
				p.Shifted = true
			}
		}
	}
	return p
}

// ReparseCapture is a capture Reparse parses again: a TimelineCapture
// with its raw body (BodyID 0 when it has none: a 304, whose content is
// the previous capture's) and what the parser is told of it.
type ReparseCapture struct {
	TimelineCapture
	BodyID      int64
	ContentType string
	URL         string
}

// BodyLoader reads capture's stored raw body bodyID, with its digest.
type BodyLoader func(capture, bodyID int64) (raw []byte, digest string, err error)

// ReparseTimeline parses rows (the page's successful captures, in
// capture id order) again, each distinct body once, and returns them with
// their new content in order of observation.
func ReparseTimeline(rows []ReparseCapture, load BodyLoader, parse ParseFunc) ([]TimelineCapture, error) {
	times := make([]CaptureTime, len(rows))
	for i, x := range rows {
		times[i] = CaptureTime{ID: x.ID, Live: x.Live, Seen: x.Seen}
	}
	type parsed struct {
		snap   snapshots.Snapshot
		parser int
	}
	cache := map[int64]parsed{}
	caps := make([]TimelineCapture, 0, len(rows))
	for _, j := range ObservedOrder(times) {
		x := rows[j]
		c := x.TimelineCapture
		switch {
		case x.BodyID != 0:
			p, ok := cache[x.BodyID]
			if !ok {
				raw, digest, err := load(c.ID, x.BodyID)
				if err != nil {
					return nil, err
				}
				p.snap, p.parser, err = parse(raw, x.ContentType, x.URL)
				if err != nil {
					return nil, fmt.Errorf("parse capture %d (body %s): %w", c.ID, digest, err)
				}
				p.snap.Seal()
				cache[x.BodyID] = p
			}
			c.Snap, c.Parser = p.snap, p.parser
		case len(caps) > 0:
			c.Snap, c.Parser = caps[len(caps)-1].Snap, caps[len(caps)-1].Parser
		default:
			return nil, fmt.Errorf("capture %d is the page's first good capture and has no raw body to parse", c.ID)
		}
		caps = append(caps, c)
	}
	return caps, nil
}

// RebuildReparsed is Reparse's rebuild of one page: rows parsed again
// (ReparseTimeline) and written through w. It fills in pr's Captures,
// After and ParserChanges.
func RebuildReparsed(w TimelineWriter, pr *PageReparse, rows []ReparseCapture, load BodyLoader, parse ParseFunc, compare CompareFunc) error {
	caps, err := ReparseTimeline(rows, load, parse)
	if err != nil {
		return err
	}
	pr.Captures = len(rows)
	if pr.ParserChanges, err = WriteTimeline(w, caps, MarkParserChanges(compare)); err != nil {
		return err
	}
	pr.After = 0
	if n := len(caps); n > 0 {
		pr.After = caps[n-1].NewVersion
	}
	return nil
}

// MarkParserChanges is Reparse's changeFor: compare's change, marked a
// parser change where the old parser had put the two captures in one
// version (the page was not edited there, the parser moved).
func MarkParserChanges(compare CompareFunc) func(prev, cur *TimelineCapture) ChangeRecord {
	return func(prev, cur *TimelineCapture) ChangeRecord {
		cr := compare(prev.Snap, cur.Snap)
		if prev.OldVersion == cur.OldVersion {
			cr.ParserChange = true
		}
		return cr
	}
}

// VersionFingerprint is a stored version reduced to what Reparse
// compares before and after.
type VersionFingerprint struct {
	Version  int
	Capture  int64
	Snapshot string // a hash of the stored snapshot and its parser version
	All      string // a hash of everything stored for the version and the change into it
}

// Rewritten lists the versions of after whose content differs from what
// their first capture had before, and whether anything differs at all.
func Rewritten(before, after []VersionFingerprint) (rewritten []int, changed bool) {
	byCapture := map[int64]string{}
	for _, f := range before {
		byCapture[f.Capture] = f.Snapshot
	}
	for _, f := range after {
		if old, ok := byCapture[f.Capture]; !ok || old != f.Snapshot {
			rewritten = append(rewritten, f.Version)
		}
	}
	changed = len(before) != len(after)
	for i := 0; !changed && i < len(before); i++ {
		changed = before[i] != after[i]
	}
	return rewritten, changed
}

// InOrderError says why c, with content snap, cannot be recorded in time
// order (see Store.RecordInOrder), nil when it can: snap must be sealed
// and c a past capture.
func InOrderError(c Capture, snap snapshots.Snapshot) error {
	if snap.ContentHash == "" || !snap.VerifyHash() {
		return fmt.Errorf("record capture of %s: snapshot is not sealed (content hash missing or wrong)", c.Page)
	}
	if !IsPastCapture(c) {
		return fmt.Errorf("record capture of %s in time order: source %q is not a past capture", c.Page, c.Source)
	}
	return nil
}

// KnownVersion is version v as a rebuild reads it: s, its stored snapshot
// made by parser (decodeErr is why it did not decode, nil when it did).
func KnownVersion(v, parser int, s snapshots.Snapshot, decodeErr error) (StoredVersion, error) {
	if decodeErr != nil {
		return StoredVersion{}, Fail(ErrCorrupt, "version %d: %v", v, decodeErr)
	}
	return StoredVersion{Snap: s, Parser: parser}, nil
}

// KnownChange is a stored change as a rebuild reads it, by the contents
// (hashes from and to) it links, from the columns ChangeColumns wrote.
func KnownChange(from, to, diff, summary string, stampOnly, parserChange bool) (ChangeKey, ChangeRecord, error) {
	cr := ChangeRecord{DiffJSON: []byte(diff), StampOnly: stampOnly, ParserChange: parserChange}
	if err := json.Unmarshal([]byte(summary), &cr.Summary); err != nil {
		return ChangeKey{}, cr, Fail(ErrCorrupt, "change %s → %s: bad summary", from, to)
	}
	return ChangeKey{From: from, To: to}, cr, nil
}
