package snapshots

import (
	"encoding/json"
	"time"
)

// Block kinds.
const (
	Paragraph = "paragraph"
	Bullet    = "bullet"
)

// Snapshot is one page as relwatch understood it at one moment. Its JSON
// encoding is the contract printed by `relwatch show --format json`.
//
// The content fields (Title, UpdatedRaw, Lead, Captions, Sections) are what
// ContentHash covers; everything else describes where and when the content
// was seen. Version, FirstSeen and LastSeen are assigned by the archive and
// are zero in a freshly parsed snapshot.
type Snapshot struct {
	Page         string `json:"page"`              // "<id>/<lang>", e.g. "kazakhstan/fr"
	Version      int    `json:"version,omitempty"` // 1..N within the page; set by the archive
	Lang         string `json:"lang"`
	URL          string `json:"url"`                     // the configured URL
	FinalURL     string `json:"final_url"`               // the URL after redirects
	CanonicalURL string `json:"canonical_url,omitempty"` // FinalURL without session ids and trailing ?/&

	Title string `json:"title"`
	// UpdatedRaw is the page's own update stamp as printed, without its
	// label; UpdatedOn its local date (YYYY-MM-DD); UpdatedAt the UTC
	// instant (RFC 3339) when the stamp has a time of day. Each is null
	// (empty) when unknown.
	UpdatedRaw NullString `json:"updated_raw"`
	UpdatedOn  NullString `json:"updated_on"`
	UpdatedAt  NullString `json:"updated_at"`
	Lead       string     `json:"lead"`
	Captions   []string   `json:"captions"`
	Sections   []Section  `json:"sections"`

	ParserVersion int        `json:"parser_version,omitempty"`
	ContentHash   string     `json:"content_hash"`
	FirstSeen     *time.Time `json:"first_seen,omitempty"`
	LastSeen      *time.Time `json:"last_seen,omitempty"`
}

// Section is a heading and what stands under it. Content before a page's
// first heading lives in a section with an empty heading and level 0.
type Section struct {
	Heading  string    `json:"heading"`
	Level    int       `json:"level"` // 2..6 for h2..h6; 0 for the untitled first section
	Blocks   []Block   `json:"blocks"`
	Sections []Section `json:"sections"`
}

// Block is one paragraph or one bullet of normalised text.
type Block struct {
	Kind string `json:"kind"` // Paragraph or Bullet
	Text string `json:"text"`
}

// NullString is a string that encodes as JSON null when empty.
type NullString string

// MarshalJSON encodes an empty NullString as null.
func (s NullString) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// UnmarshalJSON decodes null as the empty string.
func (s *NullString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = NullString(v)
	return nil
}
