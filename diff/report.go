package diff

import (
	"cmp"
	"fmt"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Report is what renderers print: a Result with the identity, dates and
// origin of both sides.
type Report struct {
	Page string `json:"page"`
	From Side   `json:"from"`
	To   Side   `json:"to"`
	// The change happened after WindowStart (the last check that still saw
	// the old version) and by WindowEnd (the first check that saw the new
	// one). Either is nil when unknown.
	WindowStart *time.Time `json:"window_start"`
	WindowEnd   *time.Time `json:"window_end"`
	Result
	// FromSource and ToSource say where each side's capture came from;
	// the zero value is a live check.
	FromSource Source `json:"from_source"`
	ToSource   Source `json:"to_source"`
	// CameBackTo, when not nil, is the earlier version whose content the
	// newer side brought back: the change undid the ones since.
	CameBackTo *Side `json:"came_back_to"`
	// Lang is the language of the page text (HTML lang, Atom xml:lang);
	// the JSON carries it in Page.
	Lang string `json:"-"`
}

// Side identifies one of the two compared versions.
type Side struct {
	Version     int        `json:"version"`
	ContentHash string     `json:"content_hash"`
	UpdatedRaw  string     `json:"updated_raw"`          // the page's stamp as printed, "" when none
	UpdatedAt   string     `json:"updated_at,omitempty"` // UTC RFC 3339, when known
	FirstSeen   *time.Time `json:"first_seen"`
}

// Source says where one side's capture came from, as reports print it.
type Source struct {
	Source      string `json:"source"`                 // relwatch.SourceLive, SourceWayback or SourceImport; "" is live
	OriginalURL string `json:"original_url,omitempty"` // Wayback's original URL, or an imported file's page URL
	Origin      string `json:"origin,omitempty"`       // where relwatch read the bytes: a replay URL or a file
}

// SourceOf is the report's view of a capture's provenance.
func SourceOf(p relwatch.Provenance) Source {
	return Source{Source: p.Source, OriginalURL: p.OriginalURL, Origin: p.Origin}
}

// Line says where a capture came from when it was not a live check:
// "from the Wayback Machine capture of 2016-04-12 (http://…)" or
// "imported from page.html (dated 2016-04-12)", first being when the
// capture dates the version; "" for a live check.
func (s Source) Line(first *time.Time) string {
	day := ""
	if first != nil {
		day = first.UTC().Format(time.DateOnly)
	}
	switch s.Source {
	case relwatch.SourceWayback:
		return fmt.Sprintf("from the Wayback Machine capture of %s (%s)", day, s.OriginalURL)
	case relwatch.SourceImport:
		return fmt.Sprintf("imported from %s (dated %s)", s.Origin, day)
	}
	return ""
}

// normalized is s with its kind spelt out, as the JSON has it.
func (s Source) normalized() Source {
	s.Source = cmp.Or(s.Source, relwatch.SourceLive)
	return s
}

// provenanceLines are "Version 1: from the Wayback Machine capture of …",
// one for each side that is not a live check.
func provenanceLines(r Report) []string {
	var lines []string
	for _, s := range []struct {
		side Side
		src  Source
	}{{r.From, r.FromSource}, {r.To, r.ToSource}} {
		if line := s.src.Line(s.side.FirstSeen); line != "" {
			lines = append(lines, fmt.Sprintf("Version %d: %s", s.side.Version, line))
		}
	}
	return lines
}

// NewReport compares old and new and describes both sides from their
// archive fields. The window and the sources (live unless set) are left
// for the caller, who knows the checks.
func NewReport(page string, old, new snapshots.Snapshot) Report {
	return Report{
		Page:   page,
		From:   sideOf(old),
		To:     sideOf(new),
		Result: Compare(old, new),
		Lang:   cmp.Or(new.Lang, old.Lang),
	}
}

// SideOfVersion is the side a version's listing describes, for
// CameBackTo.
func SideOfVersion(version int, contentHash string, firstSeen time.Time) *Side {
	return &Side{Version: version, ContentHash: contentHash, FirstSeen: &firstSeen}
}

func sideOf(s snapshots.Snapshot) Side {
	return Side{
		Version:     s.Version,
		ContentHash: s.ContentHash,
		UpdatedRaw:  string(s.UpdatedRaw),
		UpdatedAt:   string(s.UpdatedAt),
		FirstSeen:   s.FirstSeen,
	}
}
