package archive

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Fast paths for what Versions reads thousands of times for `log`: times
// in the archive's own fixed-width form, and change summaries in the form
// json.Marshal writes them. Anything else goes through the general
// parsers, which give the same result.

// parseTime reads a time the archive wrote (timeFormat) or any RFC 3339
// time.
func parseTime(s string) (time.Time, error) {
	if t, ok := parseFixedTime(s); ok {
		return t, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// parseFixedTime reads exactly timeFormat: 2006-01-02T15:04:05.000000000Z.
func parseFixedTime(s string) (time.Time, bool) {
	if len(s) != len(timeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for _, c := range []byte(s[from:to]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	ns, ok7 := num(20, 29)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 ||
		mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC)
	if t.Day() != d { // 31 April: time.Date normalises, time.Parse refuses
		return time.Time{}, false
	}
	return t, true
}

// decodeSummary reads a change summary: a JSON object of counts.
func decodeSummary(s string) (map[string]int, error) {
	if m, ok := decodeFlatCounts(s); ok {
		return m, nil
	}
	var m map[string]int
	err := json.Unmarshal([]byte(s), &m)
	return m, err
}

// decodeFlatCounts reads {"key":n,...} as json.Marshal writes a
// map[string]int: no spaces, keys without escapes, integer values.
func decodeFlatCounts(s string) (map[string]int, bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	m := make(map[string]int, strings.Count(body, ",")+1)
	if body == "" {
		return m, true
	}
	for pair := range strings.SplitSeq(body, ",") {
		key, val, ok := strings.Cut(pair, ":")
		if !ok || len(key) < 2 || key[0] != '"' || key[len(key)-1] != '"' {
			return nil, false
		}
		key = key[1 : len(key)-1]
		if strings.ContainsAny(key, `"\`) || !isPlainText(key) {
			return nil, false
		}
		n, err := strconv.Atoi(val)
		if err != nil || (len(val) > 1 && val[0] == '0') || val[0] == '+' {
			return nil, false
		}
		if _, dup := m[key]; dup {
			return nil, false // json.Unmarshal keeps the last; leave that to it
		}
		m[key] = n
	}
	return m, true
}

// isPlainText reports whether s is printable ASCII, which JSON strings
// hold as they are.
func isPlainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
