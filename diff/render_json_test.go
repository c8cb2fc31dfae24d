package diff

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// topKeys are the keys of a JSON object, in order.
func topKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestReportJSONHasReportsFields: the JSON report (reportJSON) has the
// keys of Report, in the same order, and its times at the fixed width.
func TestReportJSONHasReportsFields(t *testing.T) {
	at := time.Date(2026, 11, 28, 7, 0, 0, 0, time.FixedZone("CET", 3600))
	side := Side{Version: 1, FirstSeen: &at}
	r := Report{Page: "p/en", From: side, To: side, WindowStart: &at, WindowEnd: &at, CameBackTo: &side,
		Result: Result{Summary: map[string]int{}, Changes: []Change{}}}
	plain, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := renderJSON(&out, r); err != nil {
		t.Fatal(err)
	}
	if got, want := topKeys(t, out.Bytes()), topKeys(t, plain); !slices.Equal(got, want) {
		t.Errorf("JSON report keys %v, Report's %v", got, want)
	}
	var got struct {
		From        map[string]any `json:"from"`
		WindowStart string         `json:"window_start"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	const want = "2026-11-28T06:00:00.000000000Z"
	if got.WindowStart != want || got.From["first_seen"] != want {
		t.Errorf("window_start %q, from.first_seen %v; want %s", got.WindowStart, got.From["first_seen"], want)
	}
	var side2 map[string]json.RawMessage
	json.Unmarshal(plain, &side2)
	if sk, ok := topKeys(t, side2["from"]), topKeys(t, mustJSON(t, jsonSide(side))); !slices.Equal(sk, ok) {
		t.Errorf("side keys %v, want %v", ok, sk)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
