package notify

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/relwatch/relwatch"
)

// WriteStatus writes the table of `relwatch notify status`: a row per
// destination of the config (in its order) with what the outbox says of
// it, then the reports destination, then any destination the outbox has
// that the config no longer lists.
func WriteStatus(out io.Writer, dests []Destination, status []relwatch.DestinationStatus) error {
	byName := map[string]relwatch.DestinationStatus{}
	for _, s := range status {
		byName[s.Name] = s
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DESTINATION\tPENDING\tRETRYING\tDELIVERED\tDROPPED\tFILTERED\tOLDEST PENDING\tLAST TRY\tLAST ERROR")
	row := func(name string, s relwatch.DestinationStatus, note string) {
		lastErr := s.LastError
		if note != "" {
			lastErr = note
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n", name, s.Pending, s.Retrying, s.Delivered, s.Dropped, s.Filtered,
			optClock(s.Oldest), optClock(s.LastTry), orDash(lastErr))
	}
	listed := map[string]bool{}
	for _, d := range dests {
		listed[d.Name] = true
		s, ok := byName[d.Name]
		note := ""
		if !ok {
			note = "no run since it was added"
		}
		row(d.Name, s, note)
	}
	for _, s := range status {
		switch {
		case s.Name == ReportsDestination:
			row(s.Name, s, "")
		case !listed[s.Name]:
			row(s.Name, s, "not in the config any more")
		}
	}
	return tw.Flush()
}

// optClock is a time as the tables show it, "-" when none.
func optClock(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04") + " UTC"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
