package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

// reportExt maps a diff format to the extension of its report file.
var reportExt = map[string]string{"markdown": "md", "html": "html", "json": "json"}

// CheckReportNames refuses, before anything is fetched, a target whose id
// or language cannot be a plain file name under the report dir (an id
// such as ".." would write outside it).
func CheckReportNames(targets []config.Target) error {
	for _, t := range targets {
		if err := checkReportName(t.Key()); err != nil {
			return err
		}
	}
	return nil
}

func checkReportName(page snapshots.PageKey) error {
	if err := history.CheckSegment("--report-dir: page id", page.ID); err != nil {
		return err
	}
	return history.CheckSegment("--report-dir: language", page.Lang)
}

// reportBase is where the reports of one version of a page go, without
// the extension: DIR/<id>/<lang>-v<version>. A page's id is a folder of
// its own and the name ends in -v<number>, so no two pages or versions
// share a name (a-b/c and a/b-c once both wrote a-b-c-<version>).
func reportBase(dir string, page snapshots.PageKey, version int) string {
	return filepath.Join(dir, page.ID, fmt.Sprintf("%s-v%d", page.Lang, version))
}

// WriteReports writes each change of this run as Markdown, HTML and JSON
// files in dir, at reportBase. File names come only from the page id,
// language and version number, never from page text.
func WriteReports(dir string, results []track.Result) error {
	if dir == "" {
		return nil
	}
	for _, r := range results {
		if r.Removal != nil && r.Event != "" {
			if err := writeRemovalReport(dir, r); err != nil {
				return err
			}
		}
		if r.Report == nil {
			continue
		}
		key, err := snapshots.ParsePageRef(r.Page)
		if err != nil {
			return fmt.Errorf("%s: report: %w", r.Page, err)
		}
		if err := checkReportName(key); err != nil {
			return err
		}
		base := reportBase(dir, key, r.Version)
		if err := NoLinkBelow(dir, key.ID); err != nil {
			return fmt.Errorf("report dir: %w", err)
		}
		if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
			return fmt.Errorf("report dir: %w", err)
		}
		for _, format := range []string{"markdown", "html", "json"} {
			var buf bytes.Buffer
			if err := diff.Render(&buf, format, *r.Report, history.RenderOptions()); err != nil {
				return fmt.Errorf("%s: render %s report: %w", r.Page, format, err)
			}
			path := base + "." + reportExt[format]
			if err := NoLinkBelow(dir, key.ID+"/"+filepath.Base(path)); err != nil {
				return fmt.Errorf("report dir: %w", err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("%s: write report: %w", r.Page, err)
			}
		}
	}
	return nil
}

// writeRemovalReport writes the report of a check that removed or
// restored a page: DIR/<id>/<lang>-<removed|restored>-<YYYYMMDDTHHMMSSZ>.md
// and .json, named by the check that dates the event (the removal's first
// check that found the page gone, the restoring check).
func writeRemovalReport(dir string, r track.Result) error {
	key, err := snapshots.ParsePageRef(r.Page)
	if err != nil {
		return fmt.Errorf("%s: report: %w", r.Page, err)
	}
	if err := checkReportName(key); err != nil {
		return err
	}
	at := r.Removal.Since
	if r.Event == relwatch.EventRestored && r.Removal.Restored != nil {
		at = *r.Removal.Restored
	}
	name := fmt.Sprintf("%s-%s-%s", key.Lang, r.Event, at.UTC().Format("20060102T150405Z"))
	if err := NoLinkBelow(dir, key.ID); err != nil {
		return fmt.Errorf("report dir: %w", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, key.ID), 0o755); err != nil {
		return fmt.Errorf("report dir: %w", err)
	}
	var js bytes.Buffer
	if err := history.WriteJSON(&js, history.NewRemovalReport(r.Page, r.Event, *r.Removal)); err != nil {
		return err
	}
	for _, f := range []struct {
		ext  string
		data []byte
	}{{"md", []byte(history.RemovalMarkdown(key, r.Event, *r.Removal))}, {"json", js.Bytes()}} {
		if err := NoLinkBelow(dir, key.ID+"/"+name+"."+f.ext); err != nil {
			return fmt.Errorf("report dir: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, key.ID, name+"."+f.ext), f.data, 0o644); err != nil {
			return fmt.Errorf("%s: write report: %w", r.Page, err)
		}
	}
	return nil
}

// SummaryPath is --summary, else $GITHUB_STEP_SUMMARY (set in GitHub
// Actions), else none.
func SummaryPath(flag string) string {
	if flag != "" {
		return flag
	}
	return os.Getenv("GITHUB_STEP_SUMMARY")
}

// claimedLabel counts the pages another run checked (PostgreSQL).
const claimedLabel = "skipped (checked by another run)"

// RunSummary is the one-line account of a run: "2 pages: 1 changed, 1
// unchanged"; pages an interrupted run did not check are "1 skipped
// (interrupted)".
func RunSummary(results []track.Result) string {
	counts := map[string]int{}
	earlier := 0
	for _, r := range results {
		if r.Earlier {
			earlier++
			continue
		}
		status := r.Status
		if status == relwatch.StatusSkipped && r.ErrorKind == relwatch.KindClaimed {
			status = claimedLabel
		}
		counts[status]++
	}
	results = slices.DeleteFunc(slices.Clone(results), func(r track.Result) bool { return r.Earlier })
	var parts []string
	for _, status := range []string{relwatch.StatusNew, relwatch.StatusChanged, relwatch.StatusUnchanged, relwatch.StatusFailed, relwatch.StatusSkipped, claimedLabel} {
		if counts[status] > 0 {
			label := status
			if status == relwatch.StatusSkipped {
				label += " (interrupted)"
			}
			parts = append(parts, fmt.Sprintf("%d %s", counts[status], label))
		}
	}
	noun := "pages"
	if len(results) == 1 {
		noun = "page"
	}
	line := fmt.Sprintf("%d %s: %s", len(results), noun, strings.Join(parts, ", "))
	stale := 0
	for _, r := range results {
		if r.Stale {
			stale++
		}
	}
	if stale > 0 {
		line += fmt.Sprintf(" (%d stale)", stale)
	}
	if earlier > 0 {
		line += fmt.Sprintf("; and %s %s", plural(earlier, "change"), EarlierNote)
	}
	return line
}

// EarlierNote marks a change an earlier run archived but did not report.
const EarlierNote = "archived by an earlier run that stopped before reporting it"

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// AppendSummary appends a Markdown summary of the run to path: a table of
// pages, then the Markdown diff of each change.
func AppendSummary(path string, results []track.Result) error {
	if path == "" {
		return nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "## relwatch: %s\n\n| Page | Status | Version | Page stamp | Note |\n| --- | --- | --- | --- | --- |\n", RunSummary(results))
	for _, r := range results {
		version := "-"
		if r.Version > 0 {
			version = fmt.Sprintf("v%d", r.Version)
		}
		note := r.Error
		if r.Suspect != "" {
			note = "suspect: " + r.Suspect
		}
		if r.Earlier {
			note = strings.TrimPrefix(note+"; "+EarlierNote, "; ")
		}
		if r.Removal != nil && r.Event != "" {
			note = strings.TrimSuffix(history.RemovalNote(r.Event, *r.Removal)+"; "+note, "; ")
		}
		status := r.Status
		if r.Stale {
			status += ", stale"
			note = strings.TrimSuffix(StaleNote(r)+"; "+note, "; ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", history.MarkdownCell(r.Page), status, version, history.MarkdownCell(r.UpdatedRaw), history.MarkdownCell(note))
	}
	for _, r := range results {
		if r.Report == nil {
			continue
		}
		b.WriteString("\n")
		opts := history.RenderOptions()
		opts.HeadingLevel = 3 // under the run's "## relwatch: …"
		if err := diff.Render(&b, "markdown", *r.Report, opts); err != nil {
			return fmt.Errorf("%s: render summary: %w", r.Page, err)
		}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	out := b.Bytes()
	if info, err := f.Stat(); err == nil && info.Size() > 0 {
		// After an earlier run's summary (or whatever else the file
		// holds): a blank line, so that nothing runs into this run's
		// heading.
		out = append([]byte("\n"), out...)
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		return fmt.Errorf("summary: %w", err)
	}
	return f.Close()
}

// WriteResults prints a run's results on w: a line per page and the
// run's summary line, or one JSON object per page (JSON Lines) when
// asJSON.
func WriteResults(w io.Writer, results []track.Result, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range results {
		line := fmt.Sprintf("%-24s %-9s", r.Page, r.Status)
		if r.Version > 0 {
			line += fmt.Sprintf(" v%d", r.Version)
		}
		if r.Status == relwatch.StatusChanged {
			line += fmt.Sprintf(" (was v%d)", r.PreviousVersion)
		}
		if r.Stale {
			line += " " + StaleNote(r)
		}
		if r.Error != "" {
			line += "  " + r.Error
		}
		if r.Removal != nil && r.Event != "" {
			line += "  " + history.RemovalNote(r.Event, *r.Removal)
		}
		if r.Suspect != "" {
			line += "  suspect: " + r.Suspect
		}
		if r.Earlier {
			line += "  " + EarlierNote
		}
		fmt.Fprintln(w, line)
	}
	_, err := fmt.Fprintln(w, RunSummary(results))
	return err
}

// StaleNote is how a stale page's line says so: "stale since
// 2026-11-27 06:00 (last success 2026-11-20 06:00)", in UTC.
func StaleNote(r track.Result) string {
	if !r.Stale || r.StaleSince == nil || r.LastSuccess == nil {
		return ""
	}
	const layout = "2006-01-02 15:04"
	return fmt.Sprintf("stale since %s (last success %s)", r.StaleSince.Format(layout), r.LastSuccess.Format(layout))
}
