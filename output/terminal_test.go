package output

import (
	"bytes"
	"testing"
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
