package history

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/internal/lazyregexp"
	"github.com/relwatch/relwatch/snapshots"
)

// The export tree, all paths relative to DIR and built only from page ids,
// languages, content hashes and archive dates:
//
//	README.md                         index: pages, stamps, last changes
//	feed.atom                         the changes as an Atom feed
//	<id>/<lang>.json                  latest snapshot, as show --format json (without last_seen)
//	<id>/<lang>.md                    latest snapshot as Markdown
//	changes/<date>-<id>-<lang>-<hash>.md    one report per change, Markdown
//	changes/<date>-<id>-<lang>-<hash>.html  the same report as an HTML page
//
// A change file is named after the version it leads to by that version's
// first-seen date and the first 12 hex digits of its content hash, never by
// its number: a backfill or import renumbers versions, and a published
// link must keep pointing at the same content. Exports before this naming
// used -v<N>; those names still match changeFile, so the next export
// removes them as stale.
//
// relwatch owns changes/ and the <id>/ folders of exported pages: a
// writer may remove the files there that match the name patterns below
// (IsChangeFile, IsSnapshotFile) and are no longer part of the export, and
// nothing else in DIR.
const (
	ExportChangesDir = "changes"
	ExportFeed       = "feed.atom"
	ExportIndex      = "README.md"
	exportReadmeMax  = 20 // last changes listed in README.md
)

var (
	// safeSegment is what a page id or language must look like to become
	// part of a file name.
	safeSegment = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	// changeFile and snapshotFile are the names the export has, and so
	// the only names a writer may remove.
	changeFile   = lazyregexp.New(`^[0-9]{4}-[0-9]{2}-[0-9]{2}-[A-Za-z0-9._-]+-(v[0-9]+|[0-9a-f]{12}(-[0-9]{6})?)\.(md|html)$`)
	snapshotFile = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._-]*\.(json|md)$`)
)

// IsChangeFile reports whether name (in changes/) has the pattern of an
// exported change file.
func IsChangeFile(name string) bool { return changeFile().MatchString(name) }

// IsSnapshotFile reports whether name (in a page's <id>/ folder) has the
// pattern of an exported snapshot file.
func IsSnapshotFile(name string) bool { return snapshotFile().MatchString(name) }

// CheckSegment rejects an id or language that is not one plain path
// segment, or that would collide with the export's own top-level names.
func CheckSegment(what, s string) error {
	if !safeSegment().MatchString(s) || strings.Contains(s, "..") {
		return fmt.Errorf("%s %q cannot be a file name (want letters, digits, '.', '_' or '-')", what, s)
	}
	if what == "page id" {
		for _, reserved := range []string{ExportChangesDir, ExportFeed, ExportIndex} {
			if strings.EqualFold(s, reserved) {
				return fmt.Errorf("page id %q is a name the export uses itself", s)
			}
		}
	}
	return nil
}

// ExportFile is one file of the export: its slash-separated path under DIR
// and its bytes.
type ExportFile struct {
	Path string
	Data []byte
}

// ExportOptions shape an export.
type ExportOptions struct {
	BaseURL   string // absolute URL of DIR when published, ending in "/"; "" for relative links
	FeedLimit int    // entries in feed.atom; 0 for all
}

// Check refuses a base URL that is not an absolute http(s) URL and a
// negative feed limit (errors that match ErrBadInput, naming the flags),
// and ends the base URL with "/".
func (o *ExportOptions) Check() error {
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return badInput("--base-url %q: want an http(s) URL", o.BaseURL)
		}
		if !strings.HasSuffix(o.BaseURL, "/") {
			o.BaseURL += "/"
		}
	}
	if o.FeedLimit < 0 {
		return badInput("--feed-limit %d: want 0 or more", o.FeedLimit)
	}
	return nil
}

// PlanExport renders the whole export tree from the archive, all of it
// from one read transaction (relwatch.History.ReadView): a scrape, backfill, import
// or reparse writing meanwhile is left for the next export, never mixed in.
func PlanExport(ctx context.Context, r relwatch.History, opts ExportOptions) ([]ExportFile, error) {
	var files []ExportFile
	err := r.ReadView(ctx, func(v relwatch.Reader) (err error) {
		files, err = PlanExportView(ctx, v, opts)
		return err
	})
	return files, err
}

// PlanExportView renders the export tree from one view of the archive.
func PlanExportView(ctx context.Context, arc relwatch.Reader, opts ExportOptions) ([]ExportFile, error) {
	all, err := arc.Pages(ctx)
	if err != nil {
		return nil, err
	}
	var pages []relwatch.PageStatus
	for _, p := range all {
		if err := CheckSegment("page id", p.Page.ID); err != nil {
			return nil, fmt.Errorf("export %s: %w", p.Page, err)
		}
		if err := CheckSegment("language", p.Page.Lang); err != nil {
			return nil, fmt.Errorf("export %s: %w", p.Page, err)
		}
		if p.Latest > 0 {
			pages = append(pages, p)
		}
	}

	var files []ExportFile
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
		src, err := arc.VersionProvenance(ctx, p.Page, p.Latest)
		if err != nil {
			return nil, fmt.Errorf("export %s: latest version's source: %w", p.Page, err)
		}
		js, err := SnapshotJSON(Version{Page: p.Page, Snapshot: snap, Source: src})
		if err != nil {
			return nil, fmt.Errorf("export %s: json: %w", p.Page, err)
		}
		files = append(files,
			ExportFile{snapshotPath(p.Page, "json"), js},
			ExportFile{snapshotPath(p.Page, "md"), md.Bytes()},
		)
	}

	changes, err := LoadChanges(ctx, arc, pages)
	if err != nil {
		return nil, err
	}
	names := changeFileNames(changes)
	for i, c := range changes {
		for _, f := range []struct{ format, ext string }{{"markdown", "md"}, {"html", "html"}} {
			var buf bytes.Buffer
			if err := diff.Render(&buf, f.format, c.Report, RenderOptions()); err != nil {
				return nil, fmt.Errorf("export %s v%d: render change: %w", c.Page, c.Version, err)
			}
			files = append(files, ExportFile{names[i] + "." + f.ext, buf.Bytes()})
		}
	}
	nameOf := make(map[changeKey]string, len(changes))
	for i, c := range changes {
		nameOf[keyOf(c)] = names[i]
	}

	removals, err := LoadRemovals(ctx, arc, pages)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	inFeed := changes
	if opts.FeedLimit > 0 && len(inFeed) > opts.FeedLimit {
		inFeed = inFeed[:opts.FeedLimit]
	}
	id, err := ArchiveFeedID(ctx, arc, all, "export")
	if err != nil {
		return nil, err
	}
	feed, err := BuildFeed(inFeed, FeedOptions{
		ID: id, Title: FeedTitle(pages), Fallback: NewestChange(pages),
		Links: feedLinks(opts.BaseURL), Removals: removals, Limit: opts.FeedLimit,
		// A reader opens the change's HTML page; the Markdown is the same
		// report for GitHub, and the page itself is related.
		EntryLinks: func(c ChangeEntry) []Link {
			return []Link{
				{Rel: "alternate", Href: opts.BaseURL + nameOf[keyOf(c)] + ".html", Type: "text/html"},
				{Rel: "alternate", Href: opts.BaseURL + nameOf[keyOf(c)] + ".md", Type: "text/markdown"},
				{Rel: "related", Href: c.URL, Type: "text/html"},
			}
		},
	})
	if err != nil {
		return nil, err
	}
	var xmlBuf bytes.Buffer
	if err := WriteFeed(&xmlBuf, feed); err != nil {
		return nil, err
	}
	files = append(files, ExportFile{ExportFeed, xmlBuf.Bytes()}, ExportFile{ExportIndex, exportReadme(pages, latest, changes, names, removals)})

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

// changeKey names one change of one page.
type changeKey struct {
	page    snapshots.PageKey
	version int
}

func keyOf(c ChangeEntry) changeKey { return changeKey{c.Page, c.Version} }

// changeFileNames are the paths, without extension, of the change files
// of changes (newest first, as LoadChanges returns them):
// changes/<YYYY-MM-DD>-<id>-<lang>-<hash12>, the date being when relwatch
// first saw the new version (UTC) and hash12 the first 12 hex digits of
// its content hash. A page that went back and forth between two contents
// in one day has that name more than once: the earliest keeps it, each
// later one adds its first-seen time (-HHMMSS), so no name is ever taken
// from a change that has it already.
func changeFileNames(changes []ChangeEntry) []string {
	names := make([]string, len(changes))
	taken := map[string]bool{}
	for i := len(changes) - 1; i >= 0; i-- { // oldest first
		c := changes[i]
		name := path.Join(ExportChangesDir, fmt.Sprintf("%s-%s-%s-%s", c.At.UTC().Format(time.DateOnly), c.Page.ID, c.Page.Lang, hashPrefix(c.Hash)))
		if taken[name] {
			name += "-" + c.At.UTC().Format("150405")
		}
		taken[name] = true
		names[i] = name
	}
	return names
}

// hashPrefix is the first 12 hex digits of a content hash (sha256:…).
func hashPrefix(contentHash string) string {
	h := strings.TrimPrefix(contentHash, "sha256:")
	if len(h) > 12 {
		h = h[:12]
	}
	return h
}

func feedLinks(baseURL string) []Link {
	if baseURL == "" {
		return nil
	}
	return []Link{{Rel: "self", Href: baseURL + ExportFeed, Type: "application/atom+xml"}, {Rel: "alternate", Href: baseURL + ExportIndex}}
}

// exportReadme is the index of the export: every page with its version,
// stamp and snapshot files, then the latest changes.
func exportReadme(pages []relwatch.PageStatus, latest []snapshots.Snapshot, changes []ChangeEntry, names []string, removals []RemovalEntry) []byte {
	var b bytes.Buffer
	b.WriteString("# relwatch export\n\n")
	b.WriteString("Written by `relwatch export` from the archive: every file here is rewritten by the next export, so edit nothing by hand. ")
	b.WriteString("Dates are when relwatch first saw a version (UTC); page stamps are the pages' own.\n\n")
	b.WriteString("## Pages\n\n| Page | Version | Page stamp | First seen | Snapshot |\n| --- | --- | --- | --- | --- |\n")
	for i, p := range pages {
		seen := "-"
		if s := latest[i].FirstSeen; s != nil {
			seen = ShortTime(*s)
		}
		fmt.Fprintf(&b, "| [%s](%s) | v%d | %s | %s | [Markdown](%s) · [JSON](%s) |\n",
			MarkdownCell(p.Page.String()), linkTarget(p.URL), p.Latest, MarkdownCell(string(latest[i].UpdatedRaw)), seen,
			snapshotPath(p.Page, "md"), snapshotPath(p.Page, "json"))
	}
	b.WriteString("\n## Last changes\n\n")
	if len(changes)+len(removals) == 0 {
		b.WriteString("None yet.\n")
	}
	// Changes and removals by date, newest first; a removal links to the
	// page, having no change file.
	ci, ri := 0, 0
	for n := 0; ci < len(changes) || ri < len(removals); n++ {
		if n == exportReadmeMax {
			fmt.Fprintf(&b, "\n…and %d earlier, in [changes/](changes/) and the [feed](feed.atom).\n", len(changes)-ci+len(removals)-ri)
			break
		}
		if ri < len(removals) && (ci == len(changes) || removals[ri].At.After(changes[ci].At)) {
			r := removals[ri]
			fmt.Fprintf(&b, "- %s UTC: [%s](%s)\n", ShortTime(r.At), snapshots.EscapeMarkdown(r.Title()), linkTarget(r.URL))
			ri++
			continue
		}
		c := changes[ci]
		fmt.Fprintf(&b, "- %s UTC: [%s](%s)\n", ShortTime(c.At), snapshots.EscapeMarkdown(c.Title()), names[ci]+".md")
		ci++
	}
	b.WriteString("\nAtom feed of the changes: [feed.atom](feed.atom).\n")
	return b.Bytes()
}

// linkTarget makes a URL safe as a Markdown link destination.
func linkTarget(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(u)
}

// MarkdownCell makes text safe inside a Markdown table cell; "-" for none.
func MarkdownCell(s string) string {
	if s == "" {
		return "-"
	}
	return snapshots.EscapeMarkdown(s)
}
