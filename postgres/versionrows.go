package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// qVersions reads the narrow copy of the columns log shows that triggers
// keep (version_facts): one index range scan, as in SQLite. Its first
// column is the page's latest version number, the same on every row (an
// init plan, one step down the primary key), for sizing the listing at
// once: grown as it is read, a listing of 5,000 versions was copied a
// dozen times over.
const qVersions = `WITH pk AS MATERIALIZED (` + qPagePK + `)
	SELECT (SELECT max(version) FROM version_facts WHERE page_pk = (SELECT page_pk FROM pk)),
		version, content_hash, first_seen, last_seen, checks,
		updated_raw, updated_on, updated_at, parser_version, suspect,
		summary, stamp_only, parser_change, window_start,
		source, final_url, original_url, origin
	FROM version_facts WHERE page_pk = (SELECT page_pk FROM pk) ORDER BY version`

// The columns of qVersions, by position.
const (
	vcLatest = iota
	vcVersion
	vcContentHash
	vcFirstSeen
	vcLastSeen
	vcChecks
	vcUpdatedRaw
	vcUpdatedOn
	vcUpdatedAt
	vcParserVersion
	vcSuspect
	vcSummary
	vcStampOnly
	vcParserChange
	vcWindowStart
	vcSource
	vcFinalURL
	vcOriginalURL
	vcOrigin
	vcCount
)

// errBadVersionRow is a version_facts row whose numbers or flags do not
// read back.
var errBadVersionRow = errors.New("bad version row")

func versionsTx(ctx context.Context, q querier, page snapshots.PageKey) ([]relwatch.VersionInfo, error) {
	// Sent unprepared (QueryExecModeExec): one round trip, whether or not
	// the connection has run it before, and the results as text, which
	// versionRows reads without pgx's per-value scanning. Planning a
	// range scan of one page again each time costs nothing next to its
	// thousands of rows.
	rows, err := q.Query(ctx, qVersions, pgx.QueryExecModeExec, page.ID, page.Lang)
	if err != nil {
		return nil, err
	}
	vr := versionRows{page: page}
	out, err := vr.read(rows)
	if errors.Is(err, errBadVersionRow) {
		return nil, fail(relwatch.ErrCorrupt, "version %d of %s does not read back (bad numbers or flags)", vr.version, page)
	}
	if err == nil && len(out) == 0 {
		_, err = pagePK(ctx, q, page) // no such page, or a page without versions
	}
	return out, err
}

// versionRows reads the rows of qVersions from their raw text values:
// each row's text in one string (one allocation, not one a column), the
// numbers parsed in place, the windows' times from one slab, and versions
// with the same summary sharing its map, decoded once (as the SQLite
// archive's do): read-only, like every VersionInfo a store hands out.
type versionRows struct {
	page      snapshots.PageKey
	summaries map[string]map[string]int
	windows   []time.Time
	version   int // of the row being read, for messages
}

func (vr *versionRows) read(rows pgx.Rows) ([]relwatch.VersionInfo, error) {
	defer rows.Close()
	vr.summaries = map[string]map[string]int{}
	var out []relwatch.VersionInfo
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != vcCount {
			return nil, fmt.Errorf("version_facts: %d columns, want %d", len(raw), vcCount)
		}
		if out == nil {
			n, _ := parseInt(raw[vcLatest])
			out = make([]relwatch.VersionInfo, 0, min(max(n, 1), 1<<16))
		}
		out = append(out, relwatch.VersionInfo{})
		if err := vr.row(raw, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	rows.Close()
	return out, rows.Err()
}

// row fills vi from one row's raw values (text format, nil for NULL).
func (vr *versionRows) row(raw [][]byte, vi *relwatch.VersionInfo) error {
	bad := false
	num := func(b []byte) int64 {
		n, ok := parseInt(b)
		bad = bad || !ok
		return n
	}
	flag := func(b []byte) bool { // NULL is false
		bad = bad || len(b) > 1 || (len(b) == 1 && b[0] != 't' && b[0] != 'f')
		return len(b) == 1 && b[0] == 't'
	}
	vi.Version = int(num(raw[vcVersion]))
	vr.version = vi.Version
	vi.FirstSeen, vi.LastSeen = fromNS(num(raw[vcFirstSeen])), fromNS(num(raw[vcLastSeen]))
	vi.Checks = int(num(raw[vcChecks]))
	vi.ParserVersion = int(num(raw[vcParserVersion]))
	vi.StampOnly, vi.ParserChange = flag(raw[vcStampOnly]), flag(raw[vcParserChange])
	if w := raw[vcWindowStart]; w != nil {
		if len(vr.windows) == cap(vr.windows) {
			vr.windows = make([]time.Time, 0, 256)
		}
		vr.windows = append(vr.windows, fromNS(num(w)))
		vi.WindowStart = &vr.windows[len(vr.windows)-1]
	}
	if bad {
		return errBadVersionRow
	}

	// The text columns, in one string.
	text := [...]int{vcContentHash, vcUpdatedRaw, vcUpdatedOn, vcUpdatedAt, vcSuspect, vcSource, vcFinalURL, vcOriginalURL, vcOrigin}
	n := 0
	for _, c := range text {
		n += len(raw[c])
	}
	var b strings.Builder
	b.Grow(n)
	for _, c := range text {
		b.Write(raw[c])
	}
	s := b.String()
	var f [len(text)]string
	at := 0
	for i, c := range text {
		f[i] = s[at : at+len(raw[c])]
		at += len(raw[c])
	}
	vi.ContentHash, vi.UpdatedRaw, vi.UpdatedOn, vi.UpdatedAt, vi.Suspect = f[0], f[1], f[2], f[3], f[4]
	vi.Source, vi.FinalURL, vi.OriginalURL, vi.Origin = f[5], f[6], f[7], f[8]

	if summary := raw[vcSummary]; summary != nil {
		m, ok := vr.summaries[string(summary)] // no copy for the look-up
		if !ok {
			var err error
			if m, err = relwatch.DecodeSummary(string(summary)); err != nil {
				return fail(relwatch.ErrCorrupt, "change into version %d of %s: bad summary", vi.Version, vr.page)
			}
			vr.summaries[string(summary)] = m
		}
		vi.Summary = m
	}
	return nil
}

// parseInt reads a decimal integer in PostgreSQL's text format; NULL (nil)
// is 0.
func parseInt(b []byte) (int64, bool) {
	if b == nil {
		return 0, true
	}
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' || n > (math.MaxInt64-int64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
