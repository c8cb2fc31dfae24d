package relwatch

import (
	"encoding/json"
	"strconv"
	"strings"
)

// DecodeSummary reads a change summary as the stores keep it: a JSON
// object of counts. log reads thousands of them, so the form json.Marshal
// writes is read by hand; anything else goes through json.Unmarshal, which
// gives the same result.
func DecodeSummary(s string) (map[string]int, error) {
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
