package track

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestResultJSONHasEveryField: a scrape --json line carries every
// documented key, null when it has no value (no version 0 for a page that
// never had one), times in UTC; and it reads back.
func TestResultJSONHasEveryField(t *testing.T) {
	since := time.Date(2026, 11, 27, 6, 0, 0, 123456789, time.FixedZone("CET", 3600))
	failed := Result{Page: "kazakhstan/fr", URL: "https://example.org/", Status: "failed", Error: "HTTP 503", ErrorKind: "http_status",
		Stale: true, StaleSince: &since}
	b, err := json.Marshal(failed)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"page", "url", "status", "version", "previous_version", "error", "error_kind", "suspect",
		"updated_raw", "warnings", "stale", "stale_since", "last_success", "earlier", "event", "removed_since", "removed_reason"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	for _, k := range []string{"version", "previous_version", "suspect", "updated_raw", "last_success", "event", "removed_since", "removed_reason"} {
		if keys[k] != nil {
			t.Errorf("%s = %v for a failed new page, want null", k, keys[k])
		}
	}
	if keys["stale_since"] != "2026-11-27T05:00:00.123456789Z" {
		t.Errorf("stale_since = %v, want 2026-11-27T05:00:00.123456789Z (UTC)", keys["stale_since"])
	}
	ok, _ := json.Marshal(Result{Page: "p/en", Status: "changed", Version: 2, PreviousVersion: 1})
	if !strings.Contains(string(ok), `"error":null,"error_kind":null,"suspect":null`) || !strings.Contains(string(ok), `"version":2,"previous_version":1`) {
		t.Errorf("a changed page: %s", ok)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || back.ErrorKind != "http_status" || back.Version != 0 || !back.StaleSince.Equal(since) {
		t.Errorf("read back %+v, %v", back, err)
	}
}
