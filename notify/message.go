package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
)

// MaxBlocks is how many changed blocks a message shows word by word; the
// rest are counted, and the links lead to them.
const MaxBlocks = 3

// view is an event with what a message shows of it.
type view struct {
	relwatch.Event
	// Report is the change into the version, for a changed event whose two
	// versions read back as the event knew them; nil otherwise.
	Report   *diff.Report
	Line     string // what happened, in one line
	PageLink string // the page itself
	DiffLink string // serve's diff page, when a base URL is configured
	// MayHaveArrived: the last send got no answer in time (see
	// Sender.attempt).
	MayHaveArrived bool
}

// load completes an event from the archive: the change of a changed event
// (from the two stored versions, which must still have the hashes the
// event names: backfill may have renumbered them since) and the links.
func load(ctx context.Context, st Store, ev relwatch.Event, baseURL string) (view, error) {
	v := view{Event: ev, PageLink: ev.URL}
	if ev.Kind == relwatch.EventChanged && ev.PreviousVersion > 0 {
		r, err := Report(ctx, st, ev)
		if err != nil {
			return v, err
		}
		v.Report = r
	}
	if baseURL != "" && ev.Version > 0 {
		v.DiffLink = diffLink(baseURL, ev)
	}
	v.Line = oneLine(v)
	return v, nil
}

// Report is the change of a changed event, from the two stored versions;
// nil when they are no longer there as the event knew them (a backfill
// renumbered them since).
func Report(ctx context.Context, st Store, ev relwatch.Event) (*diff.Report, error) {
	key, err := snapshots.ParsePageRef(ev.Page)
	if err != nil {
		return nil, err
	}
	old, err := st.Snapshot(ctx, key, ev.PreviousVersion)
	if errors.Is(err, relwatch.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	new, err := st.Snapshot(ctx, key, ev.Version)
	if errors.Is(err, relwatch.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if old.ContentHash != ev.PreviousHash || new.ContentHash != ev.ContentHash {
		return nil, nil // renumbered since: the counts in the event still hold
	}
	r := diff.NewReport(ev.Page, old, new)
	r.WindowStart, r.WindowEnd = ev.WindowStart, ev.FirstSeen
	return &r, nil
}

// diffLink is serve's page of the change, as serve links it:
// /p/<id>/<lang>/diff?from=&to= with the first 16 hex digits of each
// version's content hash (a reference that a later renumbering does not
// move); the page's own page in serve for other events.
func diffLink(base string, ev relwatch.Event) string {
	key, err := snapshots.ParsePageRef(ev.Page)
	if err != nil {
		return ""
	}
	page := strings.TrimSuffix(base, "/") + "/p/" + url.PathEscape(key.ID) + "/" + url.PathEscape(key.Lang)
	if ev.Kind == relwatch.EventChanged && ev.PreviousHash != "" && ev.ContentHash != "" {
		return page + "/diff?from=" + hashRef(ev.PreviousHash) + "&to=" + hashRef(ev.ContentHash)
	}
	return page
}

func hashRef(hash string) string {
	h := strings.TrimPrefix(hash, "sha256:")
	return h[:min(len(h), 16)]
}

// oneLine is what happened: "1 bullet changed, 1 stamp changed", "first
// version", "failed: http_5xx: …", "recovered after 5 failed checks".
func oneLine(v view) string {
	switch v.Kind {
	case relwatch.EventNew:
		return "first version"
	case relwatch.EventFailed:
		return "failed: " + strings.TrimPrefix(v.ErrorKind+": "+v.Error, ": ")
	case relwatch.EventRecovered:
		return fmt.Sprintf("recovered after %s", plural(v.Failures, "failed check"))
	case relwatch.EventStale:
		if v.LastSuccess != nil {
			return "no successful check since " + clock(*v.LastSuccess) + " UTC"
		}
		return "no successful check for too long"
	case relwatch.EventLag:
		return v.Lag
	case relwatch.EventRemoved:
		return "removed: " + v.Reason
	case relwatch.EventRestored:
		return "restored after it was removed (" + v.Reason + ")"
	case relwatch.EventTest:
		return "a test message from relwatch notify test"
	}
	var line string
	if v.Report != nil {
		counts := map[string]int{}
		var order []string
		for _, ch := range v.Report.Changes {
			label := changeLabel(ch)
			if _, ok := counts[label]; !ok {
				order = append(order, label)
			}
			counts[label]++
		}
		parts := make([]string, len(order))
		for i, label := range order {
			noun, verb, _ := strings.Cut(label, " ")
			parts[i] = plural(counts[label], noun) + " " + verb
		}
		line = strings.Join(parts, ", ")
	} else {
		// The counts the archive keeps, worded as log words them.
		line = string(diff.AppendCounts(nil, v.Summary, ""))
	}
	if line == "" {
		return "no visible change"
	}
	if v.StampOnly {
		line += " (only the page's stamp)"
	}
	if v.ParserChange {
		line += " (a new parser, not an edit of the page)"
	}
	return line
}

// changeLabel is "<noun> <verb>" for a change: blocks are named by what
// they are (paragraph, bullet), a stamp that appears or goes says so.
func changeLabel(ch diff.Change) string {
	noun, verb, _ := strings.Cut(ch.Kind, "_")
	if noun == "block" {
		noun = cmpOr(ch.NewKind, ch.OldKind, "block")
	}
	if ch.Kind == diff.StampChanged {
		switch {
		case ch.Old == "":
			verb = "added"
		case ch.New == "":
			verb = "removed"
		}
	}
	return noun + " " + verb
}

func cmpOr(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// Message is what a chat or email destination is sent.
type Message struct {
	Title string
	Body  string // in the destination's format
}

// title is "kazakhstan/fr changed: version 3 → 4".
func (v view) title() string {
	switch v.Kind {
	case relwatch.EventChanged:
		return fmt.Sprintf("relwatch: %s changed (version %d → %d)", v.Page, v.PreviousVersion, v.Version)
	case relwatch.EventNew:
		return fmt.Sprintf("relwatch: %s, first version archived", v.Page)
	case relwatch.EventFailed:
		return fmt.Sprintf("relwatch: %s failed", v.Page)
	case relwatch.EventRecovered:
		return fmt.Sprintf("relwatch: %s recovered", v.Page)
	case relwatch.EventStale:
		return fmt.Sprintf("relwatch: %s is stale", v.Page)
	case relwatch.EventLag:
		return fmt.Sprintf("relwatch: %s lags behind %s", v.Page, v.Ahead)
	case relwatch.EventRemoved:
		return fmt.Sprintf("relwatch: %s removed", v.Page)
	case relwatch.EventRestored:
		return fmt.Sprintf("relwatch: %s restored", v.Page)
	}
	return "relwatch: " + v.Page + " " + v.Kind
}

// facts are the lines under the summary: stamp, window, source, notes.
func (v view) facts() []string {
	var out []string
	if v.UpdatedRaw != "" && (v.Kind == relwatch.EventChanged || v.Kind == relwatch.EventNew) {
		out = append(out, "Page stamp: "+v.UpdatedRaw)
	}
	switch {
	case v.WindowStart != nil && v.FirstSeen != nil:
		out = append(out, "Changed between "+clock(*v.WindowStart)+" and "+clock(*v.FirstSeen)+" UTC")
	case v.FirstSeen != nil:
		out = append(out, "First seen "+clock(*v.FirstSeen)+" UTC")
	case v.Kind == relwatch.EventRemoved && v.RemovedSince != nil:
		out = append(out, "Gone since "+clock(*v.RemovedSince)+" UTC")
	case v.Kind == relwatch.EventRestored && v.RemovedSince != nil:
		out = append(out, "Removed "+clock(*v.RemovedSince)+" UTC, back "+clock(v.Created)+" UTC")
	case v.Kind == relwatch.EventFailed || v.Kind == relwatch.EventRecovered:
		out = append(out, "Checked "+clock(v.Created)+" UTC")
	}
	switch v.Kind {
	case relwatch.EventFailed:
		out = append(out, "Further failures are not notified; you will be told when the page recovers.")
	case relwatch.EventStale:
		if v.StaleSince != nil {
			out = append(out, "Stale since "+clock(*v.StaleSince)+" UTC")
		}
		if v.Failures > 0 {
			out = append(out, fmt.Sprintf("%s in a row since, the last: %s", plural(v.Failures, "failed check"), v.Error))
		}
		out = append(out, "Told once per streak: the next good check ends it.")
	case relwatch.EventLag:
		if v.LastChange != nil && v.AheadChanged != nil {
			out = append(out, "Last content change "+clock(*v.LastChange)+" UTC; "+v.Ahead+" changed "+clock(*v.AheadChanged)+" UTC")
		}
		out = append(out, "Told once until this language changes again.")
	case relwatch.EventRemoved:
		out = append(out, "Version "+strconv.Itoa(v.Version)+" is the last one archived; you will be told when the page is back.")
	}
	out = append(out, "Source: "+sourceName(v.Source))
	if v.Suspect != "" {
		out = append(out, "Suspect: "+v.Suspect+" (archived all the same; check the page)")
	}
	return out
}

func sourceName(s string) string {
	switch s {
	case relwatch.SourceWayback:
		return "a Wayback Machine capture"
	case relwatch.SourceImport:
		return "an imported file"
	case "":
		return "relwatch"
	}
	return "a live check"
}

func clock(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

// blocks are the first MaxBlocks changes of v, each with its place and its
// word-level change.
func (v view) blocks() (shown []block, more int) {
	if v.Report == nil {
		return nil, 0
	}
	for i, ch := range v.Report.Changes {
		if i == MaxBlocks {
			return shown, len(v.Report.Changes) - MaxBlocks
		}
		b := block{Label: changeLabel(ch), Where: where(ch)}
		switch {
		case len(ch.Inline) > 0:
			b.Ops = ch.Inline
		case ch.Kind == diff.BlockMoved:
			b.Ops = []diff.Op{{Op: diff.OpEqual, Text: ch.New}}
		case ch.Old != "" || ch.New != "":
			b.Ops = diff.Inline(ch.Old, ch.New)
		}
		shown = append(shown, b)
	}
	return shown, 0
}

type block struct {
	Label, Where string
	Ops          []diff.Op
}

func where(ch diff.Change) string {
	path := ch.NewPath
	if len(path) == 0 {
		path = ch.OldPath
	}
	switch {
	case strings.HasPrefix(ch.Kind, "title_"), strings.HasPrefix(ch.Kind, "stamp_"), strings.HasPrefix(ch.Kind, "lead_"), strings.HasPrefix(ch.Kind, "caption_"):
		return "page header"
	case len(path) == 0:
		return "top of page"
	}
	return strings.Join(path, " › ")
}

// maxEqual is how much unchanged text a message keeps on each side of a
// change; the middle of a longer run is cut.
const maxEqual = 60

func trimEqual(s string) string {
	r := []rune(s)
	if len(r) <= 2*maxEqual {
		return s
	}
	return string(r[:maxEqual]) + " … " + string(r[len(r)-maxEqual:])
}

// render writes v in format.
func (v view) render(format string) Message {
	var b bytes.Buffer
	esc, strong, del, ins, item := textStyle, textStyle, func(s string) string { return "[-" + s + "-]" }, func(s string) string { return "{+" + s + "+}" }, "• "
	link := func(label, u string) string { return label + ": " + u }
	nl := "\n"
	switch format {
	case "markdown":
		esc = snapshots.EscapeMarkdown
		strong = func(s string) string { return "**" + s + "**" }
		del = func(s string) string { return "~~" + snapshots.EscapeMarkdown(s) + "~~" }
		ins = func(s string) string { return "<ins>" + snapshots.EscapeMarkdown(s) + "</ins>" }
		item = "- "
		link = func(label, u string) string { return "[" + label + "](" + u + ")" }
		nl = "  \n"
	case "html":
		esc = html.EscapeString
		strong = func(s string) string { return "<strong>" + s + "</strong>" }
		del = func(s string) string { return "<del>" + html.EscapeString(s) + "</del>" }
		ins = func(s string) string { return "<ins>" + html.EscapeString(s) + "</ins>" }
		link = func(label, u string) string {
			return `<a href="` + html.EscapeString(u) + `">` + html.EscapeString(label) + `</a>`
		}
		nl = "<br>\n"
	}
	if format == "html" {
		b.WriteString("<p>")
	}
	b.WriteString(strong(esc(v.Page)) + ": " + esc(v.Line) + nl)
	for _, f := range v.facts() {
		b.WriteString(esc(f) + nl)
	}
	shown, more := v.blocks()
	if len(shown) > 0 {
		if format == "html" {
			b.WriteString("</p>\n<ul>\n")
		} else {
			b.WriteString("\n")
		}
		for _, bl := range shown {
			var text strings.Builder
			for _, op := range bl.Ops {
				switch op.Op {
				case diff.OpDelete:
					text.WriteString(del(op.Text))
				case diff.OpInsert:
					text.WriteString(ins(op.Text))
				default:
					text.WriteString(esc(trimEqual(op.Text)))
				}
			}
			line := esc(bl.Label+" ("+bl.Where+")") + ": " + text.String()
			if format == "html" {
				b.WriteString("<li>" + line + "</li>\n")
			} else {
				b.WriteString(item + line + "\n")
			}
		}
		if more > 0 {
			m := esc(fmt.Sprintf("and %s more", plural(more, "change")))
			if format == "html" {
				b.WriteString("<li>" + m + "</li>\n")
			} else {
				b.WriteString(item + m + "\n")
			}
		}
		if format == "html" {
			b.WriteString("</ul>\n<p>")
		} else {
			b.WriteString("\n")
		}
	}
	var links []string
	if v.PageLink != "" {
		links = append(links, link("Page", v.PageLink))
	}
	if v.DiffLink != "" {
		links = append(links, link("Diff", v.DiffLink))
	}
	b.WriteString(strings.Join(links, nl))
	if format == "html" {
		b.WriteString("</p>")
	}
	return Message{Title: v.title(), Body: strings.TrimRight(b.String(), "\n ") + "\n"}
}

func textStyle(s string) string { return s }

// digest is one message listing several events, oldest first.
func digest(views []view, format string) Message {
	var b bytes.Buffer
	pages := map[string]bool{}
	for _, v := range views {
		pages[v.Page] = true
	}
	names := make([]string, 0, len(pages))
	for p := range pages {
		names = append(names, p)
	}
	slices.Sort(names)
	title := fmt.Sprintf("relwatch: %s on %s", plural(len(views), "event"), plural(len(names), "page"))
	if format == "html" {
		b.WriteString("<ul>\n")
	}
	for _, v := range views {
		line := v.Page + " " + v.Kind
		if v.Version > 0 && (v.Kind == relwatch.EventNew || v.Kind == relwatch.EventChanged || v.Kind == relwatch.EventRecovered || v.Kind == relwatch.EventRestored) {
			line += " v" + strconv.Itoa(v.Version)
		}
		line += ": " + v.Line
		when := v.Created
		if v.FirstSeen != nil {
			when = *v.FirstSeen
		}
		line += " (" + clock(when) + " UTC)"
		link := cmpOr(v.DiffLink, v.PageLink)
		switch format {
		case "html":
			b.WriteString("<li>" + html.EscapeString(line))
			if link != "" {
				b.WriteString(` <a href="` + html.EscapeString(link) + `">open</a>`)
			}
			b.WriteString("</li>\n")
		case "markdown":
			b.WriteString("- " + snapshots.EscapeMarkdown(line))
			if link != "" {
				b.WriteString(" [open](" + link + ")")
			}
			b.WriteString("\n")
		default:
			b.WriteString("• " + line)
			if link != "" {
				b.WriteString(" " + link)
			}
			b.WriteString("\n")
		}
	}
	if format == "html" {
		b.WriteString("</ul>\n")
	}
	return Message{Title: title, Body: b.String()}
}
