package diff

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/relwatch/relwatch/snapshots"
)

const (
	scriptText = "<script>alert(1)</script>"
	attrText   = `" onmouseover="alert(2)`
)

// hostilePair puts markup in every kind of page text a report prints.
func hostilePair() (old, new snapshots.Snapshot) {
	old = page2022()
	new = page2022()
	new.Title = scriptText
	new.UpdatedRaw = attrText
	new.Lead = old.Lead + " " + scriptText
	new.Captions = []string{attrText + scriptText}
	new.Sections[1].Sections[0].Heading = `<img src=x onerror="alert(3)">` + attrText
	new.Sections[1].Sections[0].Blocks[0].Text += attrText
	new.Sections = append(new.Sections, snapshots.Section{Heading: scriptText, Level: 2,
		Blocks: bullets(scriptText, attrText)})
	return old, new
}

func TestHTMLEscapesPageText(t *testing.T) {
	old, new := hostilePair()
	r := NewReport("<b>kazakhstan</b>/fr", old, new)
	var buf bytes.Buffer
	if err := Render(&buf, "html", r, RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "img", "iframe", "object", "embed", "link", "b":
				t.Errorf("page text became a <%s> element", n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					t.Errorf("<%s> has an event handler attribute %s=%q", n.Data, a.Key, a.Val)
				}
			}
		}
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, want := range []string{scriptText, attrText} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the report does not show %q as text", want)
		}
	}
	if !strings.Contains(buf.String(), `content="default-src 'none'; style-src 'unsafe-inline'"`) {
		t.Error("no strict Content-Security-Policy")
	}
}

func TestMarkdownEscapesPageText(t *testing.T) {
	old, new := hostilePair()
	new.Sections[0].Blocks[0].Text = "Voir [ici](https://evil.example) ou https://evil.example, www.evil.example, a@evil.example, **gras**, `code`, $x$ & <b>"
	var buf bytes.Buffer
	if err := Render(&buf, "markdown", NewReport("p", old, new), RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script", "<img", "<b>", "](https", "https://", "www.evil", "a@", "**gras", "`code", "$x$", " & "} {
		if unescaped(out, bad) {
			t.Errorf("page text %q reached the Markdown unescaped", bad)
		}
	}
}

// unescaped reports whether s holds sub not preceded by a backslash.
func unescaped(s, sub string) bool {
	for i := 0; ; {
		k := strings.Index(s[i:], sub)
		if k < 0 {
			return false
		}
		if i+k == 0 || s[i+k-1] != '\\' {
			return true
		}
		i += k + 1
	}
}

func TestTextStripsControlCharacters(t *testing.T) {
	old := page2022()
	new := page2022()
	new.Lead = "\x1b[31mrouge\x1b[0m"
	var buf bytes.Buffer
	if err := Render(&buf, "text", NewReport("p", old, new), RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b") {
		t.Fatal("an escape sequence from the page reached the terminal")
	}
	buf.Reset()
	if err := Render(&buf, "text", NewReport("p", old, new), RenderOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), ansiGreen) || strings.Contains(buf.String(), "\x1b[31mrouge") {
		t.Fatalf("colour output wrong:\n%q", buf.String())
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	err := Render(&bytes.Buffer{}, "pdf", Report{}, RenderOptions{})
	if err == nil || !strings.Contains(err.Error(), "text, markdown, html, json") {
		t.Fatalf("error %v does not name the formats", err)
	}
}

func TestEmptyReportSaysNoChanges(t *testing.T) {
	r := NewReport("kazakhstan/fr", page2022(), page2022())
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := Render(&buf, format, r, RenderOptions{}); err != nil {
			t.Fatal(err)
		}
		want := "No changes."
		if format == "json" {
			want = `"changes": []`
		}
		if !strings.Contains(buf.String(), want) {
			t.Errorf("%s rendering of an empty result lacks %q", format, want)
		}
	}
}

func TestDatesLine(t *testing.T) {
	r := Report{To: Side{UpdatedRaw: "27 Nov. 2026 15:32", UpdatedAt: "2026-11-27T14:32:00Z"},
		WindowStart: at("2026-11-27T06:00:00Z"), WindowEnd: at("2026-11-28T06:00:00Z")}
	want := "changed between 2026-11-27 06:00 and 2026-11-28 06:00 UTC; page stamp 27 Nov. 2026 15:32 (Brussels)"
	if got := datesLine(r, "Brussels"); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if got, want := datesLine(r, ""), strings.TrimSuffix(want, " (Brussels)"); got != want {
		t.Fatalf("no zone: got  %q\nwant %q", got, want)
	}
	r.WindowStart, r.To.UpdatedAt = nil, ""
	if got, want := datesLine(r, "Brussels"), "changed by 2026-11-28 06:00 UTC; page stamp 27 Nov. 2026 15:32"; got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if got := datesLine(Report{}, "Brussels"); got != "" {
		t.Fatalf("nothing known gives %q", got)
	}
}
