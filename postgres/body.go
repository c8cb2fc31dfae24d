package postgres

import (
	"github.com/relwatch/relwatch"
)

// storedBody is a raw_bodies row as qBody reads it.
type storedBody struct {
	digest, compression string
	size                int
	data                []byte
}

func (sb *storedBody) scan(row interface{ Scan(...any) error }) error {
	return row.Scan(&sb.digest, &sb.size, &sb.compression, &sb.data)
}

// decode decompresses the body and checks it against its digest.
func (sb *storedBody) decode() ([]byte, error) {
	if sb.compression != "gzip" {
		return nil, fail(relwatch.ErrCorrupt, "raw body %s has an unknown compression %q", sb.digest, sb.compression)
	}
	raw, err := gunzip(sb.data, int64(sb.size)+1)
	if err != nil {
		return nil, fail(relwatch.ErrCorrupt, "raw body %s does not decompress: %v", sb.digest, err)
	}
	return raw, relwatch.VerifyBody(sb.digest, sb.size, raw)
}

// gunzip decompresses at most limit bytes.
func gunzip(gz []byte, limit int64) ([]byte, error) { return relwatch.Gunzip(gz, limit) }
