package output

import (
	"fmt"
	"io"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

// RenumberedNote is what backfill and import say when a past capture
// renumbered the versions after it.
const RenumberedNote = "note: versions after the past captures archived here were renumbered; content_hash is the stable reference"

// WriteBackfillPlan writes what a backfill of page found to do: how many
// captures were listed under how many URLs, how many were archived
// already and how many are to fetch, and with list each capture to fetch
// (a dry run), URLs redacted.
func WriteBackfillPlan(w io.Writer, page snapshots.PageKey, listed, urls int, todo []scraper.WaybackCapture, redact relwatch.Redactor, list bool) {
	fmt.Fprintf(w, "%s: %d captures listed under %d URLs, %d already archived, %d to fetch\n",
		page, listed, urls, listed-len(todo), len(todo))
	if !list {
		return
	}
	for _, c := range todo {
		fmt.Fprintf(w, "  %s  %s  %s\n", c.Time.Format(time.DateTime), redact.URL(c.Original), c.Digest)
	}
}

// WriteBackfillDone writes what a backfill of page did: captures archived,
// versions added, failed and skipped, the renumbering note, and each
// failed capture with whether a re-run tries it again.
func WriteBackfillDone(w io.Writer, page snapshots.PageKey, run *track.Backfill, added int) {
	fmt.Fprintf(w, "%s: archived %d captures (%d new versions), %d failed, %d skipped\n", page, run.Archived, added, len(run.Failures), run.Skipped)
	if run.Shifted {
		fmt.Fprintln(w, RenumberedNote)
	}
	if len(run.Failures) == 0 {
		return
	}
	fmt.Fprintln(w, "failed captures:")
	for _, f := range run.Failures {
		note := "not archived; a re-run tries it again"
		if f.Recorded {
			note = "recorded as a failed capture"
		}
		fmt.Fprintf(w, "  %s  %s  %s (%s)\n", f.At.Format(time.DateTime), f.URL, f.Why, note)
	}
}
