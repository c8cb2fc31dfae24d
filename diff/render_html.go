package diff

import (
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/relwatch/relwatch/snapshots"
)

// htmlView is what the HTML template sees. html/template escapes every
// string from the page for its context, so page text stays text.
//
// The report's own words are English (lang="en" on the document); page
// text — section paths, the changed text, a section's blocks — carries
// the page's language, so that a screen reader speaks it as such.
type htmlView struct {
	Title   string
	From    htmlLine
	To      htmlLine
	Sources []string
	Dates   htmlLine
	Summary string
	Lang    string // of the page text; "" when unknown
	Groups  []group
}

func renderHTML(w io.Writer, r Report, opts RenderOptions) error {
	v := htmlView{
		Title:   title(r),
		From:    splitStamp(sideLine(r.From), r.From.UpdatedRaw, r.Lang),
		To:      splitStamp(sideLine(r.To), r.To.UpdatedRaw, r.Lang),
		Sources: provenanceLines(r),
		Dates:   splitStamp(upperFirstOrEmpty(datesLine(r, opts.StampZone)), r.To.UpdatedRaw, r.Lang),
		Summary: r.SummaryLine(),
		Lang:    r.Lang,
		Groups:  groupByPlace(r.Result),
	}
	if !opts.Fragment {
		return htmlTemplate().ExecuteTemplate(w, "document", v)
	}
	// A fragment says its own words are English, whatever the language
	// of the document it is embedded in (an Atom entry in the page's).
	if _, err := io.WriteString(w, "<div class=\"relwatch-report\" lang=\"en\">\n"); err != nil {
		return err
	}
	if err := htmlTemplate().ExecuteTemplate(w, "body", v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "</div>\n")
	return err
}

// htmlLine is a line of the report's own words with the page's stamp in
// it, which is page text (in the page's language).
type htmlLine struct{ Before, Stamp, After, Lang string }

// splitStamp finds "stamp <raw>" in line and cuts out the raw stamp, to
// mark it as text in lang.
func splitStamp(line, raw, lang string) htmlLine {
	i := strings.Index(line, "stamp "+raw)
	if raw == "" || i < 0 {
		return htmlLine{Before: line}
	}
	i += len("stamp ")
	return htmlLine{Before: line[:i], Stamp: raw, After: line[i+len(raw):], Lang: lang}
}

func upperFirstOrEmpty(s string) string {
	if s == "" {
		return ""
	}
	return upperFirst(s)
}

// htmlOp is one piece of the marked-up text; Gap asks for a space before
// it, between a deletion and the insertion that replaces it, so that the
// two read apart.
type htmlOp struct {
	Op
	Gap bool
}

func htmlOps(ops []Op) []htmlOp {
	out := make([]htmlOp, len(ops))
	for i, op := range ops {
		out[i] = htmlOp{Op: op, Gap: i > 0 && op.Op == OpInsert && ops[i-1].Op == OpDelete}
	}
	return out
}

// htmlTemplate is the HTML report, parsed when a report is first rendered
// (not when relwatch starts). The style marks insertions and deletions
// without relying on colour: insertions are underlined, deletions struck
// through, and both are announced to screen readers by visually hidden
// labels.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"bullet": func(b snapshots.Block) bool { return b.Kind == snapshots.Bullet },
		"ops":    htmlOps,
		// place reports whether where is a section path (page text), not
		// "Page header" or "Top of page".
		"place": func(where string) bool { return where != headerPlace && where != topPlace },
	}).Parse(`{{define "document"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #1f2328; }
h1 { font-size: 1.5em; }
h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #d0d7de; }
dl.sides { display: grid; grid-template-columns: max-content auto; gap: 0 1em; }
dl.sides dt { font-weight: 600; }
dl.sides dd { margin: 0; }
.summary { font-weight: 600; }
.change { margin: 1em 0; }
.kind { font-weight: 600; }
.meta { color: #59636e; }
.text { margin: .25em 0 0 1.5em; }
ins { background: #dafbe1; color: #116329; text-decoration: underline; }
del { background: #ffebe9; color: #82071e; text-decoration: line-through; }
ins::before, ins::after, del::before, del::after {
  clip-path: inset(100%); clip: rect(1px, 1px, 1px, 1px); height: 1px; width: 1px;
  overflow: hidden; position: absolute; white-space: nowrap;
}
ins::before { content: " [insertion start] "; }
ins::after { content: " [insertion end] "; }
del::before { content: " [deletion start] "; }
del::after { content: " [deletion end] "; }
ul.blocks { margin: .25em 0 0 1.5em; padding-left: 1em; }
ul.blocks li.paragraph { list-style: none; }
</style>
</head>
<body>
{{template "body" .}}</body>
</html>
{{end}}{{define "line"}}{{.Before}}{{if .Stamp}}<span class="stamp"{{if .Lang}} lang="{{.Lang}}"{{end}}>{{.Stamp}}</span>{{end}}{{.After}}{{end}}{{define "body"}}<h1>{{.Title}}</h1>
<dl class="sides">
<dt>From</dt><dd>{{template "line" .From}}</dd>
<dt>To</dt><dd>{{template "line" .To}}</dd>
</dl>
{{range .Sources}}<p class="source">{{.}}</p>
{{end}}{{if .Dates.Before}}<p class="dates">{{template "line" .Dates}}.</p>
{{end}}<p class="summary">{{.Summary}}</p>
{{range .Groups}}
<h2{{if and (place .Where) $.Lang}} lang="{{$.Lang}}"{{end}}>{{.Where}}</h2>
{{range .Entries}}<div class="change {{.Kind}}">
<span class="kind">{{.Label}}</span>{{if or .From .Note}} <span class="meta">({{if .From}}from {{if and (place .From) $.Lang}}<span lang="{{$.Lang}}">{{.From}}</span>{{else}}{{.From}}{{end}}{{end}}{{if and .From .Note}}; {{end}}{{.Note}})</span>{{end}}
{{if .Ops}}<p class="text"{{if $.Lang}} lang="{{$.Lang}}"{{end}}>{{range ops .Ops}}{{if .Gap}} {{end}}{{if eq .Op.Op "insert"}}<ins>{{.Text}}</ins>{{else if eq .Op.Op "delete"}}<del>{{.Text}}</del>{{else}}{{.Text}}{{end}}{{end}}</p>
{{end}}{{if .Removed}}<ul class="blocks"{{if $.Lang}} lang="{{$.Lang}}"{{end}}>{{range .Removed}}<li{{if not (bullet .)}} class="paragraph"{{end}}><del>{{.Text}}</del></li>{{end}}</ul>
{{end}}{{if .Added}}<ul class="blocks"{{if $.Lang}} lang="{{$.Lang}}"{{end}}>{{range .Added}}<li{{if not (bullet .)}} class="paragraph"{{end}}><ins>{{.Text}}</ins></li>{{end}}</ul>
{{end}}</div>
{{end}}{{end}}{{end}}`))
})
