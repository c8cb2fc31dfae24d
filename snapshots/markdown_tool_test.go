package snapshots

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestMarkdownRendersOnGitHub renders a snapshot's Markdown with GitHub's
// cmark-gfm (Debian: apt-get install cmark-gfm; skipped without it): page
// text shows as written, with no stray backslash, and a URL in page text is
// not turned into a link. (An e-mail address still is: cmark-gfm links it
// whatever is escaped, and a mailto: link is harmless.)
func TestMarkdownRendersOnGitHub(t *testing.T) {
	cmark, err := exec.LookPath("cmark-gfm")
	if err != nil {
		t.Skip("cmark-gfm not installed")
	}
	texts := []string{"1. Premier point", "2) deuxième", "- un tiret", "+ plus", "# dièse", "> cité", "= égal",
		"Voir https://evil.example/x_y et www.evil.example, a@evil.example, *gras*, $x$ & <b>"}
	s := Snapshot{Page: "kazakhstan/fr", Version: 1, Title: "1. Titre", URL: "https://www.nato.int/cps/fr/natohq/topics_49598.htm",
		Sections: []Section{{Blocks: []Block{{Kind: Paragraph, Text: texts[0]}}}}}
	for _, tx := range texts {
		s.Sections[0].Blocks = append(s.Sections[0].Blocks, Block{Kind: Bullet, Text: tx}, Block{Kind: Paragraph, Text: tx})
	}
	s.Sections = append(s.Sections, Section{Heading: "3. Trois", Level: 2, Blocks: []Block{{Kind: Bullet, Text: texts[0]}}})
	var md bytes.Buffer
	if err := WriteMarkdown(&md, s); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(cmark, "--extension", "strikethrough", "--extension", "autolink", "--extension", "table")
	cmd.Stdin = &md
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "a":
				if len(n.Attr) == 0 || n.Attr[0].Val != s.URL && !strings.HasPrefix(n.Attr[0].Val, "mailto:") {
					t.Errorf("page text became a link: %v", n.Attr)
				}
			case "ol", "em", "strong", "hr", "h3", "h4", "h5", "h6":
				t.Errorf("page text became <%s>", n.Data)
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
	if strings.Contains(text.String(), `\`) {
		t.Errorf("a backslash shows:\n%s", out)
	}
	for _, tx := range append(texts, "1. Titre", "3. Trois") {
		if !strings.Contains(text.String(), tx) {
			t.Errorf("%q does not show as written:\n%s", tx, out)
		}
	}
}
