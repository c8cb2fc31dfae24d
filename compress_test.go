package relwatch

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// TestGunzip: what Gzip makes at either level, and what the standard
// library's writer made (archives written before Gzip), decompress to the
// same bytes, at most limit of them; a corrupt input is an error.
func TestGunzip(t *testing.T) {
	raw := []byte(strings.Repeat("<p>NATO and Kazakhstan</p>\n", 500))
	var std bytes.Buffer
	zw := gzip.NewWriter(&std)
	zw.Write(raw)
	zw.Close()
	for name, gz := range map[string][]byte{"fast": Gzip(raw, GzipFast), "small": Gzip(raw, GzipSmall), "compress/gzip": std.Bytes()} {
		for _, limit := range []int64{-1, int64(len(raw)) + 1} {
			got, err := Gunzip(gz, limit)
			if err != nil || !bytes.Equal(got, raw) {
				t.Errorf("%s, limit %d: %d bytes, %v; want the %d bytes back", name, limit, len(got), err, len(raw))
			}
		}
		if got, err := Gunzip(gz, 10); err != nil || !bytes.Equal(got, raw[:10]) {
			t.Errorf("%s, limit 10: %q, %v", name, got, err)
		}
	}
	if _, err := Gunzip([]byte("not gzip"), -1); err == nil {
		t.Error("Gunzip of text that is not gzip: no error")
	}
	broken := Gzip(raw, GzipFast)
	broken = broken[:len(broken)/2]
	if _, err := Gunzip(broken, -1); err == nil {
		t.Error("Gunzip of a cut stream: no error")
	}
}

// TestGzipReusedIsFresh: a compressor taken from the cache writes the
// bytes a new one writes, whatever it compressed before, at either level.
func TestGzipReusedIsFresh(t *testing.T) {
	page := []byte(strings.Repeat("<p>NATO and Kazakhstan have worked together.</p>\n", 300))
	other := []byte(strings.Repeat("<li>Something else entirely, 1995.</li>\n", 900))
	for _, level := range []int{GzipFast, GzipSmall} {
		var fresh bytes.Buffer
		zw, err := kgzip.NewWriterLevel(&fresh, level)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write(page)
		zw.Close()
		for round := range 3 {
			Gzip(other, level)
			if got := Gzip(page, level); !bytes.Equal(got, fresh.Bytes()) {
				t.Fatalf("level %d, round %d: a reused compressor wrote %d bytes, a new one %d", level, round, len(got), fresh.Len())
			}
		}
	}
}
