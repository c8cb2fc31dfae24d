package diff

import (
	"encoding/json"
	"io"
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
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
