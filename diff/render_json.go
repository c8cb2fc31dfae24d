package diff

import (
	"encoding/json"
	"io"

	"github.com/relwatch/relwatch/snapshots"
)

// reportJSON is Report as the JSON report writes it: the same fields in
// the same order, its times as snapshots.JSONTime.
// TestReportJSONHasReportsFields holds the two to the same keys.
type reportJSON struct {
	Page        string              `json:"page"`
	From        sideJSON            `json:"from"`
	To          sideJSON            `json:"to"`
	WindowStart *snapshots.JSONTime `json:"window_start"`
	WindowEnd   *snapshots.JSONTime `json:"window_end"`
	Result
	FromSource Source    `json:"from_source"`
	ToSource   Source    `json:"to_source"`
	CameBackTo *sideJSON `json:"came_back_to"`
}

// sideJSON is Side with its time as snapshots.JSONTime (FirstSeen is
// Side's last field: the shadowing one keeps its place).
type sideJSON struct {
	Side
	FirstSeen *snapshots.JSONTime `json:"first_seen"`
}

func jsonSide(s Side) sideJSON { return sideJSON{s, snapshots.JSONTimePtr(s.FirstSeen)} }

// renderJSON writes the report indented, with the field order of the
// structs and map keys sorted, so the same report is the same bytes.
func renderJSON(w io.Writer, r Report) error {
	if r.Summary == nil {
		r.Summary = map[string]int{}
	}
	if r.Changes == nil {
		r.Changes = []Change{}
	}
	out := reportJSON{
		Page: r.Page, From: jsonSide(r.From), To: jsonSide(r.To),
		WindowStart: snapshots.JSONTimePtr(r.WindowStart), WindowEnd: snapshots.JSONTimePtr(r.WindowEnd),
		Result:     r.Result,
		FromSource: r.FromSource.normalized(), ToSource: r.ToSource.normalized(),
	}
	if r.CameBackTo != nil {
		back := jsonSide(*r.CameBackTo)
		out.CameBackTo = &back
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
