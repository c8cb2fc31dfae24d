package relwatch

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzDecodeSummary: the fast path reads what json.Unmarshal reads, and
// fails where it fails.
func FuzzDecodeSummary(f *testing.F) {
	for _, s := range []string{`{}`, `{"added":1,"changed":2}`, `{"removed":-3}`, `null`, `{"a":01}`, `{"a":1,"a":2}`,
		`{"é":1}`, `{"a\"b":1}`, `{ "a": 1 }`, `{"a":1.5}`, `{"a":+1}`, `{"a":-0}`, `{"a":99999999999999999999}`, `{"":0}`, `{"a":1,}`, `{,}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := DecodeSummary(s)
		var want map[string]int
		wantErr := json.Unmarshal([]byte(s), &want)
		if (err != nil) != (wantErr != nil) || (err == nil && !reflect.DeepEqual(got, want)) {
			t.Errorf("DecodeSummary(%q) = %v, %v; json.Unmarshal: %v, %v", s, got, err, want, wantErr)
		}
	})
}
