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
