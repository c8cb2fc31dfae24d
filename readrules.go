package relwatch

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// The read side's rules and messages that every store shares: a store
// reads its rows and hands them to these.

// ResolveLang turns ref, a page id given alone, into a full key from the
// languages the store has of it (in order): exactly one must be there.
func ResolveLang(ref snapshots.PageKey, langs []string) (snapshots.PageKey, error) {
	switch {
	case len(langs) == 0:
		return snapshots.PageKey{}, fmt.Errorf("page %s: %w", ref.ID, ErrNotFound)
	case len(langs) > 1:
		return snapshots.PageKey{}, fmt.Errorf("page %s is archived in several languages (%s): say which, e.g. %s/%s",
			ref.ID, strings.Join(langs, ", "), ref.ID, langs[0])
	}
	return snapshots.PageKey{ID: ref.ID, Lang: langs[0]}, nil
}

// NoVersion is the error of a snapshot asked for that page does not have:
// version asked when above 0, else any version.
func NoVersion(page snapshots.PageKey, asked int) error {
	if asked > 0 {
		return fmt.Errorf("page %s has no version %d: %w", page, asked, ErrNotFound)
	}
	return fmt.Errorf("page %s has no versions: %w", page, ErrNotFound)
}

// NoVersionAt is the error of a snapshot asked for at t, before page's
// first version.
func NoVersionAt(page snapshots.PageKey, t time.Time) error {
	return fmt.Errorf("page %s had no version yet at %s: %w", page, t.UTC().Format(time.RFC3339), ErrNotFound)
}

// VersionSnapshot completes s, the stored snapshot of version of page
// (decodeErr is why it did not decode, nil when it did), with what the
// version row's columns hold.
func VersionSnapshot(page snapshots.PageKey, version, parser int, s snapshots.Snapshot, decodeErr error, first, last time.Time) (snapshots.Snapshot, error) {
	if decodeErr != nil {
		return s, Fail(ErrCorrupt, "version %d of %s: %v", version, page, decodeErr)
	}
	s.Version, s.ParserVersion, s.FirstSeen, s.LastSeen = version, parser, &first, &last
	return s, nil
}

// StoredChange reads the change into version to of page from the columns
// ChangeColumns wrote; stampOnly and parserChange are its flags.
func StoredChange(page snapshots.PageKey, to int, diff, summary string, stampOnly, parserChange bool) (ChangeRecord, error) {
	cr := ChangeRecord{DiffJSON: []byte(diff), StampOnly: stampOnly, ParserChange: parserChange}
	if err := json.Unmarshal([]byte(summary), &cr.Summary); err != nil {
		return cr, Fail(ErrCorrupt, "change into version %d of %s: bad summary", to, page)
	}
	return cr, nil
}

// NoChange is the error of a change into version to that page has not
// recorded.
func NoChange(page snapshots.PageKey, to int) error {
	return fmt.Errorf("page %s has no recorded change into version %d: %w", page, to, ErrNotFound)
}

// ScanCheckState reads one row of a store's check-state query (see
// Recorder.CheckStates), through scan (a row's Scan): the page's id and
// language, its latest version's number, content hash, parse key and
// update stamp (0 and empty strings when it has none), then the headers
// of its latest successful live capture (empty when none) and the version
// that capture saw (0 when none).
func ScanCheckState(scan func(dest ...any) error) (snapshots.PageKey, CheckState, error) {
	var page snapshots.PageKey
	var st CheckState
	var headers string
	var seen int
	lp := &st.Latest
	if err := scan(&page.ID, &page.Lang, &lp.Version, &lp.ContentHash, &lp.ParseKey, &lp.UpdatedRaw, &headers, &seen); err != nil {
		return page, st, err
	}
	var err error
	st.ETag, st.LastModified, err = LatestValidators(page, headers, seen, lp.Version)
	return page, st, err
}

// LatestValidators returns the ETag and Last-Modified of page's latest
// successful live capture, whose headers are stored as JSON (see
// SplitDate; Date is no validator), which saw version seen (0 when none)
// of the page's latest, latest. Both
// are empty unless that capture saw the latest version: a newer version
// from a Wayback capture or an imported file came since, and a 304 means
// "as at that capture", which would otherwise be recorded as a sighting
// of a version the server never served.
func LatestValidators(page snapshots.PageKey, headers string, seen, latest int) (etag, lastModified string, err error) {
	if seen == 0 || seen != latest {
		return "", "", nil
	}
	// Only the two validators are decoded (a run reads every page's
	// headers, before its first request); encoding/json matches the names
	// whatever their case. Headers as relwatch writes them (a flat object
	// of strings without escapes) are read by flatValidators, a tenth of
	// the time; anything else by encoding/json.
	if etag, lastModified, ok := flatValidators(headers); ok {
		return etag, lastModified, nil
	}
	var v struct {
		ETag         string `json:"etag"`
		LastModified string `json:"last-modified"`
	}
	if err := json.Unmarshal([]byte(headers), &v); err != nil {
		return "", "", Fail(ErrCorrupt, "capture headers of %s: %v", page, err)
	}
	return v.ETag, v.LastModified, nil
}

// flatValidators reads the ETag and Last-Modified of a JSON object whose
// keys and values are all strings of ASCII without a control character
// (values may escape a quote, a backslash or a slash: an ETag is quoted),
// as encoding/json would: names matched whatever their case, a later one
// replacing an earlier one. ok is false for any other text, which it
// leaves to encoding/json (FuzzLatestValidators holds the two to the same
// answers).
func flatValidators(js string) (etag, lastModified string, ok bool) {
	i := skipSpace(js, 0)
	if i == len(js) || js[i] != '{' {
		return "", "", false
	}
	i = skipSpace(js, i+1)
	if i < len(js) && js[i] == '}' {
		return "", "", skipSpace(js, i+1) == len(js)
	}
	for {
		key, next, escaped, ok := plainString(js, i)
		if !ok || escaped {
			return "", "", false
		}
		i = skipSpace(js, next)
		if i == len(js) || js[i] != ':' {
			return "", "", false
		}
		value, next, escaped, ok := plainString(js, skipSpace(js, i+1))
		if !ok {
			return "", "", false
		}
		if escaped {
			value = unescape(value)
		}
		switch {
		case strings.EqualFold(key, "etag"):
			etag = value
		case strings.EqualFold(key, "last-modified"):
			lastModified = value
		}
		i = skipSpace(js, next)
		switch {
		case i == len(js):
			return "", "", false
		case js[i] == '}':
			return etag, lastModified, skipSpace(js, i+1) == len(js)
		case js[i] != ',':
			return "", "", false
		}
		i = skipSpace(js, i+1)
	}
}

// plainString reads the JSON string at js[i:] when it holds only ASCII
// without control characters, and no escape but \", \\ and \/: its text
// as written (escaped says whether it has escapes) and the index after
// its closing quote.
func plainString(js string, i int) (text string, next int, escaped, ok bool) {
	if i >= len(js) || js[i] != '"' {
		return "", 0, false, false
	}
	for j := i + 1; j < len(js); j++ {
		switch c := js[j]; {
		case c == '"':
			return js[i+1 : j], j + 1, escaped, true
		case c == '\\':
			if j+1 == len(js) || (js[j+1] != '"' && js[j+1] != '\\' && js[j+1] != '/') {
				return "", 0, false, false
			}
			escaped = true
			j++
		case c < 0x20 || c >= 0x80:
			return "", 0, false, false
		}
	}
	return "", 0, false, false
}

// unescape undoes the escapes plainString allows.
func unescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// skipSpace is the index of the first byte at or after i that is not JSON
// white space.
func skipSpace(js string, i int) int {
	for i < len(js) && (js[i] == ' ' || js[i] == '\t' || js[i] == '\n' || js[i] == '\r') {
		i++
	}
	return i
}

// VerifyBody checks raw, read back as the body named digest of size
// bytes, against both.
func VerifyBody(digest string, size int, raw []byte) error {
	if got := BodyDigest(raw); got != digest || len(raw) != size {
		return Fail(ErrCorrupt, "raw body %s reads back as %s (%d bytes)", digest, got, len(raw))
	}
	return nil
}
