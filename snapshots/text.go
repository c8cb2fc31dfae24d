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
	if isASCII(s) {
		return normalizeASCII(s)
	}
	return normalizeMixed(s)
}

// normalizeMixed is a rune-at-a-time normalisation (normalizeUnicode, the
// tests' reference) with its ASCII bytes taken a byte at a time (as
// normalizeASCII takes them) and only the others decoded: a page's texts
// that are not all ASCII are mostly ASCII with a few curly quotes or
// accented letters, and the rune loop's Unicode tables cost more than the
// text's copy.
func normalizeMixed(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		size := 1
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c >= '\t' && c <= '\r':
				space = true
				i++
				continue
			case c < ' ' || c == 0x7f:
				i++
				continue
			}
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			switch {
			case r == '\u200b' || r == '\u00ad' || r == '\ufeff':
				i += size
				continue
			case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
				space = true
				i += size
				continue
			case unicode.IsControl(r):
				i += size
				continue
			}
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// isASCII reports whether s is all ASCII: valid UTF-8 that NFC leaves as
// it is, so NormalizeText is only the folding of white space and the
// dropping of control characters. Most of the texts of a page are.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// normalizeASCII is normalizeUnicode for ASCII text, a byte at a time: the
// same white space (unicode.IsSpace of an ASCII byte: tab, line feed,
// vertical tab, form feed, carriage return, space) and control characters
// (the other bytes below a space, and DEL). A text already normalised is
// returned as it is, without a copy.
func normalizeASCII(s string) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		c := s[i]
		clean = c > ' ' && c < 0x7f || c == ' ' && i > 0 && i < len(s)-1 && s[i-1] != ' '
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c >= '\t' && c <= '\r':
			space = true
		case c < ' ' || c == 0x7f:
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
		}
	}
	return b.String()
}
