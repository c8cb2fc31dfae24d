package relwatch

import (
	"encoding/json"
	"maps"
	"net/http"
	"time"
)

// How every store keeps a capture's response headers: the headers as JSON
// (keys sorted) without Date, and Date apart as Unix seconds when it is in
// the IMF-fixdate form a server should send, so that the JSON repeats from
// one capture to the next and is stored once.

// SplitDate returns the headers without Date as JSON, and Date as Unix
// seconds (nil when absent or not in IMF-fixdate form, which then stays
// in the JSON).
func SplitDate(h map[string]string) (string, *int64) {
	var date *int64
	rest := h
	if v, ok := h["Date"]; ok {
		if t, err := time.Parse(http.TimeFormat, v); err == nil && t.UTC().Format(http.TimeFormat) == v {
			u := t.Unix()
			date = &u
			rest = maps.Clone(h)
			delete(rest, "Date")
		}
	}
	if rest == nil {
		rest = map[string]string{}
	}
	hj, _ := json.Marshal(rest) // map keys come out sorted; strings always encode
	return string(hj), date
}

// JoinDate is the inverse of SplitDate: the headers as the capture got them.
func JoinDate(headers string, date *int64) (map[string]string, error) {
	h := map[string]string{}
	if err := json.Unmarshal([]byte(headers), &h); err != nil {
		return nil, err
	}
	if date != nil {
		h["Date"] = time.Unix(*date, 0).UTC().Format(http.TimeFormat)
	}
	return h, nil
}
