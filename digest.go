package relwatch

import (
	"crypto/sha256"
	"encoding/hex"
)

// BodyDigest names a raw body as the stores keep it: "sha256:" and the hex
// SHA-256 of the bytes.
func BodyDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha256:" + hex.EncodeToString(sum[:])
}
