package history

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"slices"
	"strconv"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Removals are the times a page was removed, oldest first, as
// relwatch.Removals finds them in its stored checks.
func Removals(ctx context.Context, r relwatch.Reader, page snapshots.PageKey) ([]relwatch.Removal, error) {
	checks, err := r.RemovalChecks(ctx, page)
	if err != nil {
		return nil, fmt.Errorf("%s: checks: %w", page, err)
	}
	return relwatch.Removals(checks), nil
}

// RemovalEntry is one removal or restoration of a page, as the feed, the
// export and reports list it next to the changes.
type RemovalEntry struct {
	Page    snapshots.PageKey
	URL     string // the page's configured URL
	Event   string // relwatch.EventRemoved or relwatch.EventRestored
	At      time.Time
	Removal relwatch.Removal
}

// removalEntries are the removed and restored entries of one page's
// removals: a removal is dated by its first check that found the page
// gone, a restoration by the good check that ended it.
func removalEntries(p relwatch.PageStatus, removals []relwatch.Removal) []RemovalEntry {
	var out []RemovalEntry
	for _, r := range removals {
		out = append(out, RemovalEntry{Page: p.Page, URL: p.URL, Event: relwatch.EventRemoved, At: r.Since.UTC(), Removal: r})
		if r.Restored != nil {
			out = append(out, RemovalEntry{Page: p.Page, URL: p.URL, Event: relwatch.EventRestored, At: r.Restored.UTC(), Removal: r})
		}
	}
	return out
}

// LoadRemovals reads the removed and restored entries of the given pages,
// newest first. pages must come from the same view as arc.
func LoadRemovals(ctx context.Context, arc relwatch.Reader, pages []relwatch.PageStatus) ([]RemovalEntry, error) {
	var out []RemovalEntry
	for _, p := range pages {
		rs, err := Removals(ctx, arc, p.Page)
		if err != nil {
			return nil, err
		}
		out = append(out, removalEntries(p, rs)...)
	}
	slices.SortStableFunc(out, func(a, b RemovalEntry) int {
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.Page.String(), b.Page.String()))
	})
	return out, nil
}

// Line says what happened in one line, as log's CHANGE column, the feed
// and the export say it (see RemovedLine and RestoredLine).
func (e RemovalEntry) Line() string {
	if e.Event == relwatch.EventRestored {
		return RestoredLine(e.Removal)
	}
	return RemovedLine(e.Removal)
}

// Title is the entry in one line, with its page: "kazakhstan/fr removed:
// HTTP 404 Not Found".
func (e RemovalEntry) Title() string {
	return e.Page.String() + " " + e.Line()
}

// ID is the entry's stable Atom id:
// tag:relwatch,<date>:<id>/<lang>/<removed|restored>/<when>, named by the
// check that dates it (to the nanosecond), which no later check moves.
func (e RemovalEntry) ID() string {
	return fmt.Sprintf("tag:relwatch,%s:%s/%s/%s", e.At.Format(time.DateOnly), e.Page, e.Event, e.At.Format(time.RFC3339Nano))
}

// Summary is the entry in one sentence, with its dates.
func (e RemovalEntry) Summary() string {
	r := e.Removal
	if e.Event == relwatch.EventRestored {
		return fmt.Sprintf("%s is back at %s UTC (version %d); it was removed from %s UTC (%s).",
			e.Page, ShortTime(e.At), r.RestoredVersion, ShortTime(r.Since), r.Reason())
	}
	return fmt.Sprintf("%s was removed: %s from %s UTC, confirmed %s UTC; version %d is the last archived.",
		e.Page, r.Reason(), ShortTime(r.Since), ShortTime(r.Confirmed), r.Version)
}

// HTML is the entry as an HTML fragment, the content of its feed entry.
func (e RemovalEntry) HTML() string {
	return "<p>" + html.EscapeString(e.Summary()) + "</p>\n"
}

// RemovalNote is what scrape says of a check that removed or restored a
// page (event relwatch.EventRemoved or relwatch.EventRestored): "removed
// since 2026-11-28 06:00: HTTP 404 Not Found", or RestoredLine.
func RemovalNote(event string, r relwatch.Removal) string {
	if event == relwatch.EventRestored {
		return RestoredLine(r)
	}
	return "removed since " + ShortTime(r.Since) + ": " + r.Reason()
}

// RemovalReport is the report of a removed or restored page that
// `scrape --report-dir` writes as JSON: the page, the event, and the
// removal as `log --json` has it.
type RemovalReport struct {
	Page    string `json:"page"`
	Event   string `json:"event"`   // removed or restored
	Version int    `json:"version"` // the last version before the page went
	RemovalView
}

// NewRemovalReport is the report of event about page.
func NewRemovalReport(page, event string, r relwatch.Removal) RemovalReport {
	return RemovalReport{Page: page, Event: event, Version: r.Version, RemovalView: removalView(r)}
}

// RemovalMarkdown is the Markdown report of event about page: a heading
// and the sentence the feed says.
func RemovalMarkdown(page snapshots.PageKey, event string, r relwatch.Removal) string {
	e := RemovalEntry{Page: page, Event: event, Removal: r, At: r.Since}
	if event == relwatch.EventRestored && r.Restored != nil {
		e.At = *r.Restored
	}
	return "# " + snapshots.EscapeMarkdown(e.Title()) + "\n\n" + snapshots.EscapeMarkdown(e.Summary()) + "\n"
}

// RemovedLine is "removed: HTTP 404 Not Found".
func RemovedLine(r relwatch.Removal) string { return "removed: " + r.Reason() }

// RestoredLine is "restored at version 1 (removed 2026-11-28 06:00: HTTP
// 404 Not Found)".
func RestoredLine(r relwatch.Removal) string {
	return string(appendRestoredLine(nil, r))
}

func appendRestoredLine(b []byte, r relwatch.Removal) []byte {
	b = append(b, "restored at version "...)
	b = strconv.AppendInt(b, int64(r.RestoredVersion), 10)
	b = append(b, " (removed "...)
	b = appendShortTime(b, r.Since)
	b = append(b, ": "...)
	b = append(b, r.Reason()...)
	return append(b, ')')
}

// RemovalView is one removal in `log --json`, under the version the page
// had when it went.
type RemovalView struct {
	Removed   snapshots.JSONTime `json:"removed"`    // the first check that found the page gone
	Confirmed snapshots.JSONTime `json:"confirmed"`  // the check that made it a removal
	Reason    string             `json:"reason"`     // "HTTP 404 Not Found", "redirected to another site", "no content"
	ErrorKind string             `json:"error_kind"` // http_status, redirect_offsite or no_content
	// Status is the HTTP status that said so (404, 410); null for a
	// redirect or an empty page.
	Status *int `json:"status"`
	// Restored is the good check that ended it and RestoredVersion the
	// version it saw; both null while the page is still removed.
	Restored        *snapshots.JSONTime `json:"restored"`
	RestoredVersion *int                `json:"restored_version"`
}

func removalView(r relwatch.Removal) RemovalView {
	v := RemovalView{Removed: snapshots.JSONTimeOf(r.Since), Confirmed: snapshots.JSONTimeOf(r.Confirmed), Reason: r.Reason(), ErrorKind: r.ErrorKind}
	if r.ErrorKind == relwatch.KindHTTPStatus && r.Status != 0 {
		s := r.Status
		v.Status = &s
	}
	if r.Restored != nil {
		t, n := snapshots.JSONTimeOf(*r.Restored), r.RestoredVersion
		v.Restored, v.RestoredVersion = &t, &n
	}
	return v
}
