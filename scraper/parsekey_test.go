package scraper

import "testing"

func TestParseKeyChangesWithEveryInput(t *testing.T) {
	body, ct, u := "sha256:0a", "text/html", "https://example.org/p"
	base := ParseKey(body, ct, u, ParseOptions{})
	if ParseKey(body, ct, u, ParseOptions{}) != base {
		t.Fatal("same inputs, different keys")
	}
	for name, key := range map[string]string{
		"body":         ParseKey("sha256:0b", ct, u, ParseOptions{}),
		"content type": ParseKey(body, "text/html; charset=windows-1252", u, ParseOptions{}),
		"URL":          ParseKey(body, ct, u+"?selectedLocale=fr", ParseOptions{}),
		"content":      ParseKey(body, ct, u, ParseOptions{Content: "main"}),
		"exclude":      ParseKey(body, ct, u, ParseOptions{Exclude: ".share"}),
	} {
		if key == base {
			t.Errorf("another %s gives the same key", name)
		}
	}
	// Field boundaries count: the same text in another field is another key.
	if ParseKey(body, ct, u, ParseOptions{Content: "a"}) == ParseKey(body, ct, u, ParseOptions{Exclude: "a"}) {
		t.Error("content \"a\" and exclude \"a\" give the same key")
	}
}
