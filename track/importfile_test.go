package track

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadSavedLimits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if p, err := ReadSaved(path, at, 1000); err != nil || len(p.Body) != 1000 {
		t.Errorf("a file of exactly max_body: %d bytes, %v", len(p.Body), err)
	}
	if _, err := ReadSaved(path, at, 999); err == nil || !strings.Contains(err.Error(), "larger than max_body (999 bytes)") {
		t.Errorf("a file over max_body: %v", err)
	}
	if _, err := ReadSaved(path, time.Now().Add(time.Hour), 0); err == nil || !strings.Contains(err.Error(), "in the future") {
		t.Errorf("a capture time in the future: %v", err)
	}
	// A saved response dated in the future by its own Date header.
	resp := "HTTP/1.1 200 OK\r\nDate: Fri, 01 Jan 2100 00:00:00 GMT\r\nContent-Length: 2\r\n\r\nhi"
	if err := os.WriteFile(path, []byte(resp), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSaved(path, time.Time{}, 0); err == nil || !strings.Contains(err.Error(), "in the future") {
		t.Errorf("a saved response dated 2100: %v", err)
	}
}

func TestParseCaptureTime(t *testing.T) {
	for in, want := range map[string]string{
		"2016-04-12T10:00:00Z":      "2016-04-12T10:00:00Z",
		"2016-04-12T12:00:00+02:00": "2016-04-12T10:00:00Z",
		"2016-04-12":                "2016-04-12T00:00:00Z",
		"12/04/2016":                "",
		"":                          "",
	} {
		got, err := ParseCaptureTime("--at", in)
		switch {
		case want == "" && err == nil:
			t.Errorf("%q: %v, want an error", in, got)
		case want != "" && (err != nil || got.UTC().Format(time.RFC3339) != want):
			t.Errorf("%q: %v, %v; want %s", in, got, err, want)
		}
	}
}

func TestCDXBound(t *testing.T) {
	for in, want := range map[string]string{"": "", "2016-04-12": "20160412", "2016": "2016", "20160412103000": "20160412103000"} {
		if got, err := CDXBound("--from", in); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"2016-4-12", "201604121030001", "yesterday"} {
		if _, err := CDXBound("--from", in); err == nil || !strings.Contains(err.Error(), "--from") {
			t.Errorf("%q: %v, want an error naming --from", in, err)
		}
	}
}
