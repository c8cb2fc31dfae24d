package diff

import (
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// Report is what renderers print: a Result with the identity and dates of
// both sides.
type Report struct {
	Page string `json:"page"`
	From Side   `json:"from"`
	To   Side   `json:"to"`
	// The change happened after WindowStart (the last check that still saw
	// the old version) and by WindowEnd (the first check that saw the new
	// one). Either is nil when unknown.
	WindowStart *time.Time `json:"window_start,omitempty"`
	WindowEnd   *time.Time `json:"window_end,omitempty"`
	Result
}

// Side identifies one of the two compared versions.
type Side struct {
	Version     int        `json:"version"`
	ContentHash string     `json:"content_hash"`
	UpdatedRaw  string     `json:"updated_raw"`          // the page's stamp as printed, "" when none
	UpdatedAt   string     `json:"updated_at,omitempty"` // UTC RFC 3339, when known
	FirstSeen   *time.Time `json:"first_seen"`
}

// NewReport compares old and new and describes both sides from their
// archive fields. The window is left for the caller, who knows the checks.
func NewReport(page string, old, new snapshots.Snapshot) Report {
	return Report{
		Page:   page,
		From:   sideOf(old),
		To:     sideOf(new),
		Result: Compare(old, new),
	}
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
