package history

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
)

// TestLogJSONMatchesEncodingJSON: the hand-written `log --json` is byte
// for byte what encoding/json writes, for entries with every optional
// field set or not and strings that need escaping.
func TestLogJSONMatchesEncodingJSON(t *testing.T) {
	strs := []string{"", "plain", `quo"te`, `back\slash`, "tab\tnew\nline\r", "\b\f\x00\x1f\x7f", "<a href='x'>&amp;</a>",
		"Mis à jour : 09 mai 2025", "\u2028\u2029", "bad \xff utf-8 \xc3", "日本語", "emoji 🙂"}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() string { return strs[rng.IntN(len(strs))] }
	opt := func() *string {
		if rng.IntN(3) == 0 {
			return nil
		}
		s := pick()
		return &s
	}
	at := time.Date(2017, 12, 13, 9, 0, 0, 0, time.UTC)
	shared := []map[string]int{{"stamp_changed": 1, "block_changed": 2}, {"added": 1}, {pick(): 3, "changed": 1}}
	var entries []LogEntry
	for i := range 2*rowsInParallel + 1 { // long enough for writeRows' second goroutine
		e := LogEntry{
			Version: i + 1, ContentHash: "sha256:" + pick(), FirstSeen: snapshots.JSONTimeOf(at.Add(time.Duration(i) * 90 * time.Minute)),
			LastSeen: snapshots.JSONTimeOf(at.Add(time.Duration(i)*90*time.Minute + time.Duration(rng.IntN(1e9)))), Checks: rng.IntN(40),
			UpdatedRaw: opt(), UpdatedOn: opt(), UpdatedAt: opt(), ParserVersion: rng.IntN(9),
			StampOnly: rng.IntN(2) == 0, ParserChange: rng.IntN(2) == 0, Source: pick(), Removals: []RemovalView{},
		}
		if rng.IntN(2) == 0 {
			w := snapshots.JSONTime{Time: e.FirstSeen.Add(-time.Hour).In(time.FixedZone("", 2*3600))} // not UTC: both encoders make it so
			e.ChangedAfter = &w
		}
		switch rng.IntN(4) {
		case 1:
			e.Summary = map[string]int{}
		case 2:
			e.Summary = map[string]int{"changed": rng.IntN(5), "added": -1, pick(): 7}
		case 3: // shared with other entries, as the stores hand summaries out
			e.Summary = shared[rng.IntN(len(shared))]
		}
		if rng.IntN(3) == 0 {
			s, u, o := pick(), pick(), pick()
			e.Suspect, e.OriginalURL, e.Origin = &s, &u, &o
		}
		if rng.IntN(3) == 0 {
			v := rng.IntN(i + 1)
			e.CameBackTo = &v
		}
		entries = append(entries, e)
	}
	for _, n := range []int{0, 1, 2, len(entries)} {
		var want, got bytes.Buffer
		if err := WriteJSON(&want, entries[:n]); err != nil {
			t.Fatal(err)
		}
		if err := WriteLogJSON(&got, entries[:n]); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			g, w := got.String(), want.String()
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			t.Fatalf("%d entries differ at byte %d:\n got …%q\nwant …%q", n, i, g[max(0, i-80):min(len(g), i+80)], w[max(0, i-80):min(len(w), i+80)])
		}
	}
}

// TestLogJSONFastPath: WriteLogJSON knows every field of LogEntry, so it
// does not fall back to encoding/json.
func TestLogJSONFastPath(t *testing.T) {
	if !logJSONFieldsKnown {
		t.Error("LogEntry's fields are not the ones appendLogEntry writes: add the new field to both")
	}
}

// FuzzAppendJSONString: a string is written as encoding/json writes it,
// whatever falls in the eight-byte fast path or beside it.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"sha256:70fccbc5485587ec3cb821191e3d9958416e2d72d08bf5e90175f66ff16cb1c8", "https://www.example.org/a?b=c&d=\"e\"",
		"12345678\x00abcdefgh", `1234567\890`, "Mis à jour : 09 mai 2025", "\u2028 after eight bytes \u2029", "bad \xff utf-8 \xc3 at end"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := string(appendJSONString(nil, s)) + "\n"; got != want.String() {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want.String())
		}
	})
}

// WriteVersionsJSON writes what encoding/json makes of LogEntries, entry
// by entry or the long way (removals, a year encoding/json refuses).
func TestWriteVersionsJSONIsLogEntries(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	at := time.Date(2016, 1, 4, 6, 0, 0, 0, time.UTC)
	shared := []map[string]int{{"stamp_changed": 1, "block_changed": 1}, {"block_changed": 3, "block_changed" + diff.BlockKindSep + "paragraph": 2}}
	var versions []relwatch.VersionInfo
	hashes := []string{"sha256:a", "sha256:b", "sha256:c"}
	for i := range 2*rowsInParallel + 3 {
		v := relwatch.VersionInfo{Version: i + 1, ContentHash: hashes[rng.IntN(len(hashes))],
			FirstSeen: at.Add(time.Duration(i) * 6 * time.Hour), LastSeen: at.Add(time.Duration(i)*6*time.Hour + time.Duration(rng.IntN(1e9))),
			Checks: 1 + rng.IntN(9), UpdatedRaw: []string{"", "09 May 2025", "tab\there"}[rng.IntN(3)], ParserVersion: 1 + rng.IntN(2)}
		v.Source = []string{"", relwatch.SourceLive, relwatch.SourceWayback}[rng.IntN(3)]
		if i > 0 {
			v.Summary = shared[rng.IntN(len(shared))]
			if rng.IntN(2) == 0 {
				w := v.FirstSeen.Add(-time.Hour)
				v.WindowStart = &w
			}
		}
		if rng.IntN(5) == 0 {
			v.Suspect, v.OriginalURL, v.Origin = "text shrank", "http://x/p?a=1&b=<2>", "/tmp/x.html"
		}
		versions = append(versions, v)
	}
	removed := []relwatch.Removal{{Since: at.Add(30 * time.Hour), Confirmed: at.Add(36 * time.Hour), Status: 404, Version: 5}}
	farOff := slices.Clone(versions)
	farOff[7].LastSeen = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		versions []relwatch.VersionInfo
		removals []relwatch.Removal
	}{{"entry by entry", versions, nil}, {"a few", versions[:3], nil}, {"none", nil, nil}, {"with a removal", versions, removed}, {"a year past 9999", farOff, nil}} {
		var want, got bytes.Buffer
		wantErr := WriteJSON(&want, LogEntries(c.versions, c.removals))
		err := WriteVersionsJSON(&got, c.versions, c.removals)
		if (err != nil) != (wantErr != nil) || err == nil && !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: WriteVersionsJSON = %d bytes, %v; encoding/json: %d bytes, %v", c.name, got.Len(), err, want.Len(), wantErr)
		}
		if c.removals != nil {
			continue // WriteLog streams only a page without removals
		}
		for _, size := range []int{1, 7, 256, len(c.versions) + 1} {
			var streamed bytes.Buffer
			err := streamVersionsJSON(t.Context(), batches{c.versions, size}, kzEN, &streamed)
			switch {
			case wantErr != nil && (err == nil || err.Error() != wantErr.Error()):
				t.Errorf("%s, batches of %d: streamed, the error is %v, want encoding/json's %v", c.name, size, err, wantErr)
			case wantErr == nil && (err != nil || !bytes.Equal(streamed.Bytes(), want.Bytes())):
				t.Errorf("%s, batches of %d: streamed = %d bytes, %v; encoding/json: %d bytes", c.name, size, streamed.Len(), err, want.Len())
			}
		}
	}
	// A failed write ends the stream with its error.
	failed := errors.New("disk full")
	if err := streamVersionsJSON(t.Context(), batches{versions, 100}, kzEN, failingWriter{failed}); !errors.Is(err, failed) {
		t.Errorf("a failed write: the stream returns %v", err)
	}
}

// batches is a relwatch.VersionStreamer of versions, size at a time, each
// batch in a buffer that is overwritten after fn returns (as a store's).
type batches struct {
	versions []relwatch.VersionInfo
	size     int
}

func (s batches) EachVersion(_ context.Context, _ snapshots.PageKey, fn func([]relwatch.VersionInfo) error) error {
	buf := make([]relwatch.VersionInfo, 0, s.size)
	for vs := range slices.Chunk(s.versions, s.size) {
		buf = append(buf[:0], vs...)
		if err := fn(buf); err != nil {
			return err
		}
		clear(buf)
	}
	return nil
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }
