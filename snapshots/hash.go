package snapshots

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// hashPrefix versions the canonical content encoding: change it, and every
// content hash changes with it.
const hashPrefix = "relwatch-content-v1\n"

// content is the part of a snapshot that ContentHash covers: what a reader
// of the page sees, never where or when it was fetched. The derived stamp
// fields are left out so that a better stamp parser does not create
// versions out of unchanged pages.
type content struct {
	Title      string    `json:"title"`
	UpdatedRaw string    `json:"updated_raw"`
	Lead       string    `json:"lead"`
	Captions   []string  `json:"captions"`
	Sections   []Section `json:"sections"`
}

// Seal makes the snapshot canonical: nil lists become empty lists (so the
// JSON says [] rather than null) and ContentHash is computed.
func (s *Snapshot) Seal() {
	if s.Captions == nil {
		s.Captions = []string{}
	}
	s.Sections = fillSections(s.Sections)
	s.ContentHash = s.computeHash()
}

// VerifyHash reports whether ContentHash matches the content.
func (s *Snapshot) VerifyHash() bool {
	c := *s
	c.Seal()
	return c.ContentHash == s.ContentHash
}

func (s *Snapshot) computeHash() string {
	c := content{
		Title:      s.Title,
		UpdatedRaw: string(s.UpdatedRaw),
		Lead:       s.Lead,
		Captions:   s.Captions,
		Sections:   s.Sections,
	}
	h := sha256.New()
	h.Write([]byte(hashPrefix))
	h.Write(mustEncode(c))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func fillSections(secs []Section) []Section {
	if secs == nil {
		return []Section{}
	}
	for i := range secs {
		if secs[i].Blocks == nil {
			secs[i].Blocks = []Block{}
		}
		secs[i].Sections = fillSections(secs[i].Sections)
	}
	return secs
}

// Marshal returns the canonical JSON encoding of a snapshot: compact,
// fields in declaration order, no HTML escaping. The same snapshot always
// encodes to the same bytes.
func Marshal(s Snapshot) []byte {
	return mustEncode(s)
}

// MarshalIndent is Marshal made readable, for people and for files kept in
// git.
func MarshalIndent(s Snapshot) []byte {
	// The times are the last fields: the shadowing ones keep their place.
	shown := struct {
		Snapshot
		FirstSeen *JSONTime `json:"first_seen,omitempty"`
		LastSeen  *JSONTime `json:"last_seen,omitempty"`
	}{s, JSONTimePtr(s.FirstSeen), JSONTimePtr(s.LastSeen)}
	var out bytes.Buffer
	if err := json.Indent(&out, mustEncode(shown), "", "  "); err != nil {
		panic("snapshots: indent canonical JSON: " + err.Error())
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// Unmarshal decodes a snapshot encoded by Marshal or MarshalIndent.
func Unmarshal(data []byte) (Snapshot, error) {
	var s Snapshot
	err := json.Unmarshal(data, &s)
	return s, err
}

// mustEncode encodes plain data structures, which cannot fail.
func mustEncode(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("snapshots: encode: " + err.Error())
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
