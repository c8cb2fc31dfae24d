package relwatch

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// VersionRecorder is one page of a store inside the write transaction of a
// check that saw a new version: the SQL of each step, while AppendVersion
// holds the rules of what a new version writes, once for every store.
type VersionRecorder interface {
	VersionWriter
	// Latest returns the page's latest version (0 when it has none), when
	// it was last seen (nil when it has none) and its stamp (its raw
	// "updated" text, "" when none).
	Latest() (version int, lastSeen *time.Time, stamp string, err error)
	// InsertCapture stores c as the capture of version and returns its id.
	InsertCapture(c *Capture, version int) (int64, error)
	// PutEvents writes c's events, about version (see PutEvents).
	PutEvents(events []Event, version int) error
}

// SealedError says why snap cannot be recorded for c, nil when it can: a
// version's snapshot must carry its correct content hash.
func SealedError(c Capture, snap snapshots.Snapshot) error {
	if snap.ContentHash == "" || !snap.VerifyHash() {
		return fmt.Errorf("record version of %s: snapshot is not sealed (content hash missing or wrong)", c.Page)
	}
	return nil
}

// IsPastCapture reports whether c was not made live just now (an imported
// file, a Wayback Machine capture): it is recorded in time order, and
// leaves the page's URLs as they are, since it says nothing of where the
// page is now.
func IsPastCapture(c Capture) bool { return c.Source != "" && c.Source != SourceLive }

// AppendVersion writes snap as the page's next version through w: the
// capture (new for the first version, changed after), the version first
// and last seen at the capture, from version 2 on the change into it (a
// nil change stores a null diff, but still the window in which the edit
// happened: from the previous version's last sighting), its search index
// and the check's events. It sets c.Outcome and returns the new version
// number.
func AppendVersion(w VersionRecorder, c *Capture, snap snapshots.Snapshot, parserVersion int, change *ChangeRecord) (int, error) {
	prev, prevLastSeen, prevStamp, err := w.Latest()
	if err != nil {
		return 0, err
	}
	version := prev + 1
	c.Outcome = OutcomeNew
	if prev > 0 {
		c.Outcome = OutcomeChanged
	}
	captureID, err := w.InsertCapture(c, version)
	if err != nil {
		return 0, err
	}
	seen := c.Seen()
	if err := w.PutVersion(version, captureID, snap, parserVersion, c.ParseKey, seen, seen, 1); err != nil {
		return 0, err
	}
	if prev > 0 {
		if change == nil {
			change = &ChangeRecord{}
		}
		if err := w.PutChange(version, change, seen, prevLastSeen, prevStamp, string(snap.UpdatedRaw)); err != nil {
			return 0, err
		}
	}
	if err := w.IndexVersion(version, &snap); err != nil {
		return 0, fmt.Errorf("index version %d: %w", version, err)
	}
	if err := w.PutEvents(c.Events, version); err != nil {
		return 0, err
	}
	return version, nil
}

// StoredSnapshot is snap as a store keeps it in a version row: made by
// parserVersion, without what the row's columns hold (version number,
// first and last seen).
func StoredSnapshot(snap snapshots.Snapshot, parserVersion int) snapshots.Snapshot {
	snap.ParserVersion = parserVersion
	snap.Version, snap.FirstSeen, snap.LastSeen = 0, nil, nil
	return snap
}

// ChangeColumns is a change record as a store keeps it: its summary as a
// JSON object ({} when it has none) and its diff JSON ("null" when it has
// none).
func ChangeColumns(change *ChangeRecord) (summary, diff string, err error) {
	counts := change.Summary
	if counts == nil {
		counts = map[string]int{}
	}
	sj, err := json.Marshal(counts)
	if err != nil {
		return "", "", err
	}
	d := change.DiffJSON
	if d == nil {
		d = []byte("null")
	}
	return string(sj), string(d), nil
}
