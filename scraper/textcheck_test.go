package scraper

import (
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/relwatch/relwatch/snapshots"
)

// FuzzHasLetterOrDigit holds the parser's quick text checks to the slow
// forms they replace: a letter or digit in the raw text is one in its
// normalised text (hasLetterOrDigitIn skips the normalisation), hasNonSpace
// is strings.TrimFunc(s, isSpace) != "", and eachWord's ASCII split is
// strings.FieldsFunc of the lower-cased value.
func FuzzHasLetterOrDigit(f *testing.F) {
	for _, s := range []string{"", " ", "\u00a0", "a", "1", "\u200b", "é", "e\u0301", "\u212b", "\u0374",
		"\xff", "\x01", "Related-Topics box", "nav_Main2 x", "\u00a0\u2003\u3000", "\ufeff\u00ad", "Ω", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		letterOrDigit := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
		if got, want := hasLetterOrDigit(s), strings.IndexFunc(snapshots.NormalizeText(s), letterOrDigit) >= 0; got != want {
			t.Errorf("hasLetterOrDigit(%q) = %v, the normalised text says %v", s, got, want)
		}
		if got, want := hasNonSpace(s), strings.TrimFunc(s, isSpace) != ""; got != want {
			t.Errorf("hasNonSpace(%q) = %v, want %v", s, got, want)
		}
		var words []string
		if asciiWords(s, func(w string) { words = append(words, w) }) {
			want := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !letterOrDigit(r) })
			if !slices.Equal(words, want) {
				t.Errorf("asciiWords(%q) = %q, want %q", s, words, want)
			}
		}
	})
}
