package history

import (
	"bytes"
	"cmp"
	"context"
	"io"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
)

// Comparison is what changed between two versions of a page, older first.
type Comparison struct {
	Page         snapshots.PageKey
	Older, Newer snapshots.Snapshot
	// Report is Older → Newer; its window (when the change happened) is
	// known when Newer directly follows Older.
	Report diff.Report
	// Sources are where Older and Newer came from.
	Sources [2]relwatch.Provenance
	// Notes say which versions content hashes in several versions were
	// taken to mean.
	Notes []string
}

// Compare compares two versions of a page: to defaults to the latest,
// from to the version before to. A content hash in several versions means,
// for from, the newest of them before to. from must be older than to: the
// other way round every addition would read as a removal.
func Compare(ctx context.Context, r relwatch.History, page snapshots.PageKey, from, to Ref) (Comparison, error) {
	c := Comparison{Page: page}
	toN, note, err := ResolveVersion(ctx, r, page, to, 0)
	if err != nil {
		return c, err
	}
	c.addNote(note)
	if c.Newer, err = r.Snapshot(ctx, page, toN); err != nil {
		return c, err
	}
	fromN, note, err := ResolveVersion(ctx, r, page, from, c.Newer.Version)
	if err != nil {
		return c, err
	}
	c.addNote(note)
	switch {
	case fromN == 0 && c.Newer.Version == 1 && to.Value == "":
		return c, badInput("%s has only version 1: nothing to compare with", page)
	case fromN == 0 && c.Newer.Version == 1:
		return c, badInput("%s %s is version 1, the first version of %s: there is no version before it to compare with (give %s 2 or later, or a %s)",
			to.Name, to.Value, page, to.Name, from.Name)
	case fromN == 0:
		fromN = c.Newer.Version - 1
	}
	if c.Older, err = r.Snapshot(ctx, page, fromN); err != nil {
		return c, err
	}
	if c.Older.Version > c.Newer.Version {
		return c, badInput("%s %s (version %d) is newer than %s %s (version %d): diff shows what changed from an older version to a newer one; swap them: %s %d %s %d",
			from.Name, from.Value, c.Older.Version, to.Name, cmp.Or(to.Value, "latest"), c.Newer.Version, from.Name, c.Newer.Version, to.Name, c.Older.Version)
	}
	c.Report = diff.NewReport(page.String(), c.Older, c.Newer)
	c.Report.WindowEnd = c.Newer.FirstSeen
	if c.Older.Version+1 == c.Newer.Version {
		// A change into a version with the content of an earlier one
		// undid the changes since: say so. (Between versions further
		// apart, the comparison itself shows it.)
		same, err := r.VersionsByHash(ctx, page, c.Newer.ContentHash)
		if err != nil {
			return c, err
		}
		if back, ok := relwatch.CameBackTo(same, c.Newer.Version); ok {
			c.Report.CameBackTo = diff.SideOfVersion(back.Version, back.ContentHash, back.FirstSeen)
		}
	}
	if c.Older.Version+1 == c.Newer.Version {
		if _, start, err := r.Change(ctx, page, c.Newer.Version); err == nil {
			c.Report.WindowStart = start
		}
	}
	for i, s := range []snapshots.Snapshot{c.Older, c.Newer} {
		if c.Sources[i], err = ProvenanceOf(ctx, r, page, s.Version); err != nil {
			return c, err
		}
	}
	c.Report.FromSource, c.Report.ToSource = diff.SourceOf(c.Sources[0]), diff.SourceOf(c.Sources[1])
	return c, nil
}

func (c *Comparison) addNote(note string) {
	if note != "" {
		c.Notes = append(c.Notes, note)
	}
}

// Render writes the comparison in one of diff.Formats, saying where each
// side came from (JSON: "from_source" and "to_source"), with the stamp
// zone every report names (RenderOptions).
func (c Comparison) Render(w io.Writer, format string, opts diff.RenderOptions) error {
	var buf bytes.Buffer
	if err := diff.Render(&buf, format, c.Report, opts); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
