package snapshots

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeText is the one text normalisation every stage shares: invalid
// UTF-8 replaced, Unicode NFC, every run of white space (non-breaking and
// other Unicode spaces included) folded to one ASCII space, and the ends
// trimmed. Zero-width spaces and soft hyphens, invisible on the page, are
// dropped so that they cannot make two identical-looking texts differ, and
// so are control characters, which could carry terminal escape codes into
// reports.
func NormalizeText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u200b' || r == '\u00ad' || r == '\ufeff':
			continue
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
