package diff

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// These tests check the Markdown and HTML with the tools readers' sites
// use: GitHub's cmark-gfm and HTML Tidy (Debian: apt-get install
// cmark-gfm tidy). They skip when the tool is not installed.

func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed", name)
	}
	return path
}

// renderReports is every report the tool tests check: the golden pairs,
// hostile page text, and insertions that start with punctuation right
// after a deletion.
func renderReports(t *testing.T) map[string]Report {
	reports := map[string]Report{}
	for _, c := range pairCases() {
		reports[c.name] = reportFor(t, c.name)
	}
	old, new := hostilePair()
	reports["hostile"] = NewReport("p", old, new)
	old, new = page2022(), page2022()
	old.Lead = "Le Kazakhstan participe pleinement au PPP depuis 1995."
	new.Lead = "Le Kazakhstan participe (activement) au PPP depuis 1995, avec « ses » forces."
	new.Sections[0].Blocks[0].Text = "1. Premier point : voir https://www.nato.int/ et www.nato.int."
	reports["punctuation"] = NewReport("kazakhstan/fr", old, new)
	reports["wayback"] = waybackReport(t)
	return reports
}

// textOf is the text a browser would show for an HTML fragment.
func textOf(t *testing.T, fragment []byte) string {
	doc, err := html.Parse(bytes.NewReader(fragment))
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			t.Errorf("page text became a link: %s", n.Attr)
		}
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return sb.String()
}

func TestMarkdownRendersOnGitHub(t *testing.T) {
	cmark := tool(t, "cmark-gfm")
	for name, r := range renderReports(t) {
		for _, level := range []int{1, 3} {
			md := render(t, "markdown", r, RenderOptions{HeadingLevel: level, StampZone: "Brussels"})
			// GitHub keeps <ins> and <del>: --unsafe lets them through.
			cmd := exec.Command(cmark, "--unsafe", "--extension", "strikethrough", "--extension", "table", "--extension", "autolink")
			cmd.Stdin = strings.NewReader(md)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: cmark-gfm: %v", name, err)
			}
			text := textOf(t, out)
			for _, marker := range []string{"**", "~~", `\`, "<ins>", "<del>", "&lt;ins", "&lt;del"} {
				if strings.Contains(text, marker) {
					t.Errorf("%s (level %d): %q shows as text on GitHub:\n%s", name, level, marker, out)
				}
			}
			if strings.Count(string(out), "<h") == 0 || !strings.Contains(string(out), "<table>") {
				t.Errorf("%s: no headings or no table:\n%s", name, out)
			}
		}
	}
}

func TestHTMLPassesTidy(t *testing.T) {
	tidy := tool(t, "tidy")
	for name, r := range renderReports(t) {
		cmd := exec.Command(tidy, "-q", "-e", "-utf8", "--show-warnings", "yes")
		cmd.Stdin = strings.NewReader(render(t, "html", r, RenderOptions{StampZone: "Brussels"}))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("%s: tidy: %v\n%s", name, err, stderr.String())
		}
	}
}
