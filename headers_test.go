package relwatch

import (
	"maps"
	"testing"
)

// TestSplitJoinDate: headers survive the stored form, with an IMF-fixdate
// Date kept apart and any other Date left in the JSON; validators are
// found whatever their case.
func TestSplitJoinDate(t *testing.T) {
	for _, h := range []map[string]string{
		{"Date": "Thu, 03 Dec 2026 12:00:00 GMT", "Etag": `"a"`},
		{"Date": "Thursday, 03-Dec-26 12:00:00 GMT", "Last-Modified": "x"},
		{},
		nil,
	} {
		hj, date := SplitDate(h)
		if _, kept := h["Date"]; kept && (date == nil) != (h["Date"] != "Thu, 03 Dec 2026 12:00:00 GMT") {
			t.Errorf("%v: date %v", h, date)
		}
		back, err := JoinDate(hj, date)
		if err != nil {
			t.Fatal(err)
		}
		if want := h; !maps.Equal(back, want) && !(len(back) == 0 && len(want) == 0) {
			t.Errorf("%v came back as %v (stored %s, %v)", h, back, hj, date)
		}
	}
}
