package relwatch

// GroupRecorder is a store inside the write transaction of a group of
// checks (Recorder.RecordGroup): the SQL of each kind of check, while
// RecordGroup holds what a group writes, once for every store.
type GroupRecorder interface {
	// Unchanged records check i, an unchanged check, as RecordUnchanged
	// does (c is a copy the store may change).
	Unchanged(i int, c *Capture, version int) error
	// Page upserts c's page and returns it as a VersionRecorder, for
	// AppendVersion to write check i's new version through.
	Page(i int, c *Capture) (VersionRecorder, error)
}

// GroupSealedError says why a group cannot be recorded, nil when it can:
// every new version's snapshot must be sealed (SealedError).
func GroupSealedError(checks []Checked) error {
	for _, ch := range checks {
		if ch.New != nil {
			if err := SealedError(ch.Capture, ch.New.Snap); err != nil {
				return err
			}
		}
	}
	return nil
}

// RecordGroup writes checks through w, in the order given, all in the
// transaction w is in: each unchanged check as RecordUnchanged records
// it, each new version as RecordVersion does (AppendVersion). It returns
// each check's version: the one it saw, or the new one's number. A page
// may come more than once: a later check of it sees what an earlier one
// wrote.
func RecordGroup(w GroupRecorder, checks []Checked) ([]int, error) {
	versions := make([]int, len(checks))
	for i := range checks {
		c := checks[i].Capture // a copy: the caller's capture keeps its outcome
		n := checks[i].New
		if n == nil {
			if err := w.Unchanged(i, &c, checks[i].Version); err != nil {
				return nil, err
			}
			versions[i] = checks[i].Version
			continue
		}
		page, err := w.Page(i, &c)
		if err != nil {
			return nil, err
		}
		if versions[i], err = AppendVersion(page, &c, n.Snap, n.ParserVersion, n.Change); err != nil {
			return nil, err
		}
	}
	return versions, nil
}
