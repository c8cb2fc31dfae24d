package history

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/relwatch/relwatch"
)

// WritePagesTable writes the text of `relwatch pages`: one row per page
// with its latest version, stamp, last check, success and change, and
// health, then a line for each language that lags behind another.
func WritePagesTable(out io.Writer, pages []PageHealth) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PAGE\tVERSION\tPAGE STAMP\tLAST CHECK (UTC)\tLAST SUCCESS (UTC)\tLAST CHANGE (UTC)\tHEALTH")
	for _, h := range pages {
		p := h.Status
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", p.Page, p.Latest, orDash(p.UpdatedRaw),
			optTime(p.LastCheck), optTime(p.LastSuccess), optTime(p.LastChange), h.Health())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, h := range pages {
		if h.Lag != "" {
			if _, err := fmt.Fprintf(out, "lag: %s %s%s\n", h.Status.Page, h.Lag, stampsOf(pages, h.Status.Page.ID)); err != nil {
				return err
			}
		}
	}
	return nil
}

// stampsOf lists the declared stamps of every language of a page id:
// " (stamps: en 14 Nov. 2026 10:05, fr 23 May. 2022 15:38)".
func stampsOf(pages []PageHealth, id string) string {
	var parts []string
	for _, h := range pages {
		if h.Status.Page.ID == id {
			parts = append(parts, h.Status.Page.Lang+" "+orDash(h.Status.UpdatedRaw))
		}
	}
	return " (stamps: " + strings.Join(parts, ", ") + ")"
}

// WriteSearchText writes the text of `relwatch search`: for each hit, where
// it is (page › section path), its kind and text, the versions that have
// it, when it was first and last seen, and whether it is still present.
func WriteSearchText(out io.Writer, hits []relwatch.Hit) error {
	for _, h := range hits {
		where := h.Page
		if len(h.Path) > 0 {
			where += " › " + strings.Join(h.Path, " › ")
		}
		if _, err := fmt.Fprintf(out, "%s\n  %s: %s\n  in %s; first seen %s, last seen %s; %s\n\n", where, h.Kind, h.Text,
			VersionList(h.Versions), ShortTime(h.FirstSeen), ShortTime(h.LastSeen), VanishedText(h)); err != nil {
			return err
		}
	}
	return nil
}

func optTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return ShortTime(*t)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
