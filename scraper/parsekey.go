package scraper

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// ParseKey sums up everything Parse's result depends on: the parser
// version, the options, the content type, the URL and the bytes. Two
// responses with the same key parse to the same snapshot, so a caller that
// remembers the key of its last parse can skip parsing the same response
// again (archive.ParseMemo).
func ParseKey(body []byte, contentType, pageURL string, opts ParseOptions) string {
	h := sha256.New()
	for _, s := range []string{"relwatch parse v" + strconv.Itoa(ParserVersion), opts.Content, opts.Exclude, contentType, pageURL} {
		h.Write([]byte(strconv.Itoa(len(s)) + ":" + s + ";"))
	}
	h.Write(body)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
