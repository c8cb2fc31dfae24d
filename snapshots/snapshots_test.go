package snapshots

import (
	"strings"
	"testing"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"trims", "  a b  ", "a b"},
		{"folds runs", "a \t\n b", "a b"},
		{"non-breaking spaces", "a\u00a0\u00a0b\u202fc", "a b c"},
		{"lone nbsp is empty", "\u00a0", ""},
		{"NFC", "e\u0301t\u00e9", "\u00e9t\u00e9"},
		{"zero width dropped", "se\u200bcu\u00adrit\u00e9", "securit\u00e9"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"control characters dropped", "red\x1b[31m\u0085text\x00", "red[31m text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeText(tt.in); got != tt.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func sample() Snapshot {
	return Snapshot{
		Page: "kazakhstan/fr", Lang: "fr", URL: "https://example.org/a",
		Title:      "Relations avec le Kazakhstan",
		UpdatedRaw: "23 May. 2022 15:38",
		Lead:       "L’OTAN et le Kazakhstan coopèrent.",
		Sections: []Section{{Heading: "Principaux domaines", Level: 2,
			Blocks: []Block{{Kind: Bullet, Text: "Un <point>."}}}},
	}
}

func TestContentHashCoversContentOnly(t *testing.T) {
	a, b := sample(), sample()
	b.URL, b.FinalURL, b.Page = "https://mirror.example/b", "https://mirror.example/c", "other/en"
	a.Seal()
	b.Seal()
	if a.ContentHash != b.ContentHash {
		t.Fatalf("fetch metadata changed the hash: %s vs %s", a.ContentHash, b.ContentHash)
	}
	if !strings.HasPrefix(a.ContentHash, "sha256:") || len(a.ContentHash) != 7+64 {
		t.Fatalf("hash %q is not sha256:<64 hex>", a.ContentHash)
	}
	c := sample()
	c.Sections[0].Blocks[0].Text = "Un autre point."
	c.Seal()
	if c.ContentHash == a.ContentHash {
		t.Fatal("editing a bullet did not change the hash")
	}
	d := sample()
	d.UpdatedRaw = "24 May. 2022 09:00"
	d.Seal()
	if d.ContentHash == a.ContentHash {
		t.Fatal("moving the stamp did not change the hash")
	}
	if !a.VerifyHash() || !c.VerifyHash() {
		t.Fatal("VerifyHash disagrees with Seal")
	}
	a.Title = "changed"
	if a.VerifyHash() {
		t.Fatal("VerifyHash accepted a stale hash")
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	s := sample()
	s.Seal()
	data := Marshal(s)
	if !strings.Contains(string(data), `"updated_on":null`) || !strings.Contains(string(data), `"captions":[]`) {
		t.Fatalf("empty fields not encoded as the contract says: %s", data)
	}
	if !strings.Contains(string(data), "Un <point>.") {
		t.Fatalf("HTML escaped in canonical JSON: %s", data)
	}
	back, err := Unmarshal(MarshalIndent(s))
	if err != nil {
		t.Fatal(err)
	}
	if got := Marshal(back); string(got) != string(data) {
		t.Fatalf("round trip changed bytes:\n%s\n%s", data, got)
	}
}

func TestParsePageRef(t *testing.T) {
	for ref, want := range map[string]PageKey{
		"kazakhstan/fr": {"kazakhstan", "fr"},
		"kazakhstan":    {"kazakhstan", ""},
	} {
		got, err := ParsePageRef(ref)
		if err != nil || got != want {
			t.Errorf("ParsePageRef(%q) = %v, %v; want %v", ref, got, err, want)
		}
	}
	for _, bad := range []string{"", "/fr", "a/b/c"} {
		if _, err := ParsePageRef(bad); err == nil {
			t.Errorf("ParsePageRef(%q) accepted", bad)
		}
	}
}

func TestWalkPaths(t *testing.T) {
	secs := []Section{{Heading: "A", Sections: []Section{{Heading: "B"}}}, {Heading: "C"}}
	var got []string
	Walk(secs, func(path []string, _ *Section) { got = append(got, strings.Join(path, " › ")) })
	if want := "A|A › B|C"; strings.Join(got, "|") != want {
		t.Fatalf("Walk paths %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := map[string]string{
		"plain text, with commas.":  "plain text, with commas.",
		"<script>alert(1)</script>": `\<script\>alert(1)\</script\>`,
		"[link](javascript:x)":      `\[link\](javascript:x)`,
		"# not a heading":           `\# not a heading`,
		"1992. A year":              `1992\. A year`,
		"3) trois":                  `3\) trois`,
		"- tiret":                   `\- tiret`,
		"see https://x.example/a":   `see https\://x.example/a`,
		"www.x.example":             `www\.x.example`,
		"$x$ #2 a@b":                `\$x\$ \#2 a\@b`,
		"a*b_c`d":                   "a\\*b\\_c\\`d",
	}
	for in, want := range tests {
		if got := EscapeMarkdown(in); got != want {
			t.Errorf("EscapeMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNormalizeTextASCII: the byte-at-a-time normalisation of ASCII text
// is the full one.
func TestNormalizeTextASCII(t *testing.T) {
	for _, s := range []string{
		"", "a", " ", "  ", "NATO and Kazakhstan", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "\x7f", "a\x00b",
		"\x00 a", "a \x01 b", "a\x01 b", "\v\f\r", "~!@#$%^&*()_+{}|:<>?", "\x1f\x20\x21",
	} {
		if got, want := NormalizeText(s), normalizeUnicode(s); got != want {
			t.Errorf("NormalizeText(%q) = %q, want %q", s, got, want)
		}
	}
}

// FuzzNormalizeTextASCII: NormalizeText with its ASCII and mixed paths is
// the full normalisation, whatever the text.
func FuzzNormalizeTextASCII(f *testing.F) {
	for _, s := range []string{"NATO and Kazakhstan", " a  b ", "caf\u00e9", "a\x00b", "\t\n a \x7f",
		"NATO\u2019s \u201cpartners\u201d \u2013 1995", "a\u00a0\u0085b\u200b\u0080c", "e\u0301 \xff\xfe x", " \u3000 \u00e9 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := NormalizeText(s), normalizeUnicode(s); got != want {
			t.Fatalf("NormalizeText(%q) = %q, want %q", s, got, want)
		}
	})
}
