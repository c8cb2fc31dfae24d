package archive

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
)

func TestDeltaRoundTrip(t *testing.T) {
	var page strings.Builder
	for i := range 400 {
		fmt.Fprintf(&page, "<li class=\"item\">Item %d of the partnership page, with some text.</li>\n", i)
	}
	base := []byte(page.String())
	edited := bytes.Replace(base, []byte("Item 17 of"), []byte("Item seventeen of"), 1)
	edited = bytes.Replace(edited, []byte("Item 300 of the partnership page, with some text.</li>\n"), nil, 1)
	edited = append([]byte("<!-- token 8f3a -->\n"), edited...)
	for _, tc := range []struct {
		name       string
		base, body []byte
	}{
		{"edited", base, edited},
		{"same", base, base},
		{"empty body", base, nil},
		{"empty base", nil, edited},
		{"one line", []byte("<html><body>a b c</body></html>"), []byte("<html><body>a b d</body></html>")},
		{"no final newline", base, append(edited, "tail"...)},
	} {
		d := encodeDelta(tc.base, tc.body)
		got, err := applyDelta(tc.base, d, len(tc.body))
		if err != nil || !bytes.Equal(got, tc.body) {
			t.Errorf("%s: round trip gives %d bytes, %v; want %d", tc.name, len(got), err, len(tc.body))
		}
	}
	if d := encodeDelta(base, edited); len(d) > 300 {
		t.Errorf("delta of a two-line edit is %d bytes", len(d))
	}
	// A damaged delta is an error, never a panic or a body of another size.
	d := encodeDelta(base, edited)
	for i := range d {
		bad := bytes.Clone(d)
		bad[i] ^= 0x55
		if got, err := applyDelta(base, bad, len(edited)); err == nil && len(got) > len(edited) {
			t.Fatalf("damaged byte %d: %d bytes", i, len(got))
		}
	}
}

// TestBodiesStoredAsDeltas records versions whose bodies differ by a line:
// the second is stored as a delta against the first, both read back, and
// Check verifies them.
func TestBodiesStoredAsDeltas(t *testing.T) {
	ctx := t.Context()
	a := TestArchive(t)
	b1 := benchBody()
	b2 := strings.Replace(b1, "paragraph 100,", "paragraph one hundred,", 1)
	b3 := strings.Replace(b2, "paragraph 200,", "paragraph two hundred,", 1)
	mustVersion(t, a, capture(kzEN, 0, b1), snap(kzEN, "", "1"), nil)
	mustVersion(t, a, capture(kzEN, 1, b2), snap(kzEN, "", "2"), nil)
	mustVersion(t, a, capture(kzEN, 2, b3), snap(kzEN, "", "3"), nil)
	b4 := b3 + "<!-- token 8f3a -->\n"
	mustUnchanged(t, a, capture(kzEN, 3, b4), 3) // a fresh body with an unchanged check: stored whole, quickly
	var deltas, bases int
	a.db.QueryRow(`SELECT count(*), count(DISTINCT base_id) FROM raw_bodies WHERE compression = 'delta'`).Scan(&deltas, &bases)
	if deltas != 2 || bases != 1 || count(t, a, "raw_bodies") != 4 {
		t.Errorf("%d deltas against %d bases, want 2 against 1 (the first body)", deltas, bases)
	}
	cs, err := a.Captures(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{b1, b2, b3, b4} {
		if got, err := a.RawBody(ctx, cs[i].BodyDigest); err != nil || string(got) != want {
			t.Errorf("body %d reads back as %d bytes, %v", i+1, len(got), err)
		}
	}
	mustCheckClean(t, a)
	// A damaged delta is found.
	if _, err := a.db.Exec(`UPDATE raw_bodies SET data = ? WHERE body_id = (SELECT max(body_id) FROM raw_bodies)`,
		relwatch.Gzip([]byte{0x7f, 0x01, 0x02}, relwatch.GzipSmall)); err != nil {
		t.Fatal(err)
	}
	if probs, err := a.Check(ctx); err != nil || len(probs) != 1 || probs[0].Kind != "raw-body" {
		t.Errorf("Check on a damaged delta = %v, %v", probs, err)
	}
}

// FuzzDelta: any base and body round-trip through a delta, and applying
// arbitrary bytes as a delta never panics nor exceeds the stated size.
func FuzzDelta(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"), []byte{0x03, 0x00})
	f.Add([]byte("<p>same line, long enough to copy</p>\n"), []byte("x\n<p>same line, long enough to copy</p>\n"), []byte{})
	f.Fuzz(func(t *testing.T, base, body, junk []byte) {
		got, err := applyDelta(base, encodeDelta(base, body), len(body))
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("round trip: %q, %v; want %q", got, err, body)
		}
		if out, err := applyDelta(base, junk, len(body)); err == nil && len(out) > len(body) {
			t.Fatalf("junk delta gave %d bytes, more than %d", len(out), len(body))
		}
	})
}
