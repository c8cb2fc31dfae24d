package output

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeWriter(t *testing.T) {
	in := "ok\tline\nesc\x1b[2J bell\a cr\r del\x7f c1\u0085 rlo\u202eevil\u202c iso\u2066x\u2069 é中"
	want := "ok\tline\nesc\\x1b[2J bell\\x07 cr\\x0d del\\x7f c1\\u0085 rlo\\u202eevil\\u202c iso\\u2066x\\u2069 é中"
	// Written one byte at a time, so that every multi-byte rune is split.
	var out bytes.Buffer
	w := NewSafeWriter(&out)
	for i := range len(in) {
		if n, err := w.Write([]byte{in[i]}); n != 1 || err != nil {
			t.Fatalf("Write: %d, %v", n, err)
		}
	}
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}
}

// safePrefixByByte is safePrefix without its eight-byte fast path.
func safePrefixByByte(buf []byte) int {
	for i := 0; i < len(buf); {
		if !utf8.FullRune(buf[i:]) {
			return i
		}
		r, size := utf8.DecodeRune(buf[i:])
		if unsafeRune(r) && !(r == utf8.RuneError && size == 1) {
			return i
		}
		i += size
	}
	return len(buf)
}

// FuzzSafePrefix checks the eight-byte fast path against a rune at a
// time, on text that puts every kind of byte at every offset of a word.
func FuzzSafePrefix(f *testing.F) {
	for _, s := range []string{"plain ascii text, long enough for words\n", "tab\there\nnew line",
		"esc \x1b[2J", "del \x7f!", "~~~~~~~~\x7f", "        \x1f", "é中 mixed ascii", "c1 \u0085", "rlo \u202e",
		"\xff\xfe invalid", strings.Repeat("x", 15) + "\xe4\xb8"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, buf []byte) {
		if got, want := safePrefix(buf), safePrefixByByte(buf); got != want {
			t.Fatalf("safePrefix(%q) = %d, want %d", buf, got, want)
		}
	})
}

func TestPlainASCII(t *testing.T) {
	for b := range 256 {
		for pos := range 8 {
			var word [8]byte
			for i := range word {
				word[i] = 'a'
			}
			word[pos] = byte(b)
			want := b >= 0x20 && b <= 0x7e || b == '\n' || b == '\t'
			if got := plainASCII(binary.LittleEndian.Uint64(word[:])); got != want {
				t.Errorf("byte %#x at %d: plainASCII = %v, want %v", b, pos, got, want)
			}
		}
	}
}

// plainASCII on words of bytes from either side of every bound.
func TestPlainASCIIMixed(t *testing.T) {
	edges := []byte{0x00, 0x01, 0x08, '\t', '\n', 0x0b, 0x1f, 0x20, 'a', 0x7e, 0x7f, 0x80, 0x8a, 0xff}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		var word [8]byte
		want := true
		for i := range word {
			word[i] = edges[rng.IntN(len(edges))]
			want = want && (word[i] >= 0x20 && word[i] <= 0x7e || word[i] == '\n' || word[i] == '\t')
		}
		if got := plainASCII(binary.LittleEndian.Uint64(word[:])); got != want {
			t.Fatalf("plainASCII(% x) = %v, want %v", word, got, want)
		}
	}
}
