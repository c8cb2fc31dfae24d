package diff

import (
	"encoding/json"
	"io"

	"github.com/relwatch/relwatch/snapshots"
)

// renderJSON writes the report indented, with the field order of the
// structs and map keys sorted, so the same report is the same bytes.
func renderJSON(w io.Writer, r Report) error {
	if r.Summary == nil {
		r.Summary = map[string]int{}
	}
	if r.Changes == nil {
		r.Changes = []Change{}
	}
	r.FromSource, r.ToSource = r.FromSource.normalized(), r.ToSource.normalized()
	r.WindowStart, r.WindowEnd = snapshots.JSONTimePtr(r.WindowStart), snapshots.JSONTimePtr(r.WindowEnd)
	r.From.FirstSeen, r.To.FirstSeen = snapshots.JSONTimePtr(r.From.FirstSeen), snapshots.JSONTimePtr(r.To.FirstSeen)
	if r.CameBackTo != nil {
		back := *r.CameBackTo
		back.FirstSeen = snapshots.JSONTimePtr(back.FirstSeen)
		r.CameBackTo = &back
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
