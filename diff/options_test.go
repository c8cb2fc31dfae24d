package diff

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
)

// waybackReport is a report whose old side came from the Wayback Machine
// and whose new side was imported from a file.
func waybackReport(t *testing.T) Report {
	r := reportFor(t, "bullet-added-removed")
	r.FromSource = Source{Source: relwatch.SourceWayback, OriginalURL: "http://www.nato.int/cps/fr/natohq/topics_49598.htm", Origin: "https://web.archive.org/web/20261101060000id_/http://www.nato.int/cps/fr/natohq/topics_49598.htm"}
	r.ToSource = Source{Source: relwatch.SourceImport, Origin: "saved/kazakhstan-fr.html"}
	return r
}

func render(t *testing.T, format string, r Report, opts RenderOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, format, r, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestEveryFormatSaysWhereBothSidesCameFrom(t *testing.T) {
	r := waybackReport(t)
	for _, format := range []string{"text", "markdown", "html"} {
		out := render(t, format, r, RenderOptions{})
		if format == "markdown" {
			out = strings.ReplaceAll(out, `\`, "") // escaped URLs
		}
		for _, want := range []string{
			"Version 1: from the Wayback Machine capture of 2026-11-01 (http://www.nato.int/cps/fr/natohq/topics_49598.htm)",
			"Version 2: imported from saved/kazakhstan-fr.html (dated 2026-11-28)",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", format, want, out)
			}
		}
	}
	live := render(t, "text", reportFor(t, "bullet-added-removed"), RenderOptions{})
	if strings.Contains(live, "Version 1:") {
		t.Errorf("a live check got a provenance line:\n%s", live)
	}
}

// The JSON is one shape whoever renders it: both sources always present.
func TestJSONSources(t *testing.T) {
	var got struct {
		FromSource map[string]string `json:"from_source"`
		ToSource   map[string]string `json:"to_source"`
	}
	if err := json.Unmarshal([]byte(render(t, "json", reportFor(t, "stamp-only"), RenderOptions{})), &got); err != nil {
		t.Fatal(err)
	}
	if got.FromSource["source"] != relwatch.SourceLive || got.ToSource["source"] != relwatch.SourceLive || len(got.FromSource) != 1 {
		t.Errorf("live sides: %v %v", got.FromSource, got.ToSource)
	}
	if err := json.Unmarshal([]byte(render(t, "json", waybackReport(t), RenderOptions{})), &got); err != nil {
		t.Fatal(err)
	}
	if got.FromSource["source"] != relwatch.SourceWayback || got.FromSource["original_url"] == "" || got.ToSource["origin"] != "saved/kazakhstan-fr.html" {
		t.Errorf("wayback and import sides: %v %v", got.FromSource, got.ToSource)
	}
}

func TestHeadingLevel(t *testing.T) {
	r := reportFor(t, "bullet-added-removed")
	headings := func(md string) []string {
		var hs []string
		for _, l := range strings.Split(md, "\n") {
			if strings.HasPrefix(l, "#") {
				hs = append(hs, l[:strings.IndexByte(l, ' ')])
			}
		}
		return hs
	}
	if got := headings(render(t, "markdown", r, RenderOptions{})); !slices.Equal(got, []string{"#", "##", "##", "##"}) {
		t.Errorf("default levels %v", got)
	}
	if got := headings(render(t, "markdown", r, RenderOptions{HeadingLevel: 3})); !slices.Equal(got, []string{"###", "####", "####", "####"}) {
		t.Errorf("nested under a level-2 heading: %v", got)
	}
	if got := headings(render(t, "markdown", r, RenderOptions{HeadingLevel: 9})); !slices.Equal(got, []string{"#####", "######", "######", "######"}) {
		t.Errorf("levels past 6: %v", got)
	}
}

func TestStampZoneLabel(t *testing.T) {
	r := reportFor(t, "stamp-only")
	for _, format := range []string{"text", "markdown", "html"} {
		if out := render(t, format, r, RenderOptions{}); strings.Contains(out, "Brussels") {
			t.Errorf("%s names a zone nobody gave it", format)
		}
		out := render(t, format, r, RenderOptions{StampZone: "Bruxelles"})
		out = strings.ReplaceAll(out, "</span>", "") // the stamp is marked up as page text in HTML
		if !strings.Contains(out, "15:32 (Bruxelles)") {
			t.Errorf("%s lacks the zone label:\n%s", format, out)
		}
	}
}

func TestHTMLFragment(t *testing.T) {
	out := render(t, "html", reportFor(t, "reworded-bullet"), RenderOptions{Fragment: true})
	for _, bad := range []string{"<!DOCTYPE", "<html", "<head", "<style", "<body", "</html>"} {
		if strings.Contains(out, bad) {
			t.Errorf("fragment holds %s", bad)
		}
	}
	if !strings.HasPrefix(out, `<div class="relwatch-report" lang="en">`+"\n<h1>") || !strings.HasSuffix(out, "</div>\n") || !strings.Contains(out, "<ins>") {
		t.Errorf("fragment:\n%s", out)
	}
}

func TestHTMLMarksTextWithoutColour(t *testing.T) {
	out := render(t, "html", reportFor(t, "reworded-bullet"), RenderOptions{})
	for _, want := range []string{
		`<html lang="en">`, `<p class="text" lang="fr">`, `<h2 lang="fr">`, `stamp <span class="stamp" lang="fr">27 Nov. 2026 15:32</span>`,
		"text-decoration: underline", "text-decoration: line-through", `content: " [deletion start] "`,
		// a deletion and the insertion replacing it read apart
		"<del>des exercices militaires annuels appelés</del> <ins>l’exercice militaire annuel</ins>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %s", want)
		}
	}
}

// A place gets one heading even when its changes are not listed together,
// and an added or removed section names itself.
func TestOneHeadingPerPlace(t *testing.T) {
	r := Report{Result: Result{Changes: []Change{
		{Kind: BlockAdded, NewKind: "bullet", New: "a"},
		{Kind: SectionRemoved, OldPath: []string{"Plans"}, Old: "Plans"},
		{Kind: BlockRemoved, OldKind: "bullet", Old: "b"},
	}}}
	for _, format := range []string{"markdown", "html"} {
		out := render(t, format, r, RenderOptions{})
		if n := strings.Count(out, "Top of page"); n != 1 {
			t.Errorf("%s: %d headings for the top of the page:\n%s", format, n, out)
		}
		if !strings.Contains(out, "Plans</del>") && !strings.Contains(out, "~~Plans~~") {
			t.Errorf("%s: the removed section does not say which it was:\n%s", format, out)
		}
	}
}
