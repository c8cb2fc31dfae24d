package history

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/relwatchtest"
)

// decodeKeys is the JSON of v as generic objects.
func decodeKeys(t *testing.T, v any) []map[string]any {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, v); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestJSONViewsHaveEveryField: log --json and pages --json carry every
// documented key, null when empty (version 1's changed_after and summary,
// a page without a version's latest_version), and print every time in UTC.
func TestJSONViewsHaveEveryField(t *testing.T) {
	ctx := t.Context()
	f := relwatchtest.New()
	odd := onDay(0).Add(123456789 * time.Nanosecond)
	f.Add("kazakhstan/en", page("Relations with Kazakhstan", "1 Nov. 2026", "One."), odd, relwatch.Provenance{})
	f.Add("kazakhstan/en", page("Relations with Kazakhstan", "2 Nov. 2026", "Two."), onDay(1), relwatch.Provenance{})
	f.Fail("kazakhstan/fr", onDay(2), "HTTP 503")

	versions, err := f.Versions(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	log := decodeKeys(t, LogEntries(versions, nil))
	for _, k := range []string{"version", "content_hash", "first_seen", "last_seen", "checks", "updated_raw", "updated_on", "updated_at",
		"parser_version", "changed_after", "summary", "stamp_only", "parser_change", "suspect", "came_back_to", "source", "original_url", "origin"} {
		if _, ok := log[0][k]; !ok {
			t.Errorf("log --json version 1 has no %q: %v", k, log[0])
		}
	}
	if log[0]["changed_after"] != nil || log[0]["summary"] != nil || log[0]["first_seen"] != "2026-11-01T06:00:00.123456789Z" {
		t.Errorf("version 1: changed_after %v, summary %v, first_seen %v", log[0]["changed_after"], log[0]["summary"], log[0]["first_seen"])
	}

	health, err := Overview(ctx, f, onDay(3), time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	pages := decodeKeys(t, PageEntries(health))
	for _, p := range pages {
		for _, k := range []string{"page", "url", "canonical_url", "latest_version", "content_hash", "updated_raw", "last_check",
			"last_success", "last_change", "last_error", "consecutive_failures", "last_content_change", "stale", "lag"} {
			if _, ok := p[k]; !ok {
				t.Errorf("pages --json %v has no %q", p["page"], k)
			}
		}
		if p["page"] == "kazakhstan/fr" && (p["latest_version"] != nil || p["content_hash"] != nil || p["last_error"] != "HTTP 503") {
			t.Errorf("a page that never succeeded: %v", p)
		}
	}

	// The export's snapshot is show --format json without last_seen: it
	// says where the version came from.
	files, err := PlanExport(ctx, f, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if file.Path == "kazakhstan/en.json" && !strings.Contains(string(file.Data), `"source": "live"`) {
			t.Errorf("exported snapshot without source:\n%s", file.Data)
		}
	}
}
