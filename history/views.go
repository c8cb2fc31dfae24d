package history

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
)

// The JSON views: what `relwatch pages --json`, `log PAGE --json`,
// `show --format json` and `search --json` print, and what an HTTP API
// returns for the same questions. Encode them with WriteJSON so that both
// give the same bytes. Every field is always present, null when it has no
// value, and every time is a snapshots.JSONTime (RFC 3339, UTC, nine
// digits of fraction).

// WriteJSON writes v as indented JSON (two spaces, HTML characters not
// escaped) and a newline.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// LogEntry is one version in `log --json`.
type LogEntry struct {
	Version       int                 `json:"version"`
	ContentHash   string              `json:"content_hash"`
	FirstSeen     snapshots.JSONTime  `json:"first_seen"`
	LastSeen      snapshots.JSONTime  `json:"last_seen"`
	Checks        int                 `json:"checks"`
	UpdatedRaw    *string             `json:"updated_raw"`
	UpdatedOn     *string             `json:"updated_on"`
	UpdatedAt     *string             `json:"updated_at"`
	ParserVersion int                 `json:"parser_version"`
	ChangedAfter  *snapshots.JSONTime `json:"changed_after"` // null for version 1, and when unknown
	Summary       map[string]int      `json:"summary"`       // null for version 1
	StampOnly     bool                `json:"stamp_only"`
	// ParserChange marks a version that exists only because a new parser
	// reads the same capture differently (relwatch reparse): not an edit
	// of the page.
	ParserChange bool    `json:"parser_change"`
	Suspect      *string `json:"suspect"` // why the version looks suspect (its text shrank), null when not
	// CameBackTo is the earlier version whose content this one brought
	// back (a revert), null when none.
	CameBackTo *int `json:"came_back_to"`
	// Where the version's first capture came from.
	Source      string  `json:"source"`       // live, wayback or import
	OriginalURL *string `json:"original_url"` // the URL as captured, for wayback and import; null for live
	Origin      *string `json:"origin"`       // the replay URL or file the bytes were read from; null for live
	// Removals are the times the page was removed while this was its
	// latest version (see relwatch.Removal), oldest first; [] when none.
	Removals []RemovalView `json:"removals"`
}

// LogEntries is the `log --json` view of a page's versions, with the
// removals found in its checks (Removals) under the versions they ended.
func LogEntries(versions []relwatch.VersionInfo, removals []relwatch.Removal) []LogEntry {
	entries := make([]LogEntry, len(versions))
	back := cameBack(versions)
	during := removalsByVersion(versions, removals)
	// What the entries' pointers point to is held in one array, not an
	// allocation each: thousands of entries have four or five each.
	fields := make([]entryFields, len(versions))
	kinds := perKindMemo{}
	for i, v := range versions {
		fields[i].fill(&entries[i], v, back[i], kinds)
		entries[i].Removals = []RemovalView{}
		for _, r := range during[i] {
			entries[i].Removals = append(entries[i].Removals, removalView(r))
		}
	}
	return entries
}

// entryFields holds what a LogEntry's pointers point to.
type entryFields struct {
	strs [6]string
	at   snapshots.JSONTime
	back int
}

// fill makes e the log entry of v (without its removals), its pointers
// into f; back is the version v came back to (cameBack), 0 for none.
func (f *entryFields) fill(e *LogEntry, v relwatch.VersionInfo, back int, kinds perKindMemo) {
	n := 0
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		f.strs[n] = s
		n++
		return &f.strs[n-1]
	}
	var changedAfter *snapshots.JSONTime
	if v.WindowStart != nil && !v.WindowStart.IsZero() {
		f.at = snapshots.JSONTimeOf(*v.WindowStart)
		changedAfter = &f.at
	}
	*e = LogEntry{
		Version: v.Version, ContentHash: v.ContentHash, FirstSeen: snapshots.JSONTimeOf(v.FirstSeen), LastSeen: snapshots.JSONTimeOf(v.LastSeen),
		Checks: v.Checks, UpdatedRaw: str(v.UpdatedRaw), UpdatedOn: str(v.UpdatedOn), UpdatedAt: str(v.UpdatedAt),
		ParserVersion: v.ParserVersion, ChangedAfter: changedAfter, Summary: kinds.of(v.Summary), StampOnly: v.StampOnly, ParserChange: v.ParserChange, Suspect: str(v.Suspect),
		Source: cmp.Or(v.Source, relwatch.SourceLive), OriginalURL: str(v.OriginalURL), Origin: str(v.Origin),
	}
	if back != 0 {
		f.back = back
		e.CameBackTo = &f.back
	}
}

// perKind is a stored summary's counts per change kind, without the
// counts per block kind (diff.BlockCounts) the wording uses.
func perKind(summary map[string]int) map[string]int {
	split := false
	for k := range summary {
		split = split || strings.Contains(k, diff.BlockKindSep)
	}
	if !split {
		return summary
	}
	out := make(map[string]int, len(summary))
	for k, n := range summary {
		if !strings.Contains(k, diff.BlockKindSep) {
			out[k] = n
		}
	}
	return out
}

// removalsByVersion puts each removal under the version that was the
// page's latest when it went: the last one first seen before it.
func removalsByVersion(versions []relwatch.VersionInfo, removals []relwatch.Removal) [][]relwatch.Removal {
	out := make([][]relwatch.Removal, len(versions))
	for _, r := range removals {
		i := len(versions) - 1
		for i > 0 && versions[i].FirstSeen.After(r.Since) {
			i--
		}
		if i >= 0 {
			out[i] = append(out[i], r)
		}
	}
	return out
}

// PageEntry is one page in `pages --json`.
type PageEntry struct {
	Page                string              `json:"page"`
	URL                 string              `json:"url"`
	CanonicalURL        *string             `json:"canonical_url"`  // the latest capture's URL after redirects, without session ids; null before one
	LatestVersion       *int                `json:"latest_version"` // null while the page has no version
	ContentHash         *string             `json:"content_hash"`   // of the latest version; null while none
	UpdatedRaw          *string             `json:"updated_raw"`
	LastCheck           *snapshots.JSONTime `json:"last_check"`
	LastSuccess         *snapshots.JSONTime `json:"last_success"`
	LastChange          *snapshots.JSONTime `json:"last_change"`
	LastError           *string             `json:"last_error"` // of the last check when it failed, null when it succeeded
	ConsecutiveFailures int                 `json:"consecutive_failures"`
	LastContentChange   *snapshots.JSONTime `json:"last_content_change"`
	Stale               bool                `json:"stale"`
	Lag                 string              `json:"lag"` // "" or e.g. "last changed 38 days before kazakhstan/en"
	// RemovedSince and RemovedReason: the page's latest checks say it is
	// gone (see relwatch.Removal); null when it is not removed.
	RemovedSince  *snapshots.JSONTime `json:"removed_since"`
	RemovedReason *string             `json:"removed_reason"`
}

// PageEntries is the `pages --json` view of the pages' health.
func PageEntries(pages []PageHealth) []PageEntry {
	entries := make([]PageEntry, len(pages))
	for i, h := range pages {
		p := h.Status
		entries[i] = PageEntry{
			Page: p.Page.String(), URL: p.URL, CanonicalURL: nullable(p.CanonicalURL), LatestVersion: versionOrNull(p.Latest), ContentHash: nullable(p.LatestHash),
			UpdatedRaw: nullable(p.UpdatedRaw), LastCheck: snapshots.JSONTimePtr(p.LastCheck), LastSuccess: snapshots.JSONTimePtr(p.LastSuccess), LastChange: snapshots.JSONTimePtr(p.LastChange),
			LastError: nullable(p.LastError), ConsecutiveFailures: p.ConsecutiveFailures,
			LastContentChange: snapshots.JSONTimePtr(optional(h.LastContentChange)), Stale: h.Stale, Lag: h.Lag,
		}
		if h.Removed != nil {
			reason := h.Removed.Reason()
			entries[i].RemovedSince, entries[i].RemovedReason = snapshots.JSONTimePtr(&h.Removed.Since), &reason
		}
	}
	return entries
}

// SearchHit is one hit in `search --json`.
type SearchHit struct {
	Page string `json:"page"`
	// Kind is what the text is: title, lead, caption, heading, paragraph
	// or bullet.
	Kind      string             `json:"kind"`
	Path      []string           `json:"path"`
	Text      string             `json:"text"`
	Versions  []int              `json:"versions"`
	FirstSeen snapshots.JSONTime `json:"first_seen"`
	LastSeen  snapshots.JSONTime `json:"last_seen"`
	// VanishedIn is the first version after the last one containing the
	// text and VanishedSeen its first_seen; both null while the latest
	// version still contains it.
	VanishedIn   *int                `json:"vanished_in"`
	VanishedSeen *snapshots.JSONTime `json:"vanished_seen"`
}

// SearchHits is the `search --json` view of search hits.
func SearchHits(hits []relwatch.Hit) []SearchHit {
	out := make([]SearchHit, len(hits))
	for i, h := range hits {
		path := h.Path
		if path == nil {
			path = []string{}
		}
		out[i] = SearchHit{Page: h.Page, Kind: h.Kind, Path: path, Text: h.Text, Versions: h.Versions, FirstSeen: snapshots.JSONTimeOf(h.FirstSeen), LastSeen: snapshots.JSONTimeOf(h.LastSeen)}
		if h.VanishedIn > 0 && h.VanishedSeen != nil {
			v, t := h.VanishedIn, snapshots.JSONTimeOf(*h.VanishedSeen)
			out[i].VanishedIn, out[i].VanishedSeen = &v, &t
		}
	}
	return out
}

// SnapshotJSON is `show --format json`: the snapshot contract
// (snapshots.MarshalIndent) with where the version came from appended:
// "source", and for Wayback and imported versions "original_url" and
// "origin".
func SnapshotJSON(v Version) ([]byte, error) {
	s, p := v.Snapshot, v.Source
	js := bytes.TrimRight(snapshots.MarshalIndent(s), "\n")
	js = bytes.TrimSuffix(js, []byte("}"))
	js = bytes.TrimRight(js, "\n")
	extra := map[string]string{"source": cmp.Or(p.Source, relwatch.SourceLive)}
	if p.Source != "" && p.Source != relwatch.SourceLive {
		extra["original_url"], extra["origin"] = p.OriginalURL, p.Origin
	}
	var buf bytes.Buffer
	buf.Write(js)
	for _, k := range []string{"source", "original_url", "origin"} {
		v, ok := extra[k]
		if !ok {
			continue
		}
		val, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&buf, ",\n  %q: %s", k, val)
	}
	buf.WriteString("\n}\n")
	return buf.Bytes(), nil
}

// versionOrNull is a version number, null for 0 (no version).
func versionOrNull(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optional(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
