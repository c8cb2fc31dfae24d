package scraper

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// ParseKey sums up everything Parse's result depends on: the parser
// version, the options, the content type, the URL and the bytes, given by
// their digest (relwatch.BodyDigest). Two responses with the same key
// parse to the same snapshot, so a caller that remembers the key of its
// last parse can skip parsing the same response again
// (relwatch.Capture.ParseKey).
func ParseKey(bodyDigest, contentType, pageURL string, opts ParseOptions) string {
	h := sha256.New()
	for _, s := range []string{"relwatch parse v" + strconv.Itoa(ParserVersion), opts.Content, opts.Exclude, contentType, pageURL, bodyDigest} {
		h.Write([]byte(strconv.Itoa(len(s)) + ":" + s + ";"))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
