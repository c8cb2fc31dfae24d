package diff

import (
	"html/template"
	"io"

	"github.com/relwatch/relwatch/snapshots"
)

// htmlView is what the HTML template sees. html/template escapes every
// string from the page for its context, so page text stays text.
type htmlView struct {
	Title   string
	From    string
	To      string
	Dates   string
	Summary string
	Groups  []htmlGroup
}

type htmlGroup struct {
	Where   string
	Entries []entry
}

func renderHTML(w io.Writer, r Report) error {
	v := htmlView{
		Title:   title(r),
		From:    sideLine(r.From),
		To:      sideLine(r.To),
		Dates:   upperFirstOrEmpty(datesLine(r)),
		Summary: summaryLine(r.Result),
	}
	for _, ch := range r.Changes {
		e := entryOf(ch)
		if n := len(v.Groups); n == 0 || v.Groups[n-1].Where != e.Where {
			v.Groups = append(v.Groups, htmlGroup{Where: e.Where})
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Entries = append(g.Entries, e)
	}
	return htmlTemplate.Execute(w, v)
}

func upperFirstOrEmpty(s string) string {
	if s == "" {
		return ""
	}
	return upperFirst(s)
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"bullet": func(b snapshots.Block) bool { return b.Kind == snapshots.Bullet },
}).Parse(`<!DOCTYPE html>
<html>
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
ins { background: #dafbe1; color: #116329; text-decoration: none; }
del { background: #ffebe9; color: #82071e; }
ul.blocks { margin: .25em 0 0 1.5em; padding-left: 1em; }
ul.blocks li.paragraph { list-style: none; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<dl class="sides">
<dt>From</dt><dd>{{.From}}</dd>
<dt>To</dt><dd>{{.To}}</dd>
</dl>
{{if .Dates}}<p class="dates">{{.Dates}}.</p>
{{end}}<p class="summary">{{.Summary}}</p>
{{range .Groups}}
<h2>{{.Where}}</h2>
{{range .Entries}}<div class="change {{.Kind}}">
<span class="kind">{{.Label}}</span>{{if or .From .Note}} <span class="meta">({{if .From}}from {{.From}}{{end}}{{if and .From .Note}}; {{end}}{{.Note}})</span>{{end}}
{{if .Ops}}<p class="text">{{range .Ops}}{{if eq .Op "insert"}}<ins>{{.Text}}</ins>{{else if eq .Op "delete"}}<del>{{.Text}}</del>{{else}}{{.Text}}{{end}}{{end}}</p>
{{end}}{{if .Removed}}<ul class="blocks">{{range .Removed}}<li{{if not (bullet .)}} class="paragraph"{{end}}><del>{{.Text}}</del></li>{{end}}</ul>
{{end}}{{if .Added}}<ul class="blocks">{{range .Added}}<li{{if not (bullet .)}} class="paragraph"{{end}}><ins>{{.Text}}</ins></li>{{end}}</ul>
{{end}}</div>
{{end}}{{end}}</body>
</html>
`))
