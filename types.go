package relwatch

import (
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// PageStatus is the state of one page series.
type PageStatus struct {
	Page                snapshots.PageKey
	URL, CanonicalURL   string
	Latest              int // latest version, 0 when none yet
	LatestHash          string
	UpdatedRaw          string // the page's own update stamp in the latest version
	LastCheck           *time.Time
	LastSuccess         *time.Time
	LastChange          *time.Time // first_seen of the latest version
	LastError           string     // of the latest capture, when it failed
	ConsecutiveFailures int        // failed captures since the last good one
}

// VersionInfo describes one version without its content.
type VersionInfo struct {
	Version                          int
	ContentHash                      string
	FirstSeen, LastSeen              time.Time
	Checks                           int // successful captures that saw this version
	UpdatedRaw, UpdatedOn, UpdatedAt string
	ParserVersion                    int
	Summary                          map[string]int // of the change into this version; nil for version 1
	StampOnly                        bool
	ParserChange                     bool
	WindowStart                      *time.Time // last capture that still saw the previous version
	Suspect                          string     // of the capture this version came from
	Provenance                                  // of the capture this version came from (its first sighting)
}

// Provenance says where a capture came from: the live site, the Wayback
// Machine or an imported file.
type Provenance struct {
	Source      string // SourceLive, SourceWayback or SourceImport
	FinalURL    string // the URL the bytes were served for (live: after redirects)
	OriginalURL string // Wayback's "original" URL, or an imported file's page URL
	Origin      string // where relwatch read the bytes: a replay URL or a file; "" for live
}

// Capture is one fetch attempt as the scraper saw it.
type Capture struct {
	Page              snapshots.PageKey
	URL               string // the configured URL
	CanonicalURL      string
	FinalURL          string
	Source            string    // SourceLive, SourceWayback or SourceImport
	Started, Finished time.Time // for a Wayback capture or an imported file: when the page was captured
	Status            int
	Header            map[string]string // selected response headers, stored as JSON
	Body              []byte            // raw body, may be nil; stored once per distinct content
	ContentType       string
	Outcome           string // set by the Record* methods
	ErrorKind         string // for failed captures
	ErrorMessage      string
	Suspect           string // non-empty: why this capture looks wrong; it is archived all the same

	// Provenance of a capture not made live (schema 3).
	OriginalURL    string    // the URL as captured: Wayback's "original", or the page URL of an imported file
	OriginalDigest string    // Wayback's digest of the capture (base32 SHA-1), "" otherwise
	Origin         string    // where relwatch read the bytes: the replay URL, or the imported file
	Retrieved      time.Time // when relwatch read them; zero for live captures

	// Events are what this check tells people (see Event): the Record
	// methods write them to the outbox in the check's transaction.
	Events []Event

	// ParseKey, when set, sums up everything the snapshot was parsed from
	// (scraper.ParseKey: parser version, parse options, content type,
	// final URL, body digest). RecordVersion and the unchanged records keep
	// it on the version the capture saw, so that a later capture with the
	// same key is known to hold that version's content without a parse.
	ParseKey string
	// BodyDigest, when set, is BodyDigest(Body), worked out already by the
	// caller (off the writer); a store computes it when it is empty.
	BodyDigest string
	// BodyGzip, when set, is Gzip(Body, GzipFast), worked out already by
	// the caller (off the writer, for a page's first version, which is
	// stored whole); a store that keeps the body whole at that level takes
	// it as given.
	BodyGzip []byte
}

// CheckState is what a live check of a page needs from the archive
// (Recorder.CheckStates): the validators for a conditional request and
// the latest version, to skip parsing a body it has parsed before.
type CheckState struct {
	// ETag and LastModified are those of the live capture that saw the
	// page's latest version; both are empty when there is none (see
	// LatestValidators).
	ETag, LastModified string
	Latest             LatestParse
}

// LatestParse is what a live check needs of its page's latest version to
// skip parsing a body it has parsed before.
type LatestParse struct {
	Version     int    // 0: the page has no version
	ContentHash string // the version's content hash
	ParseKey    string // Capture.ParseKey of the last capture parsed into it; "" when unknown
	UpdatedRaw  string // the version's update stamp as printed; "" when none
}

// Seen is the instant a capture counts for: when the request started.
func (c *Capture) Seen() time.Time {
	switch {
	case !c.Started.IsZero():
		return c.Started
	case !c.Finished.IsZero():
		return c.Finished
	}
	return time.Now()
}

// Sources stored in captures.source.
const (
	SourceLive    = "live"
	SourceWayback = "wayback"
	SourceImport  = "import"
)

// ChangeRecord is what the caller's differ says about a change from one
// version to the next.
type ChangeRecord struct {
	DiffJSON  []byte
	Summary   map[string]int
	StampOnly bool
	// ParserChange marks a change that comes from a new parser rather than
	// from an edit of the page. Reparse sets it; a caller that knows (for
	// example, because it re-parsed the previous raw body with the new
	// parser and got the new snapshot) may set it too.
	ParserChange bool
}

// Outcomes stored in captures.outcome.
const (
	OutcomeNew       = "new"
	OutcomeChanged   = "changed"
	OutcomeUnchanged = "unchanged"
	OutcomeFailed    = "failed"
)

// StoredCapture is a capture as the archive holds it.
type StoredCapture struct {
	ID int64
	// Capture as recorded: URLs, source, times, status, headers (the Date
	// header put back), content type, outcome, error, suspect and
	// provenance. Its Page and URL are the page's; Body is nil (BodyDigest
	// names it, RawBody reads it).
	Capture
	BodyDigest string // "" when no body was kept
	Version    int    // the version it saw; 0 when it failed
}

// PastCapture is a capture from the Wayback Machine or an imported file, as
// backfill and import need to know it to skip what is already archived.
type PastCapture struct {
	Started        time.Time
	Source         string
	OriginalURL    string
	OriginalDigest string
	Origin         string
	BodyDigest     string // "sha256:…", "" when no body was kept
	ContentType    string
	Outcome        string
	Error          string // error_kind: error_message, for failed captures
}

// Placed says where RecordInOrder put a capture.
type Placed struct {
	Version int    // the version the capture now belongs to
	Outcome string // OutcomeNew, OutcomeChanged (it starts its version) or OutcomeUnchanged
	Shifted bool   // versions after it were renumbered
}

// Hit is one distinct block of text that matched a search, with the
// versions of its page that contain it.
type Hit struct {
	Page      string   // "<id>/<lang>"
	Kind      string   // what the text is: KindTitle, KindLead, KindCaption, KindHeading, KindParagraph or KindBullet
	Path      []string // section headings from the top (for a heading, those of the sections around it); empty for title, lead and captions
	Text      string
	Versions  []int     // ascending; gaps mean the text vanished and came back
	FirstSeen time.Time // first_seen of the first version containing the text
	LastSeen  time.Time // last_seen of the last version containing the text
	// VanishedIn is the first version after the last one containing the
	// text, 0 while the page's latest version still contains it;
	// VanishedSeen is that version's first_seen (nil with VanishedIn 0):
	// the text vanished between LastSeen and VanishedSeen.
	VanishedIn   int
	VanishedSeen *time.Time
}

// Problem is one thing Check found wrong.
type Problem struct {
	Kind   string // "integrity", "reference", "raw-body", "version", "change", "capture", "search-index"
	Detail string
}

func (p Problem) String() string { return p.Kind + ": " + p.Detail }

// ParseFunc parses a stored raw body into a snapshot and says which parser
// version did it. Reparse seals the snapshot.
type ParseFunc func(raw []byte, contentType, url string) (snapshots.Snapshot, int, error)

// CompareFunc diffs two consecutive versions.
type CompareFunc func(old, new snapshots.Snapshot) ChangeRecord

// ReparseReport says what Reparse changed, or would change.
type ReparseReport struct {
	DryRun bool
	Pages  []PageReparse // ordered by page
}

// PageReparse is one page's part of a ReparseReport.
type PageReparse struct {
	Page     snapshots.PageKey
	Captures int // successful captures re-parsed
	Before   int // versions before
	After    int // versions after
	// Rewritten lists the new versions whose content differs from what the
	// old parser stored for the same first capture (or that start at a
	// different capture).
	Rewritten []int
	// ParserChanges lists the new versions that only the new parser tells
	// apart from their predecessor: the old parser saw no change there.
	// They are stored with changes.parser_change = 1, never as page edits.
	ParserChanges []int
	Changed       bool // anything stored for the page differs
}

// Statuses of one page in one run, as scrape prints them.
const (
	StatusNew       = "new"
	StatusChanged   = "changed"
	StatusUnchanged = "unchanged"
	StatusFailed    = "failed"
	// StatusSkipped is a page the run was stopped (Ctrl-C, SIGTERM) before
	// it checked: not a failure, and not recorded.
	StatusSkipped = "skipped"
)

// Error kinds the pipeline adds to the scraper's fetch and parse kinds.
const (
	// KindCorruptBaseline: the latest archived version fails its content
	// hash, so nothing can be compared with it.
	KindCorruptBaseline = "corrupt_baseline"
	// KindNotModified: a 304 answer for a page the archive has no version of.
	KindNotModified = "not_modified"
	// KindDeadline: the run's --deadline passed before the page was fetched.
	KindDeadline = "deadline"
)

// CameBackTo finds, among versions sharing one content hash (as
// VersionsByHash lists them), the latest one before version to: the
// version whose content version to brought back. It returns false when to
// is the first with that content.
func CameBackTo(sameHash []VersionInfo, to int) (VersionInfo, bool) {
	var back VersionInfo
	found := false
	for _, v := range sameHash {
		if v.Version < to && (!found || v.Version > back.Version) {
			back, found = v, true
		}
	}
	return back, found
}

// Checked is one check of a group that Recorder.RecordGroup records: a
// new version when New is set, else an unchanged check that saw Version.
type Checked struct {
	Capture Capture
	Version int
	New     *NewVersion
}

// NewVersion is the new content a check saw, as RecordVersion takes it:
// the sealed snapshot, the parser that made it, and the change into it
// (nil for a page's first version).
type NewVersion struct {
	Snap          snapshots.Snapshot
	ParserVersion int
	Change        *ChangeRecord
}
