package relwatch

import "context"

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
		v, err := RecordCheck(w, i, checks[i])
		if err != nil {
			return nil, err
		}
		versions[i] = v
	}
	return versions, nil
}

// RecordCheck writes check i of a group through w, as RecordGroup does,
// and returns its version.
func RecordCheck(w GroupRecorder, i int, check Checked) (int, error) {
	c := check.Capture // a copy: the caller's capture keeps its outcome
	n := check.New
	if n == nil {
		if err := w.Unchanged(i, &c, check.Version); err != nil {
			return 0, err
		}
		return check.Version, nil
	}
	page, err := w.Page(i, &c)
	if err != nil {
		return 0, err
	}
	return AppendVersion(page, &c, n.Snap, n.ParserVersion, n.Change)
}

// GroupTx is a group of checks recorded one at a time as they come
// (Recorder.RecordGroup's work, spread out): Add writes a check in the
// group's transaction, and Commit commits them all, one sync to disk, and
// returns each check's version (the one it saw, or the new one's number)
// in the order added. Nothing of the group is committed before Commit
// returns: a crash loses the whole group or nothing of it.
type GroupTx interface {
	Add(check Checked) error
	Commit() ([]int, error)
	// Rollback abandons the group; after Commit it does nothing.
	Rollback()
}

// GroupBeginner is a Recorder that writes a group's checks as they come,
// in a transaction it keeps open until the commit (the SQLite store, whose
// one writer holds the archive anyway), so that when the last check of a
// run comes in, only the commit is left to wait for.
type GroupBeginner interface {
	BeginGroup(ctx context.Context) (GroupTx, error)
}

// BeginGroup starts a group of checks on rec: rec's own when it writes
// them as they come (GroupBeginner), else one that holds them until
// Commit records them all with rec.RecordGroup.
func BeginGroup(ctx context.Context, rec Recorder) (GroupTx, error) {
	if b, ok := rec.(GroupBeginner); ok {
		return b.BeginGroup(ctx)
	}
	return &heldGroup{ctx: ctx, rec: rec}, nil
}

// heldGroup is a GroupTx over RecordGroup.
type heldGroup struct {
	ctx    context.Context
	rec    Recorder
	checks []Checked
}

func (g *heldGroup) Add(check Checked) error {
	if err := GroupSealedError([]Checked{check}); err != nil {
		return err
	}
	g.checks = append(g.checks, check)
	return nil
}

func (g *heldGroup) Commit() ([]int, error) {
	checks := g.checks
	g.checks = nil
	if len(checks) == 0 {
		return nil, nil
	}
	return g.rec.RecordGroup(g.ctx, checks)
}

func (g *heldGroup) Rollback() { g.checks = nil }
