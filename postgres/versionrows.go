package postgres

import (
	"bytes"
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
// keep (version_facts), column by column: on an archive of schema 5 to 7,
// and for a page qVersionsLog cannot give. Its first column is the page's
// latest version number, the same on every row (an init plan, one step
// down the primary key), for sizing the listing at once: grown as it is
// read, a listing of 5,000 versions was copied a dozen times over.
const qVersions = `WITH pk AS MATERIALIZED (` + qPagePK + `)
	SELECT (SELECT max(version) FROM version_facts WHERE page_pk = (SELECT page_pk FROM pk)),
		version, content_hash, first_seen, last_seen, checks,
		updated_raw, updated_on, updated_at, parser_version, suspect,
		summary, stamp_only, parser_change, window_start,
		source, final_url, original_url, origin
	FROM version_facts WHERE page_pk = (SELECT page_pk FROM pk) ORDER BY version`

// qVersionsLog is qVersions with each row's columns in one value,
// version_facts.log_row (migration 008), read from the index that holds
// it: an index-only scan of the page's entries, in order, whatever the
// size of the archive and wherever the rows lie in the table.
const qVersionsLog = `WITH pk AS MATERIALIZED (` + qPagePK + `)
	SELECT (SELECT max(version) FROM version_facts WHERE page_pk = (SELECT page_pk FROM pk)), log_row
	FROM version_facts WHERE page_pk = (SELECT page_pk FROM pk) ORDER BY version`

// logRowsSchema is the first schema with version_facts.log_row.
const logRowsSchema = 8

// logSep separates the fields of a log_row (char(31) there). A field that
// holds it (a URL or a file name could) makes the row split into too
// many fields: the page is then read column by column.
const logSep = 0x1f

// errUnpackable is a log_row that does not split into the columns of
// qVersions, or NULL (a row too long to index).
var errUnpackable = errors.New("version_facts.log_row does not split into its columns")

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

// versionsTx reads a page's versions: from version_facts.log_row on an
// archive that has it, else (or for a page whose rows do not split)
// column by column.
func versionsTx(ctx context.Context, q querier, schema int, page snapshots.PageKey) ([]relwatch.VersionInfo, error) {
	var vs []relwatch.VersionInfo
	err := errUnpackable
	if schema >= logRowsSchema {
		vs, err = readVersions(ctx, q, qVersionsLog, page)
	}
	if errors.Is(err, errUnpackable) {
		vs, err = readVersions(ctx, q, qVersions, page)
	}
	if err == nil && len(vs) == 0 {
		_, err = pagePK(ctx, q, page) // no such page, or a page without versions
	}
	return vs, err
}

// readVersions runs sql, qVersions or qVersionsLog. It is sent
// unprepared (QueryExecModeExec): one round trip, whether or not the
// connection has run it before, and the results as text, which
// versionRows reads without pgx's per-value scanning. Planning a range
// scan of one page again each time costs nothing next to its thousands
// of rows.
func readVersions(ctx context.Context, q querier, sql string, page snapshots.PageKey) ([]relwatch.VersionInfo, error) {
	rows, err := q.Query(ctx, sql, pgx.QueryExecModeExec, page.ID, page.Lang)
	if err != nil {
		return nil, err
	}
	vr := versionRows{page: page}
	out, err := vr.read(rows)
	if errors.Is(err, errBadVersionRow) {
		return nil, fail(relwatch.ErrCorrupt, "version %d of %s does not read back (bad numbers or flags)", vr.version, page)
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
	var fields [vcCount][]byte
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) == 2 { // qVersionsLog
			if !splitLogRow(raw, &fields) {
				return nil, errUnpackable
			}
			raw = fields[:]
		}
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

// row fills vi from one row's raw values (text format, nil for NULL; a
// log_row's fields, "" for NULL).
func (vr *versionRows) row(raw [][]byte, vi *relwatch.VersionInfo) error {
	bad := false
	num := func(b []byte) int64 {
		n, ok := parseInt(b)
		bad = bad || !ok
		return n
	}
	flag := func(b []byte) bool { // NULL is false
		switch string(b) {
		case "t", "true":
			return true
		case "", "f", "false":
			return false
		}
		bad = true
		return false
	}
	vi.Version = int(num(raw[vcVersion]))
	vr.version = vi.Version
	vi.FirstSeen, vi.LastSeen = fromNS(num(raw[vcFirstSeen])), fromNS(num(raw[vcLastSeen]))
	vi.Checks = int(num(raw[vcChecks]))
	vi.ParserVersion = int(num(raw[vcParserVersion]))
	vi.StampOnly, vi.ParserChange = flag(raw[vcStampOnly]), flag(raw[vcParserChange])
	if w := raw[vcWindowStart]; len(w) > 0 {
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

	if summary := raw[vcSummary]; len(summary) > 0 { // JSON, never ""
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

// splitLogRow gives the fields of a row of qVersionsLog, the page's latest
// version first, as qVersions would have them (with "" for NULL); false
// when its log_row is NULL or does not split into them.
func splitLogRow(raw [][]byte, fields *[vcCount][]byte) bool {
	fields[vcLatest] = raw[0]
	rest := raw[1]
	if rest == nil {
		return false
	}
	for n := vcLatest + 1; n < vcCount; n++ {
		i := bytes.IndexByte(rest, logSep)
		if n == vcCount-1 {
			fields[n] = rest
			return i < 0
		}
		if i < 0 {
			return false
		}
		fields[n], rest = rest[:i], rest[i+1:]
	}
	return true
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
