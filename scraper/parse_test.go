package scraper

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/relwatch/relwatch/snapshots"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the parser's current output")

// fixture is one page under testdata/pages and how it was served.
type fixture struct {
	name        string // file name without .html; the golden file has the same name
	url         string
	contentType string
	errKind     string // expected ParseError kind; "" for a page
}

const (
	oldEN    = "https://www.nato.int/cps/en/natohq/topics_49598.htm"
	oldFR    = "https://www.nato.int/cps/en/natohq/topics_49598.htm?selectedLocale=fr"
	newEN    = "https://www.nato.int/en/what-we-do/partnerships-and-cooperation/relations-with-kazakhstan"
	newFR    = "https://www.nato.int/fr/what-we-do/partnerships-and-cooperation/relations-with-kazakhstan"
	htmlUTF8 = "text/html; charset=UTF-8"
)

var fixtures = []fixture{
	{"layout1-2010-en", "https://www.nato.int/cps/en/natolive/topics_49598.htm", "text/html", ""},
	// A French page under /cps/en/ with a session id: the stamp label wins.
	{"layout1-2010-fr", "https://www.nato.int/cps/en/SID-8A6FF285-56EC9BFE/natolive/topics_49598.htm?", "text/html", ""},
	{"layout2-2012-en", "https://www.nato.int/cps/en/natolive/topics_49598.htm?", htmlUTF8, ""},
	{"layout2-2012-fr", "https://www.nato.int/cps/fr/natolive/topics_49598.htm", htmlUTF8, ""},
	{"layout3-2017-en", oldEN, htmlUTF8, ""},
	{"layout3-2017-fr", "https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=fr&", htmlUTF8, ""},
	{"layout3-2018-en-nohighlights", oldEN, htmlUTF8, ""},
	{"layout4-2022-en", oldEN, htmlUTF8, ""},
	{"layout4-2022-en-wayback", "https://web.archive.org/web/20220602101245/https://www.nato.int/cps/en/natohq/topics_49598.htm", "text/html", ""},
	{"layout4-2022-fr", oldFR, htmlUTF8, ""},
	// The 2022 English text in the 2025 site's chrome and markup.
	{"layout4-2022-en-newchrome", newEN, htmlUTF8, ""},
	{"layout5-2025-en", newEN, htmlUTF8, ""},
	{"layout5-2025-fr", newFR, htmlUTF8, ""},
	// The 2025 English page with the site logo marked up as an h1 in the
	// header, before the title's h1.
	{"layout5-2025-en-logoh1", newEN, htmlUTF8, ""},
	{"malformed-2013-en", "https://www.nato.int/cps/en/natolive/topics_49598.htm", "", ""},
	// windows-1252 declared only in <meta>; the header has no charset.
	{"win1252-meta", "https://www.nato.int/cps/fr/natolive/topics_49598.htm", "text/html", ""},
	{"maintenance-200", oldEN, htmlUTF8, ErrKindNoContent},
	{"error-page-200", oldEN, htmlUTF8, ErrKindNoContent},
	{"deep-600", oldEN, htmlUTF8, ErrKindMalformed},
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pages", name+".html"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFixture(t testing.TB, name string) Parsed {
	t.Helper()
	for _, f := range fixtures {
		if f.name == name {
			p, err := Parse(readFixture(t, name), f.contentType, f.url, ParseOptions{})
			if err != nil {
				t.Fatalf("Parse(%s): %v", name, err)
			}
			return p
		}
	}
	t.Fatalf("no fixture %q", name)
	return Parsed{}
}

// TestGolden parses every fixture and compares the snapshot with
// testdata/golden/<name>.json. Run `go test ./scraper -update` to rewrite
// the golden files, then read the diff: they must be right, not just stable.
func TestGolden(t *testing.T) {
	for _, f := range fixtures {
		t.Run(f.name, func(t *testing.T) {
			raw := readFixture(t, f.name)
			p, err := Parse(raw, f.contentType, f.url, ParseOptions{})
			if f.errKind != "" {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Kind != f.errKind {
					t.Fatalf("got %v (snapshot %q), want a %s ParseError", err, p.Snapshot.Title, f.errKind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !p.Snapshot.VerifyHash() {
				t.Error("snapshot is not sealed")
			}
			got := snapshots.MarshalIndent(p.Snapshot)
			golden := filepath.Join("testdata", "golden", f.name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./scraper -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("snapshot differs from %s (run go test ./scraper -update and review the diff)\ngot:\n%s", golden, got)
			}
			// Same bytes, same snapshot, to the byte.
			p2, _ := Parse(raw, f.contentType, f.url, ParseOptions{})
			if !bytes.Equal(snapshots.Marshal(p.Snapshot), snapshots.Marshal(p2.Snapshot)) {
				t.Error("two parses of the same bytes differ")
			}
		})
	}
}

// allText is every string of the snapshot's content, for "must not
// contain" checks.
func allText(s snapshots.Snapshot) string {
	parts := []string{s.Title, string(s.UpdatedRaw), s.Lead}
	parts = append(parts, s.Captions...)
	snapshots.Walk(s.Sections, func(_ []string, sec *snapshots.Section) {
		parts = append(parts, sec.Heading)
		for _, b := range sec.Blocks {
			parts = append(parts, b.Text)
		}
	})
	return strings.Join(parts, "\n")
}

// TestChromeStaysOut checks, on every page fixture, that no menu, language
// switcher, share link, related box, footer, script or sign-up text made it
// into the snapshot.
func TestChromeStaysOut(t *testing.T) {
	banned := []string{
		"Skip to main", "Topics A-Z", "Facebook", "Twitter", "LinkedIn", "E-mail", "Print", "Imprimer",
		"Related", "Sur le même sujet", "Actualités liées", "Contenus associés", "Learn more about",
		"©", "All rights reserved", "Top of page", "Français", "Русский", "Українська",
		"Injected heading", "01 Jan. 2001", "relwatchTrap", "csrfToken", "_gaq", "{",
		"Wayback", "captures", "Log in", "Search",
		"MULTIMEDIA", "MULTIMÉDIA", "password", "passe", "Newsletter", "newsletter", "Lettre d'information",
		"12 characters", "12 caractères", "Create an account", "Créer un compte",
		"Secretary General meets partners", "An overview of", "NATO OTAN logo", "icon",
	}
	for _, f := range fixtures {
		if f.errKind != "" {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			text := allText(parseFixture(t, f.name).Snapshot)
			for _, b := range banned {
				if strings.Contains(text, b) {
					t.Errorf("snapshot contains chrome text %q", b)
				}
			}
		})
	}
}

func TestLayouts(t *testing.T) {
	tests := []struct {
		name, title, raw, on, at, lang string
		leadPrefix                     string
		headings                       []string // every heading, depth first
		captions                       int
		warnings                       int
	}{
		{"layout1-2010-en", "NATO's relations with Kazakhstan", "", "", "", "en",
			"NATO and Kazakhstan actively cooperate",
			[]string{"", "Framework for cooperation", "Key areas of cooperation", "Security cooperation", "Defence and security sector reform", "Civil emergency planning", "Science and environment", "Public information"}, 0, 0},
		{"layout1-2010-fr", "Les relations de l'OTAN avec le Kazakhstan", "26-Aug-2010 11:12", "2010-08-26", "2010-08-26T09:12:00Z", "fr",
			"L’OTAN et le Kazakhstan coopèrent",
			[]string{"", "Cadre de la coopération", "Principaux domaines de coopération", "Coopération en matière de sécurité", "Réforme du secteur de la défense et de la sécurité", "Plans civils d’urgence", "Science et environnement"}, 0, 1},
		{"layout2-2012-en", "NATO's relations with Kazakhstan", "02-Mar-2012 15:38", "2012-03-02", "2012-03-02T14:38:00Z", "en",
			"NATO and Kazakhstan actively cooperate",
			[]string{"Framework for cooperation", "Key areas of cooperation", "Security cooperation", "Defence and security sector reform", "Civil emergency planning", "Science and environment", "Evolution of relations"}, 1, 0},
		{"layout3-2017-en", "Relations with Kazakhstan", "20 Sep. 2017 16:22", "2017-09-20", "2017-09-20T14:22:00Z", "en",
			"NATO and Kazakhstan actively cooperate",
			[]string{"Highlights", "More background information", "Framework for cooperation", "Key areas of cooperation", "Security cooperation", "Defence and security sector reform", "Civil emergency planning", "Science and environment", "Evolution of relations"}, 1, 0},
		{"layout3-2017-fr", "Relations avec le Kazakhstan", "19 Oct. 2017 14:05", "2017-10-19", "2017-10-19T12:05:00Z", "fr",
			"L’OTAN et le Kazakhstan coopèrent",
			[]string{"", "Informations complémentaires", "Cadre de la coopération", "Principaux domaines de coopération", "Coopération en matière de sécurité", "Réforme du secteur de la défense et de la sécurité", "Science et environnement", "Évolution des relations"}, 1, 0},
		{"layout4-2022-fr", "Relations avec le Kazakhstan", "23 May. 2022 15:38", "2022-05-23", "2022-05-23T13:38:00Z", "fr",
			"L’OTAN et le Kazakhstan coopèrent activement",
			[]string{"", "Principaux domaines de coopération", "Renforcement des capacités et de l’interopérabilité", "Autres domaines de coopération"}, 1, 0},
		{"layout4-2022-en", "Relations with Kazakhstan", "23 May. 2022 15:32", "2022-05-23", "2022-05-23T13:32:00Z", "en",
			"NATO and Kazakhstan actively cooperate",
			[]string{"", "Key areas of cooperation", "Building capabilities and interoperability", "Other areas of cooperation"}, 1, 0},
		{"layout5-2025-en", "Relations with Kazakhstan", "09 May 2025", "2025-05-09", "", "en",
			"NATO and Kazakhstan actively cooperate",
			[]string{"", "Political dialogue", "Key areas of cooperation", "Building capabilities and interoperability", "Other areas of cooperation"}, 1, 0},
		{"layout5-2025-fr", "Relations avec le Kazakhstan", "09 mai 2025", "2025-05-09", "", "fr",
			"L’OTAN et le Kazakhstan coopèrent activement",
			[]string{"", "Dialogue politique", "Principaux domaines de coopération", "Renforcement des capacités et de l’interopérabilité", "Autres domaines de coopération"}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseFixture(t, tt.name)
			s := p.Snapshot
			if s.Title != tt.title {
				t.Errorf("title %q, want %q", s.Title, tt.title)
			}
			if string(s.UpdatedRaw) != tt.raw || string(s.UpdatedOn) != tt.on || string(s.UpdatedAt) != tt.at {
				t.Errorf("stamp %q/%q/%q, want %q/%q/%q", s.UpdatedRaw, s.UpdatedOn, s.UpdatedAt, tt.raw, tt.on, tt.at)
			}
			if s.Lang != tt.lang {
				t.Errorf("lang %q, want %q", s.Lang, tt.lang)
			}
			if !strings.HasPrefix(s.Lead, tt.leadPrefix) {
				t.Errorf("lead %q, want it to start with %q", s.Lead, tt.leadPrefix)
			}
			var headings []string
			snapshots.Walk(s.Sections, func(_ []string, sec *snapshots.Section) { headings = append(headings, sec.Heading) })
			if !slices.Equal(headings, tt.headings) {
				t.Errorf("headings\n got %q\nwant %q", headings, tt.headings)
			}
			if len(s.Captions) != tt.captions {
				t.Errorf("captions %q, want %d", s.Captions, tt.captions)
			}
			if len(p.Warnings) != tt.warnings {
				t.Errorf("warnings %q, want %d", p.Warnings, tt.warnings)
			}
			if p.Charset != "utf-8" {
				t.Errorf("charset %q", p.Charset)
			}
			if s.FinalURL == "" || s.CanonicalURL == "" || s.ParserVersion != ParserVersion || s.Page != "" || s.URL != "" {
				t.Errorf("metadata: final %q canonical %q version %d page %q url %q", s.FinalURL, s.CanonicalURL, s.ParserVersion, s.Page, s.URL)
			}
			// The lead, the stamp and the captions are not repeated in the sections.
			snapshots.Walk(s.Sections, func(_ []string, sec *snapshots.Section) {
				for _, b := range sec.Blocks {
					if b.Text == s.Lead || slices.Contains(s.Captions, b.Text) || strings.Contains(b.Text, string(s.UpdatedRaw)) && s.UpdatedRaw != "" {
						t.Errorf("section %q repeats %q", sec.Heading, b.Text)
					}
					if b.Text == "" {
						t.Errorf("section %q has an empty block", sec.Heading)
					}
				}
			})
		})
	}
}

// TestSeedText checks the 2022 French fixture against the real page text:
// the four highlight bullets, the intro line, five and three theme bullets.
func TestSeedText(t *testing.T) {
	s := parseFixture(t, "layout4-2022-fr").Snapshot
	if len(s.Sections) != 2 {
		t.Fatalf("got %d top-level sections, want 2", len(s.Sections))
	}
	hl := s.Sections[0]
	if hl.Level != 0 || hl.Heading != "" || len(hl.Blocks) != 4 || hl.Blocks[0].Kind != snapshots.Bullet {
		t.Fatalf("first section: %+v", hl)
	}
	key := s.Sections[1]
	if len(key.Blocks) != 1 || key.Blocks[0].Kind != snapshots.Paragraph || len(key.Sections) != 2 ||
		len(key.Sections[0].Blocks) != 5 || len(key.Sections[1].Blocks) != 3 {
		t.Fatalf("key areas: %+v", key)
	}
	// "&nbsp; En outre" in the source: one space, not two.
	if b := key.Sections[0].Blocks[2].Text; !strings.Contains(b, "Afghanistan. En outre, deux stages") {
		t.Errorf("KAZCENT bullet %q", b)
	}
	if s.Captions[0] != "Views of the Palace of Independence, Astana, Kazakhstan" {
		t.Errorf("caption %q", s.Captions)
	}
}

func TestSameContentDifferentChrome(t *testing.T) {
	a := parseFixture(t, "layout4-2022-en").Snapshot
	for _, other := range []string{"layout4-2022-en-wayback", "layout4-2022-en-newchrome"} {
		b := parseFixture(t, other).Snapshot
		if a.ContentHash != b.ContentHash {
			t.Errorf("%s: content hash differs from layout4-2022-en:\n%s\n%s", other, snapshots.Marshal(a), snapshots.Marshal(b))
		}
	}
}

// TestShareLinksAreChrome: every layout fixture carries share links with a
// per-request token, as the real pages do; a new token (the next request)
// gives the same snapshot, and the links never reach it.
func TestShareLinksAreChrome(t *testing.T) {
	token := regexp.MustCompile(`([?&](?:amp;)?rt=)[0-9a-f]+`)
	for _, f := range fixtures {
		if !strings.HasPrefix(f.name, "layout") {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			raw := readFixture(t, f.name)
			if n := len(token.FindAll(raw, -1)); n < 4 || !bytes.Contains(raw, []byte("facebook.com/sharer")) {
				t.Fatalf("%d share links with a token, want 4", n)
			}
			a := parseFixture(t, f.name).Snapshot
			p, err := Parse(token.ReplaceAll(raw, []byte("${1}0123456789abcdef01234567")), f.contentType, f.url, ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Snapshot.ContentHash != a.ContentHash {
				t.Errorf("another share token changes the snapshot:\n%s\n%s", snapshots.Marshal(a), snapshots.Marshal(p.Snapshot))
			}
			if text := allText(a); strings.Contains(text, "Facebook") || strings.Contains(text, "LinkedIn") {
				t.Errorf("share links in the snapshot:\n%s", text)
			}
		})
	}
}

// TestLogoH1: a site logo marked up as an h1 in the header is not the
// title; the page is the same as without it.
func TestLogoH1(t *testing.T) {
	if !bytes.Contains(readFixture(t, "layout5-2025-en-logoh1"), []byte(`<h1 class="cmp-header__title"><a href="/en/">`)) {
		t.Fatal("fixture lost its logo h1")
	}
	a := parseFixture(t, "layout5-2025-en").Snapshot
	b := parseFixture(t, "layout5-2025-en-logoh1").Snapshot
	if b.Title != "Relations with Kazakhstan" || a.ContentHash != b.ContentHash {
		t.Errorf("title %q; content hash differs from layout5-2025-en:\n%s\n%s", b.Title, snapshots.Marshal(a), snapshots.Marshal(b))
	}
}

func TestTitleChoice(t *testing.T) {
	const body = `<p>Lead.</p><h2>Key areas</h2><p>Body.</p>`
	tests := []struct{ name, page, title string }{
		{"logo h1 in a header", `<header><h1 class=logo><a href=/>NATO</a></h1></header><main><h1>Relations with Kazakhstan</h1>` + body + `</main>`, "Relations with Kazakhstan"},
		{"logo h1 in a brand div, link to the host root", `<div class=brand><h1><a href="https://www.nato.int/">NATO</a></h1></div><div><h1>Relations with Kazakhstan</h1>` + body + `</div>`, "Relations with Kazakhstan"},
		{"h1 linking to the home page, no main", `<div><h1><a href="/en/">NATO</a></h1></div><h1>Relations with Kazakhstan</h1>` + body, "Relations with Kazakhstan"},
		{"role=banner", `<div role=banner><h1>NATO OTAN</h1></div><div role=main><h1>Relations with Kazakhstan</h1>` + body + `</div>`, "Relations with Kazakhstan"},
		{"h1 in main preferred", `<div><h1>Partnerships</h1></div><main><h1>Relations with Kazakhstan</h1>` + body + `</main>`, "Relations with Kazakhstan"},
		{"article header holds the title", `<article><header><h1>Relations with Kazakhstan</h1></header>` + body + `</article>`, "Relations with Kazakhstan"},
		{"the only h1 is in the header", `<header><h1>Relations with Kazakhstan</h1></header>` + body, "Relations with Kazakhstan"},
		{"the only h1 links home", `<h1><a href="/">Relations with Kazakhstan</a></h1>` + body, "Relations with Kazakhstan"},
		{"a linked title that is not the home page", `<header><h1><a href=/>NATO</a></h1></header><h1><a href="/cps/en/natohq/topics_49598.htm">Relations with Kazakhstan</a></h1>` + body, "Relations with Kazakhstan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.page), "text/html", newEN, ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s := p.Snapshot
			if s.Title != tt.title || s.Lead != "Lead." || len(s.Sections) != 1 || s.Sections[0].Heading != "Key areas" {
				t.Errorf("%s", snapshots.Marshal(s))
			}
		})
	}
}

// TestHighlightsLabel: the "Highlights" heading present in one copy and
// absent in the next changes only that heading; the bullets are the same.
func TestHighlightsLabel(t *testing.T) {
	with := parseFixture(t, "layout3-2017-en").Snapshot
	without := parseFixture(t, "layout3-2018-en-nohighlights").Snapshot
	if with.Sections[0].Heading != "Highlights" || with.Sections[0].Level != 3 {
		t.Fatalf("with: first section %q level %d", with.Sections[0].Heading, with.Sections[0].Level)
	}
	if without.Sections[0].Heading != "" || without.Sections[0].Level != 0 {
		t.Fatalf("without: first section %q level %d", without.Sections[0].Heading, without.Sections[0].Level)
	}
	if !slices.Equal(with.Sections[0].Blocks, without.Sections[0].Blocks) {
		t.Error("highlight bullets differ")
	}
	// Everything else is identical.
	with.Sections[0].Heading, with.Sections[0].Level = "", 0
	with.UpdatedRaw, without.UpdatedRaw = "", ""
	with.Seal()
	without.Seal()
	if with.ContentHash != without.ContentHash {
		t.Error("the copies differ in more than the Highlights label")
	}
}

func TestMultimediaAccountIsChrome(t *testing.T) {
	for _, name := range []string{"layout5-2025-en", "layout5-2025-fr"} {
		raw := readFixture(t, name)
		for _, must := range []string{"MULTIMEDIA ACCOUNT", "MULTIMÉDIA DE L'OTAN"} {
			if bytes.Contains(raw, []byte(must)) {
				goto present
			}
		}
		t.Fatalf("%s: fixture lost its multimedia block", name)
	present:
		text := allText(parseFixture(t, name).Snapshot)
		for _, bad := range []string{"MULTIMEDIA", "MULTIMÉDIA", "multimedia account", "compte multimédia", "12 characters", "12 caractères", "uppercase", "majuscule", "Forgot", "oublié", "Subscribe", "Abonnez"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s: snapshot contains %q from the sign-up block", name, bad)
			}
		}
	}
}

func TestWindows1252Meta(t *testing.T) {
	p := parseFixture(t, "win1252-meta")
	if p.Charset != "windows-1252" {
		t.Errorf("charset %q, want windows-1252", p.Charset)
	}
	s := p.Snapshot
	if s.Title != "Les relations de l’OTAN avec le Kazakhstan" {
		t.Errorf("title %q", s.Title)
	}
	want := "L’OTAN et le Kazakhstan coopèrent activement pour la mise en œuvre de réformes démocratiques, institutionnelles et de défense – un partenariat « pratique » depuis 1995."
	if s.Lead != want {
		t.Errorf("lead\n got %q\nwant %q", s.Lead, want)
	}
	if s.Lang != "fr" || s.UpdatedOn != "2011-09-14" {
		t.Errorf("lang %q, stamp %q", s.Lang, s.UpdatedOn)
	}
	if !strings.Contains(allText(s), "Coût : 0 € pour les Alliés… ou presque.") {
		t.Errorf("euro sign or ellipsis lost: %s", allText(s))
	}
	// The encoding is declared, in the <meta>: nothing was guessed.
	if len(p.Warnings) != 0 {
		t.Errorf("warnings %q, want none", p.Warnings)
	}
}

// TestCharsetWarning: a body decoded as windows-1252 is warned about only
// when nothing declared that encoding: not the header, not a <meta>.
func TestCharsetWarning(t *testing.T) {
	const body = "<h1>R\xe9formes</h1><p>Caf\xe9 \x96 d\xe9but.</p><p>Suite.</p></body></html>"
	tests := []struct {
		name, head, contentType string
		warn                    bool
	}{
		{"meta charset", `<meta charset="windows-1252">`, "text/html", false},
		{"meta charset unquoted, upper case", `<META CHARSET=Windows-1252>`, "text/html", false},
		{"meta http-equiv", `<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`, "text/html", false},
		{"meta http-equiv, content first", `<meta content="text/html;charset='windows-1252'" http-equiv=content-type>`, "", false},
		{"header", "", "text/html; charset=windows-1252", false},
		{"nothing", "", "text/html", true},
		{"no content type at all", "", "", true},
		{"meta content without http-equiv", `<meta content="text/html; charset=windows-1252">`, "text/html", true},
		{"unknown meta charset", `<meta charset="x-bogus">`, "text/html", true},
		{"meta past the prescan", "<!--" + strings.Repeat("x", 1100) + `--><meta charset="windows-1252">`, "text/html", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte("<html><head>" + tt.head + "</head><body>" + body)
			p, err := Parse(raw, tt.contentType, oldFR, ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Charset != "windows-1252" || p.Snapshot.Title != "Réformes" || p.Snapshot.Lead != "Café – début." {
				t.Errorf("charset %q title %q lead %q", p.Charset, p.Snapshot.Title, p.Snapshot.Lead)
			}
			warned := slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.HasPrefix(w, "charset:") })
			if warned != tt.warn || len(p.Warnings) > 1 {
				t.Errorf("warnings %q, want a charset warning: %v", p.Warnings, tt.warn)
			}
		})
	}
}

func TestUndeclaredWindows1252(t *testing.T) {
	raw := []byte("<html><body><h1>R\xe9formes</h1><p>Caf\xe9 \x96 d\xe9but.</p><p>Suite.</p></body></html>")
	p, err := Parse(raw, "text/html", oldFR, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Charset != "windows-1252" || p.Snapshot.Title != "Réformes" || p.Snapshot.Lead != "Café – début." || len(p.Warnings) != 1 {
		t.Errorf("charset %q title %q lead %q warnings %q", p.Charset, p.Snapshot.Title, p.Snapshot.Lead, p.Warnings)
	}
}

func TestMalformed(t *testing.T) {
	s := parseFixture(t, "malformed-2013-en").Snapshot
	if s.Title != "NATO's relations with Kazakhstan" {
		t.Errorf("title %q: misnested <b><i> must not split or glue words", s.Title)
	}
	if s.UpdatedOn != "2013-06-11" {
		t.Errorf("stamp %q", s.UpdatedRaw)
	}
	text := allText(s)
	for _, want := range []string{
		"Since 2006, Kazakhstan has hosted the annual “Steppe Eagle” exercise together with NATO countries.",
		"The Defence Education Enhancement Programme (DEEP) for Kazakhstan began in 2007. It supports the National Defence University.",
		// The table is never closed, so the parser's repair puts the
		// related box in its last cell: the cells are walked as
		// containers and the box's links are dropped.
		"\nKAZCENT\nPartnership Training and Education Centre since 2010\nEADRCC\nExercise “ZHETYSU” near Almaty, 2009",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
}

func TestErrors(t *testing.T) {
	page := readFixture(t, "layout4-2022-en")
	tests := []struct {
		name        string
		raw         []byte
		contentType string
		kind        string
	}{
		{"pdf", []byte("%PDF-1.4 ..."), "application/pdf", ErrKindWrongType},
		{"json", []byte(`{"title":"x"}`), "application/json", ErrKindWrongType},
		{"text/plain that is text", []byte("Relations with Kazakhstan\n\nLast updated: 23 May. 2022"), "text/plain", ErrKindWrongType},
		{"text/plain that is HTML", page, "text/plain; charset=utf-8", ""},
		{"octet-stream that is HTML", page, "application/octet-stream", ""},
		{"no content type", page, "", ""},
		{"xhtml", page, "application/xhtml+xml", ""},
		{"empty body", nil, "text/html", ErrKindNoTitle},
		{"whitespace body", []byte(" \n\t "), "text/html", ErrKindNoTitle},
		{"text only in a script", []byte("<html><body><script>document.write('<h1>Title</h1><p>text</p>')</script></body></html>"), "text/html", ErrKindNoTitle},
		{"empty h1", []byte("<h1> &nbsp; </h1><p>text text</p>"), "text/html", ErrKindNoTitle},
		{"title only", []byte("<h1>Relations with Kazakhstan</h1><ul><li><a href=x>Home</a></li></ul>"), "text/html", ErrKindNoContent},
		{"deep nesting", []byte("<h1>T</h1>" + strings.Repeat("<div>", 600) + "<p>x</p>"), "text/html", ErrKindMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.raw, tt.contentType, oldEN, ParseOptions{})
			if tt.kind == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Kind != tt.kind {
				t.Fatalf("got %v, want a %s ParseError", err, tt.kind)
			}
			if !strings.HasPrefix(pe.Error(), strings.ReplaceAll(tt.kind, "_", " ")+": ") {
				t.Errorf("Error() = %q", pe.Error())
			}
		})
	}
}

// page wraps a body in a minimal page with a title, for the small cases.
func page(body string) []byte {
	return []byte("<!DOCTYPE html><html><body><h1>Title</h1>" + body + "</body></html>")
}

func parseBody(t *testing.T, body string) snapshots.Snapshot {
	t.Helper()
	p, err := Parse(page(body), "text/html", oldEN, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Snapshot
}

func TestInlineText(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"bold glued", "<ul><li><b>a</b>b</li></ul>", "ab"},
		{"br is a space", "<ul><li>a<br>b</li></ul>", "a b"},
		{"spans", "<ul><li><span>Kazakh</span><span>stan</span> and <em>NATO</em></li></ul>", "Kazakhstan and NATO"},
		{"nested list stays in the bullet", "<ul><li>Areas:<ul><li>one</li><li>two</li></ul></li></ul>", "Areas: one two"},
		{"bold label", "<ul><li><strong>Cyber defence:</strong> cooperation began.</li></ul>", "Cyber defence: cooperation began."},
		{"nbsp runs", "<ul><li>a&nbsp;&nbsp;b&#8203;c</li></ul>", "a bc"},
		{"link inside a sentence", "<ul><li>See the <a href=x>PfP</a> page.</li></ul>", "See the PfP page."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parseBody(t, "<p>Lead paragraph.</p>"+tt.body)
			if len(s.Sections) != 1 || len(s.Sections[0].Blocks) != 1 {
				t.Fatalf("sections %+v", s.Sections)
			}
			if got := s.Sections[0].Blocks[0]; got.Text != tt.want || got.Kind != snapshots.Bullet {
				t.Errorf("got %+v, want bullet %q", got, tt.want)
			}
		})
	}
}

func TestStructure(t *testing.T) {
	t.Run("empty paragraphs dropped", func(t *testing.T) {
		s := parseBody(t, "<p>&nbsp;</p><p> </p><p>Lead.</p><p>&#160;</p><p>Second.</p>")
		if s.Lead != "Lead." || len(s.Sections) != 1 || len(s.Sections[0].Blocks) != 1 {
			t.Errorf("%s", snapshots.Marshal(s))
		}
	})
	t.Run("headings nest by level", func(t *testing.T) {
		s := parseBody(t, "<p>Lead.</p><h2>A</h2><p>a</p><h3>A1</h3><p>a1</p><h5>A1x</h5><p>x</p><h3>A2</h3><p>a2</p><h2>B</h2><p>b</p>")
		var got []string
		snapshots.Walk(s.Sections, func(path []string, sec *snapshots.Section) { got = append(got, strings.Join(path, "/")) })
		want := []string{"A", "A/A1", "A/A1/A1x", "A/A2", "B"}
		if !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("accordion of titles is sections", func(t *testing.T) {
		s := parseBody(t, `<p>Lead.</p><ul><li><a href="#">One</a><div><p>first</p></div></li><li><span>Two</span><div><p>second</p><h5>Sub</h5><p>deep</p></div></li></ul>`)
		if len(s.Sections) != 2 || s.Sections[0].Heading != "One" || s.Sections[0].Level != 2 ||
			s.Sections[1].Heading != "Two" || s.Sections[1].Sections[0].Heading != "Sub" {
			t.Errorf("%s", snapshots.MarshalIndent(s))
		}
	})
	t.Run("accordion of linked headings", func(t *testing.T) {
		s := parseBody(t, `<p>Lead.</p><ul><li><a href="#a"><h3>One</h3></a><div><p>first</p></div></li><li><a href="#b"><h3>Two</h3></a><div><p>second</p></div></li></ul>`)
		if len(s.Sections) != 2 || s.Sections[0].Heading != "One" || s.Sections[0].Level != 3 || s.Sections[1].Blocks[0].Text != "second" {
			t.Errorf("%s", snapshots.MarshalIndent(s))
		}
	})
	t.Run("section header elements are content", func(t *testing.T) {
		s := parseBody(t, `<p>Lead.</p><section><header><h2>Key areas</h2></header><p>text</p></section>`)
		if len(s.Sections) != 1 || s.Sections[0].Heading != "Key areas" || len(s.Sections[0].Blocks) != 1 {
			t.Errorf("%s", snapshots.MarshalIndent(s))
		}
	})
	t.Run("title inside a header element", func(t *testing.T) {
		p, err := Parse([]byte(`<header class="site-header"><a href="/">NATO</a></header><article><header><h1>Relations</h1><p>Updated: 09 May 2025</p></header><p>Lead.</p><p>Body.</p></article><footer><p>© NATO</p></footer>`), "text/html", newEN, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if s := p.Snapshot; s.Title != "Relations" || s.UpdatedOn != "2025-05-09" || s.Lead != "Lead." || len(s.Sections) != 1 {
			t.Errorf("%s", snapshots.MarshalIndent(s))
		}
	})
	t.Run("details and summary", func(t *testing.T) {
		s := parseBody(t, `<p>Lead.</p><h2>More</h2><details><summary>Framework</summary><p>text</p></details>`)
		if len(s.Sections) != 1 || len(s.Sections[0].Sections) != 1 || s.Sections[0].Sections[0].Heading != "Framework" || s.Sections[0].Sections[0].Level != 3 {
			t.Errorf("%s", snapshots.MarshalIndent(s))
		}
	})
	t.Run("captions once, not repeated in the text", func(t *testing.T) {
		s := parseBody(t, `<p>Lead.</p><div><img alt="Palace of Independence, Astana"><p>Palace of Independence, Astana</p></div><figure><img alt="Palace of Independence, Astana"><figcaption>Palace of Independence, Astana</figcaption></figure><figure><figcaption>Second photo</figcaption></figure><p>Body.</p>`)
		if !slices.Equal(s.Captions, []string{"Palace of Independence, Astana", "Second photo"}) {
			t.Errorf("captions %q", s.Captions)
		}
		if len(s.Sections) != 1 || len(s.Sections[0].Blocks) != 1 || s.Sections[0].Blocks[0].Text != "Body." {
			t.Errorf("%s", snapshots.Marshal(s))
		}
	})
	t.Run("stamp in a meta list", func(t *testing.T) {
		s := parseBody(t, `<ul><li>Last updated: 23 May. 2022 15:32</li><li><a href="#">Print</a></li></ul><p>Lead.</p><p>Body.</p>`)
		if s.UpdatedRaw != "23 May. 2022 15:32" || s.Lead != "Lead." {
			t.Errorf("%s", snapshots.Marshal(s))
		}
	})
	t.Run("unparseable stamp is kept with a warning", func(t *testing.T) {
		p, err := Parse(page(`<p>Last updated: 31 Foo. 2022</p><p>Lead.</p><p>Body.</p>`), "text/html", oldEN, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Snapshot.UpdatedRaw != "31 Foo. 2022" || p.Snapshot.UpdatedOn != "" || p.Snapshot.UpdatedAt != "" || len(p.Warnings) != 1 {
			t.Errorf("%s %q", snapshots.Marshal(p.Snapshot), p.Warnings)
		}
	})
	t.Run("garbage stamp is kept with a warning, not taken as text", func(t *testing.T) {
		for _, body := range []string{
			`<p>Last updated: 99 Foo. 20222</p><p>Lead.</p><p>Body.</p>`,
			`<ul class="meta-list"><li>Last updated: 99 Foo. 20222</li><li><a href="#">Print</a></li></ul><p>Lead.</p><p>Body.</p>`,
			`<p>Lead.</p><ul><li>Mis à jour le: 99 Foo. 20222</li></ul><p>Body.</p>`,
		} {
			p, err := Parse(page(body), "text/html", oldEN, ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s := p.Snapshot
			if s.UpdatedRaw != "99 Foo. 20222" || s.UpdatedOn != "" || s.UpdatedAt != "" || s.Lead != "Lead." ||
				len(s.Sections) != 1 || len(s.Sections[0].Blocks) != 1 || s.Sections[0].Blocks[0].Text != "Body." {
				t.Errorf("%s", snapshots.Marshal(s))
			}
			if !slices.ContainsFunc(p.Warnings, func(w string) bool { return strings.Contains(w, `"99 Foo. 20222" not understood`) }) {
				t.Errorf("warnings %q", p.Warnings)
			}
		}
	})
	t.Run("stamp with a day of the week", func(t *testing.T) {
		p, err := Parse(page(`<p>Last updated: Monday 23 May 2022</p><p>Lead.</p><p>Body.</p>`), "text/html", oldEN, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if s := p.Snapshot; s.UpdatedRaw != "Monday 23 May 2022" || s.UpdatedOn != "2022-05-23" || s.UpdatedAt != "" || s.Lead != "Lead." || len(p.Warnings) != 0 {
			t.Errorf("%s %q", snapshots.Marshal(s), p.Warnings)
		}
	})
	t.Run("data table rows", func(t *testing.T) {
		s := parseBody(t, `<p>Lead.</p><table><tr><th>Year</th><th>Event</th></tr><tr><td>1992</td><td>NACC</td></tr><tr><td>1995</td><td><b>PfP</b></td></tr></table>`)
		want := []snapshots.Block{{Kind: "paragraph", Text: "Year Event"}, {Kind: "paragraph", Text: "1992 NACC"}, {Kind: "paragraph", Text: "1995 PfP"}}
		if len(s.Sections) != 1 || !slices.Equal(s.Sections[0].Blocks, want) {
			t.Errorf("%s", snapshots.Marshal(s))
		}
	})
	t.Run("layout table", func(t *testing.T) {
		s := parseBody(t, `<table><tr><td><p>Lead.</p><h2>A</h2><ul><li>x</li></ul></td><td><ul><li><a href="/">Menu</a></li></ul></td></tr></table>`)
		if s.Lead != "Lead." || len(s.Sections) != 1 || s.Sections[0].Heading != "A" || len(s.Sections[0].Blocks) != 1 {
			t.Errorf("%s", snapshots.Marshal(s))
		}
	})
}

func TestOptions(t *testing.T) {
	raw := readFixture(t, "layout4-2022-en")
	base, err := Parse(raw, "text/html", oldEN, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("content selector gives the same snapshot", func(t *testing.T) {
		p, err := Parse(raw, "text/html", oldEN, ParseOptions{Content: "section.content.cf"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Snapshot.ContentHash != base.Snapshot.ContentHash {
			t.Errorf("got\n%s\nwant\n%s", snapshots.Marshal(p.Snapshot), snapshots.Marshal(base.Snapshot))
		}
	})
	t.Run("exclude drops a section", func(t *testing.T) {
		p, err := Parse(raw, "text/html", oldEN, ParseOptions{Exclude: "figure, section.content > ul"})
		if err != nil {
			t.Fatal(err)
		}
		s := p.Snapshot
		if len(s.Captions) != 0 || s.Sections[0].Heading != "Key areas of cooperation" {
			t.Errorf("%s", snapshots.MarshalIndent(s))
		}
	})
	t.Run("content selector holding the title starts after it", func(t *testing.T) {
		p, err := Parse([]byte(`<div id="c"><p>Before the title.</p><h1>T</h1><p>Lead.</p><p>Body.</p></div><p>Outside.</p>`), "text/html", oldEN, ParseOptions{Content: "#c"})
		if err != nil {
			t.Fatal(err)
		}
		if s := p.Snapshot; s.Lead != "Lead." || len(s.Sections) != 1 || len(s.Sections[0].Blocks) != 1 {
			t.Errorf("%s", snapshots.Marshal(s))
		}
	})
	t.Run("content selector before the title", func(t *testing.T) {
		p, err := Parse([]byte(`<div id="c"><p>Lead.</p><p>Body.</p></div><h1>T</h1><p>Last updated: 23 May. 2022 15:32</p><p>Outside.</p>`), "text/html", oldEN, ParseOptions{Content: "#c"})
		if err != nil {
			t.Fatal(err)
		}
		if s := p.Snapshot; s.Title != "T" || s.Lead != "Lead." || s.UpdatedRaw != "23 May. 2022 15:32" || len(s.Sections) != 1 || len(s.Sections[0].Blocks) != 1 {
			t.Errorf("%s", snapshots.Marshal(s))
		}
	})
	t.Run("content selector matching nothing warns", func(t *testing.T) {
		p, err := Parse(raw, "text/html", oldEN, ParseOptions{Content: "#nope"})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Warnings) != 1 || p.Snapshot.ContentHash != base.Snapshot.ContentHash {
			t.Errorf("warnings %q", p.Warnings)
		}
	})
	t.Run("invalid selector is a plain error", func(t *testing.T) {
		_, err := Parse(raw, "text/html", oldEN, ParseOptions{Exclude: "div[["})
		var pe *ParseError
		if err == nil || errors.As(err, &pe) {
			t.Errorf("got %v", err)
		}
	})
}

func TestSuspect(t *testing.T) {
	full := parseFixture(t, "layout4-2022-en").Snapshot
	small := parseBody(t, "<p>Lead.</p><p>Body.</p>")
	if reason, ok := Suspect(full, small); !ok || !strings.Contains(reason, "shrank") {
		t.Errorf("Suspect(full, small) = %q, %v", reason, ok)
	}
	if _, ok := Suspect(full, full); ok {
		t.Error("Suspect(full, full)")
	}
	if _, ok := Suspect(small, full); ok {
		t.Error("growth is not suspect")
	}
	if _, ok := Suspect(snapshots.Snapshot{}, small); ok {
		t.Error("no previous text is not suspect")
	}
	// Exactly the 80% line: 100 → 20 is not more than 80%.
	a, b := snapshots.Snapshot{Title: strings.Repeat("a", 100)}, snapshots.Snapshot{Title: strings.Repeat("a", 20)}
	if _, ok := Suspect(a, b); ok {
		t.Error("a shrink of exactly 80% is not suspect")
	}
	b.Title = b.Title[:19]
	if _, ok := Suspect(a, b); !ok {
		t.Error("a shrink of 81% is suspect")
	}
}
