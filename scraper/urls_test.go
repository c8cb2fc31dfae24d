package scraper

import "testing"

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "https://www.nato.int/cps/en/natohq/topics_49598.htm", "https://www.nato.int/cps/en/natohq/topics_49598.htm"},
		{"session id", "https://www.nato.int/cps/en/SID-8A6FF285-56EC9BFE/natolive/topics_49598.htm", "https://www.nato.int/cps/en/natolive/topics_49598.htm"},
		{"lower-case session id", "https://www.nato.int/cps/fr/sid-8a6ff285-56ec9bfe/natohq/topics_49598.htm", "https://www.nato.int/cps/fr/natohq/topics_49598.htm"},
		{"trailing question mark", "https://www.nato.int/cps/en/natohq/topics_49598.htm?", "https://www.nato.int/cps/en/natohq/topics_49598.htm"},
		{"trailing ampersand", "https://www.nato.int/cps/en/natohq/topics_49598.htm?selectedLocale=fr&", "https://www.nato.int/cps/en/natohq/topics_49598.htm?selectedLocale=fr"},
		{"keeps selectedLocale", "https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=en", "https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=en"},
		{"all quirks", "HTTPS://WWW.NATO.INT/cps/en/SID-1A2B3C4D-5E6F7A8B/natolive/topics_49598.htm?selectedLocale=fr&?", "https://www.nato.int/cps/en/natolive/topics_49598.htm?selectedLocale=fr"},
		{"fragment dropped", "https://www.nato.int/cps/en/natohq/topics_49598.htm#top", "https://www.nato.int/cps/en/natohq/topics_49598.htm"},
		{"escapes kept", "https://www.nato.int/en/what-we-do/relations%2Dwith?x=a%20b", "https://www.nato.int/en/what-we-do/relations%2Dwith?x=a%20b"},
		{"a segment that only looks like one", "https://www.nato.int/cps/en/SIDEBAR/topics.htm", "https://www.nato.int/cps/en/SIDEBAR/topics.htm"},
		{"new site", "https://www.nato.int/fr/what-we-do/partnerships-and-cooperation/relations-with-kazakhstan", "https://www.nato.int/fr/what-we-do/partnerships-and-cooperation/relations-with-kazakhstan"},
		{"host only", "https://www.nato.int", "https://www.nato.int"},
		{"not a URL", "topics_49598.htm?", "topics_49598.htm"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanonicalURL(tt.in); got != tt.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := CanonicalURL(CanonicalURL(tt.in)); again != CanonicalURL(tt.in) {
				t.Errorf("not idempotent: %q", again)
			}
		})
	}
}

func TestURLLang(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"old english", "https://www.nato.int/cps/en/natohq/topics_49598.htm", "en"},
		{"old french", "https://www.nato.int/cps/fr/natohq/topics_49598.htm", "fr"},
		{"old russian", "https://www.nato.int/cps/ru/natolive/topics_49598.htm", "ru"},
		{"old ukrainian", "https://www.nato.int/cps/uk/natohq/topics_49598.htm", "uk"},
		{"selectedLocale overrides the path", "https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=en", "en"},
		{"selectedLocale french", "https://www.nato.int/cps/en/natohq/topics_49598.htm?selectedLocale=fr&", "fr"},
		{"selectedLocale region", "https://www.nato.int/cps/en/natohq/topics_49598.htm?selectedLocale=fr_FR", "fr"},
		{"first selectedLocale wins", "https://www.nato.int/cps/en/natohq/topics_49598.htm?selectedLocale=fr&selectedLocale=ru", "fr"},
		{"empty selectedLocale falls back", "https://www.nato.int/cps/ru/natohq/topics_49598.htm?selectedLocale=", "ru"},
		{"session id", "https://www.nato.int/cps/en/SID-8A6FF285-56EC9BFE/natolive/topics_49598.htm", "en"},
		{"new site", "https://www.nato.int/fr/what-we-do/partnerships-and-cooperation/relations-with-kazakhstan", "fr"},
		{"no language", "https://www.nato.int/what-we-do/relations", ""},
		{"three letters are not a new-site language", "https://www.nato.int/faq/index.html", ""},
		{"root", "https://www.nato.int/", ""},
		{"garbage", "::::", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := URLLang(tt.in); got != tt.want {
				t.Errorf("URLLang(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestLanguage covers how Parse settles the language: URL first, then
// <html lang>, and the stamp label when it disagrees.
func TestLanguage(t *testing.T) {
	body := func(htmlLang, stamp string) []byte {
		return []byte(`<html lang="` + htmlLang + `"><body><h1>Titre</h1><p>` + stamp + `</p><p>Premier paragraphe.</p><p>Second paragraphe.</p></body></html>`)
	}
	tests := []struct {
		name, url, htmlLang, stamp, want string
		warnings                         int
	}{
		{"url", "https://www.nato.int/cps/fr/natohq/topics_49598.htm", "en", "", "fr", 0},
		{"selectedLocale", "https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=en", "fr", "", "en", 0},
		{"html lang when the url says nothing", "https://example.org/page", "fr-BE", "", "fr", 0},
		{"nothing at all", "https://example.org/page", "", "", "", 0},
		{"stamp label agrees", "https://www.nato.int/cps/fr/natohq/topics_49598.htm", "fr", "Mis à jour le: 23 May. 2022 15:38", "fr", 0},
		{"french label under /cps/en/", "https://www.nato.int/cps/en/natohq/topics_49598.htm", "en", "Mis à jour le: 23 May. 2022 15:38", "fr", 1},
		{"russian label under /cps/en/", "https://www.nato.int/cps/en/natohq/topics_49598.htm", "en", "Последнее обновление: 23 May. 2022 15:40", "ru", 1},
		{"english label on a french page keeps french", "https://www.nato.int/fr/what-we-do/x", "fr", "Updated: 09 May 2025", "fr", 1},
		{"english label and english html under /cps/fr/", "https://www.nato.int/cps/fr/natohq/topics_49598.htm", "en", "Last updated: 23 May. 2022 15:32", "en", 1},
		{"label only", "https://example.org/page", "", "Mis à jour le: 23 May. 2022 15:38", "fr", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(body(tt.htmlLang, tt.stamp), "text/html", tt.url, ParseOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Snapshot.Lang != tt.want || len(p.Warnings) != tt.warnings {
				t.Errorf("lang %q warnings %q; want %q and %d warnings", p.Snapshot.Lang, p.Warnings, tt.want, tt.warnings)
			}
		})
	}
}
