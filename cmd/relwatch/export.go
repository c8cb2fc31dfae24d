package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
)

// The export tree, all paths relative to DIR and built only from page ids,
// languages, version numbers and archive dates:
//
//	README.md                         index: pages, stamps, last changes
//	feed.atom                         the changes as an Atom feed
//	<id>/<lang>.json                  latest snapshot (without last_seen)
//	<id>/<lang>.md                    latest snapshot as Markdown
//	changes/<date>-<id>-<lang>-v<N>.md  one file per change
//
// relwatch owns changes/ and the <id>/ folders of exported pages: files
// there that match its name patterns and are no longer part of the export
// are removed. Nothing else in DIR is ever touched.
const (
	exportChangesDir = "changes"
	exportFeed       = "feed.atom"
	exportIndex      = "README.md"
	exportTempPrefix = ".relwatch-"
	exportReadmeMax  = 20 // last changes listed in README.md
)

var (
	// safeSegment is what a page id or language must look like to become
	// part of a file name.
	safeSegment = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// changeFile and snapshotFile are the names relwatch writes, and so
	// the only names it may remove.
	changeFile   = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}-[A-Za-z0-9._-]+-v[0-9]+\.md$`)
	snapshotFile = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*\.(json|md)$`)
)

// checkSegment rejects an id or language that is not one plain path
// segment, or that would collide with the export's own top-level names.
func checkSegment(what, s string) error {
	if !safeSegment.MatchString(s) || strings.Contains(s, "..") {
		return fmt.Errorf("%s %q cannot be a file name (want letters, digits, '.', '_' or '-')", what, s)
	}
	if what == "page id" {
		for _, reserved := range []string{exportChangesDir, exportFeed, exportIndex} {
			if strings.EqualFold(s, reserved) {
				return fmt.Errorf("page id %q is a name the export uses itself", s)
			}
		}
	}
	return nil
}

// exportFile is one file of the export: its slash-separated path under DIR
// and its bytes.
type exportFile struct {
	Path string
	Data []byte
}

type exportOptions struct {
	baseURL   string // absolute URL of DIR when published; "" for relative links
	feedLimit int    // entries in feed.atom; 0 for all
}

// planExport renders the whole export tree from the archive, all of it
// from one read transaction (archive.ReadView): a scrape, backfill, import
// or reparse writing meanwhile is left for the next export, never mixed in.
func planExport(ctx context.Context, arc *archive.Archive, opts exportOptions) ([]exportFile, error) {
	var files []exportFile
	err := arc.ReadView(ctx, func(v relwatch.Reader) (err error) {
		files, err = planExportFrom(ctx, v, opts)
		return err
	})
	return files, err
}

// planExportFrom renders the export tree from one view of the archive.
func planExportFrom(ctx context.Context, arc relwatch.Reader, opts exportOptions) ([]exportFile, error) {
	all, err := arc.Pages(ctx)
	if err != nil {
		return nil, err
	}
	var pages []relwatch.PageStatus
	for _, p := range all {
		if err := checkSegment("page id", p.Page.ID); err != nil {
			return nil, fmt.Errorf("export %s: %w", p.Page, err)
		}
		if err := checkSegment("language", p.Page.Lang); err != nil {
			return nil, fmt.Errorf("export %s: %w", p.Page, err)
		}
		if p.Latest > 0 {
			pages = append(pages, p)
		}
	}

	var files []exportFile
	latest := make([]snapshots.Snapshot, len(pages))
	for i, p := range pages {
		snap, err := arc.Snapshot(ctx, p.Page, p.Latest)
		if err != nil {
			return nil, fmt.Errorf("export %s: latest version: %w", p.Page, err)
		}
		snap.LastSeen = nil // it moves on every check; the export changes only with the content
		latest[i] = snap
		var md bytes.Buffer
		if err := snapshots.WriteMarkdown(&md, snap); err != nil {
			return nil, fmt.Errorf("export %s: markdown: %w", p.Page, err)
		}
		files = append(files,
			exportFile{snapshotPath(p.Page, "json"), snapshots.MarshalIndent(snap)},
			exportFile{snapshotPath(p.Page, "md"), md.Bytes()},
		)
	}

	changes, err := loadChanges(ctx, arc, pages)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		var md bytes.Buffer
		if err := diff.Render(&md, "markdown", c.Report, diff.RenderOptions{}); err != nil {
			return nil, fmt.Errorf("export %s v%d: render change: %w", c.Page, c.Version, err)
		}
		files = append(files, exportFile{changePath(c), md.Bytes()})
	}

	inFeed := changes
	if opts.feedLimit > 0 && len(inFeed) > opts.feedLimit {
		inFeed = inFeed[:opts.feedLimit]
	}
	feed, err := buildFeed(inFeed, feedOptions{
		ID: "tag:relwatch,2026:export", Title: feedTitle(pages), Fallback: newestChange(pages),
		Links: feedLinks(opts.baseURL),
		EntryLinks: func(c changeEntry) []atomLink {
			return []atomLink{
				{Rel: "alternate", Href: opts.baseURL + changePath(c), Type: "text/markdown"},
				{Rel: "related", Href: c.URL, Type: "text/html"},
			}
		},
	})
	if err != nil {
		return nil, err
	}
	var xmlBuf bytes.Buffer
	if err := writeFeed(&xmlBuf, feed); err != nil {
		return nil, err
	}
	files = append(files, exportFile{exportFeed, xmlBuf.Bytes()}, exportFile{exportIndex, exportReadme(pages, latest, changes)})

	seen := map[string]bool{}
	for _, f := range files {
		k := strings.ToLower(f.Path) // case-insensitive file systems
		if seen[k] {
			return nil, fmt.Errorf("export: two files would be named %s; rename a page id or language", f.Path)
		}
		seen[k] = true
	}
	return files, nil
}

func snapshotPath(k snapshots.PageKey, ext string) string {
	return path.Join(k.ID, k.Lang+"."+ext)
}

// changePath is changes/<YYYY-MM-DD>-<id>-<lang>-v<N>.md, the date being
// when relwatch first saw version N (UTC).
func changePath(c changeEntry) string {
	return path.Join(exportChangesDir, fmt.Sprintf("%s-%s-%s-v%d.md", c.At.Format(time.DateOnly), c.Page.ID, c.Page.Lang, c.Version))
}

func feedLinks(baseURL string) []atomLink {
	if baseURL == "" {
		return nil
	}
	return []atomLink{{Rel: "self", Href: baseURL + exportFeed, Type: "application/atom+xml"}, {Rel: "alternate", Href: baseURL + exportIndex}}
}

// exportReadme is the index of the export: every page with its version,
// stamp and snapshot files, then the latest changes.
func exportReadme(pages []relwatch.PageStatus, latest []snapshots.Snapshot, changes []changeEntry) []byte {
	var b bytes.Buffer
	b.WriteString("# relwatch export\n\n")
	b.WriteString("Written by `relwatch export` from the archive: every file here is rewritten by the next export, so edit nothing by hand. ")
	b.WriteString("Dates are when relwatch first saw a version (UTC); page stamps are the pages' own.\n\n")
	b.WriteString("## Pages\n\n| Page | Version | Page stamp | First seen | Snapshot |\n| --- | --- | --- | --- | --- |\n")
	for i, p := range pages {
		seen := "-"
		if s := latest[i].FirstSeen; s != nil {
			seen = shortTime(*s)
		}
		fmt.Fprintf(&b, "| [%s](%s) | v%d | %s | %s | [Markdown](%s) · [JSON](%s) |\n",
			cell(p.Page.String()), linkTarget(p.URL), p.Latest, cell(string(latest[i].UpdatedRaw)), seen,
			snapshotPath(p.Page, "md"), snapshotPath(p.Page, "json"))
	}
	b.WriteString("\n## Last changes\n\n")
	if len(changes) == 0 {
		b.WriteString("None yet.\n")
	}
	for i, c := range changes {
		if i == exportReadmeMax {
			fmt.Fprintf(&b, "\n…and %d earlier, in [changes/](changes/) and the [feed](feed.atom).\n", len(changes)-i)
			break
		}
		fmt.Fprintf(&b, "- %s UTC: [%s](%s)\n", shortTime(c.At), snapshots.EscapeMarkdown(c.Title()), changePath(c))
	}
	b.WriteString("\nAtom feed of the changes: [feed.atom](feed.atom).\n")
	return b.Bytes()
}

// linkTarget makes a URL safe as a Markdown link destination.
func linkTarget(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(u)
}

// exportResult says what writeExport did, paths relative to DIR.
type exportResult struct {
	Written, Removed []string
	Unchanged        int
}

// writeExport writes the planned files into dir, each atomically (a
// temporary file in the same folder, then a rename) and only when its
// bytes differ, then removes the files relwatch wrote earlier that are no
// longer planned (see the comment at the top of this file).
func writeExport(dir string, files []exportFile) (exportResult, error) {
	var res exportResult
	planned := map[string]bool{}
	for _, f := range files {
		planned[f.Path] = true
		changed, err := writeIfChanged(dir, f)
		if err != nil {
			return res, err
		}
		if changed {
			res.Written = append(res.Written, f.Path)
		} else {
			res.Unchanged++
		}
	}
	// DIR itself is not ours: only temporary files are cleaned up there.
	owned := map[string]*regexp.Regexp{".": regexp.MustCompile(`^$`), exportChangesDir: changeFile}
	for p := range planned {
		if d := path.Dir(p); d != "." && d != exportChangesDir {
			owned[d] = snapshotFile
		}
	}
	folders := make([]string, 0, len(owned))
	for d := range owned {
		folders = append(folders, d)
	}
	slices.Sort(folders)
	for _, d := range folders {
		removed, err := removeStale(dir, d, owned[d], planned)
		res.Removed = append(res.Removed, removed...)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// writeIfChanged writes one file atomically unless it already holds the
// same bytes.
func writeIfChanged(dir string, f exportFile) (bool, error) {
	target := filepath.Join(dir, filepath.FromSlash(f.Path))
	if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, f.Data) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return false, fmt.Errorf("export %s: %w", f.Path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), exportTempPrefix+"*.tmp")
	if err != nil {
		return false, fmt.Errorf("export %s: %w", f.Path, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	_, err = tmp.Write(f.Data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		return false, fmt.Errorf("export %s: %w", f.Path, err)
	}
	return true, nil
}

// removeStale removes from dir/folder the regular files whose names match
// ours but that are no longer planned, and temporary files left by an
// interrupted export. It never removes folders, links or other names.
func removeStale(dir, folder string, ours *regexp.Regexp, planned map[string]bool) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(folder)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		rel := path.Join(folder, name)
		temp := strings.HasPrefix(name, exportTempPrefix) && strings.HasSuffix(name, ".tmp")
		if !e.Type().IsRegular() || planned[rel] || !(ours.MatchString(name) || temp) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			return removed, fmt.Errorf("export: remove stale %s: %w", rel, err)
		}
		if !temp {
			removed = append(removed, rel)
		}
	}
	return removed, nil
}
