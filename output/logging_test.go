package output

import (
	"bytes"
	"encoding/json"
	"log"
	"log/slog"
	"strings"
	"testing"
)

// TestRouteStdlibLog: what a library prints through the standard log
// package becomes a warning of relwatch's own logger.
func TestRouteStdlibLog(t *testing.T) {
	prevFlags, prevOut := log.Flags(), log.Writer()
	t.Cleanup(func() { log.SetFlags(prevFlags); log.SetOutput(prevOut) })
	var buf bytes.Buffer
	RouteStdlibLog(slog.New(slog.NewJSONHandler(&buf, nil)))
	log.Printf("Unsolicited response received on idle HTTP channel starting with %q", "<p>")
	var rec struct{ Level, Msg string }
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("not one JSON record: %q (%v)", buf.String(), err)
	}
	if rec.Level != "WARN" || !strings.HasPrefix(rec.Msg, "Unsolicited response") {
		t.Errorf("record %+v", rec)
	}
}

func TestNewLogger(t *testing.T) {
	var buf bytes.Buffer
	logger, err := NewLogger(&buf, "info", "")
	if err != nil {
		t.Fatal(err)
	}
	logger.Debug("hidden")
	logger.Info("shown", "page", "kazakhstan/fr")
	if !strings.HasPrefix(buf.String(), "{") || strings.Contains(buf.String(), "hidden") {
		t.Errorf("not a terminal: want JSON at info, got %q", buf.String())
	}
	for _, bad := range [][2]string{{"loud", "text"}, {"info", "xml"}} {
		if _, err := NewLogger(&buf, bad[0], bad[1]); err == nil {
			t.Errorf("NewLogger(%q, %q): no error", bad[0], bad[1])
		}
	}
}
