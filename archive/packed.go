package archive

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// errUnpackable is a qVersionsPacked row that does not split into the
// columns of qVersions: a field holds packSep.
var errUnpackable = errors.New("packed version row does not split into its columns")

// packedVersionsTx reads the versions f keeps from version_facts (see
// eachPackedTx), into a listing sized at once: grown as it is read, it was
// copied a dozen times over (a VersionInfo is some 300 bytes).
func (a *Archive) packedVersionsTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, pk int64, f versionFilter) ([]relwatch.VersionInfo, error) {
	var latest sql.NullInt64
	if err := tx.QueryRowContext(ctx, qMaxVersion, pk).Scan(&latest); err != nil {
		return nil, err
	}
	out := make([]relwatch.VersionInfo, 0, min(latest.Int64, 1<<16))
	err := a.eachPackedTx(ctx, tx, page, pk, f, func(batch []relwatch.VersionInfo) error {
		out = append(out, batch...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachPackedTx hands the versions f keeps to fn, oldest first, a batch at
// a time: read from version_facts a row in one value (qVersionsPacked),
// and column by column from the first row that does not split (packSep in
// a field) on.
func (a *Archive) eachPackedTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, pk int64, f versionFilter, fn func([]relwatch.VersionInfo) error) error {
	q := qVersionsPacked
	if a.schema < 10 {
		q = qVersionsPacked9
	}
	from, err := a.streamPacked(ctx, tx, page, q, pk, f, fn)
	if !errors.Is(err, errUnpackable) {
		return err
	}
	rest := versionFilter{cond: "version >= ?", args: []any{from}}
	if f.cond != "" {
		rest = versionFilter{cond: f.cond + " AND version >= ?", args: append(slices.Clip(f.args), from)}
	}
	vs, err := a.scanVersions(ctx, tx, page, qVersions, pk, rest, scanVersion)
	if err != nil || len(vs) == 0 {
		return err
	}
	return fn(vs)
}

// streamBatchSize is how many versions streamPacked hands over at a
// time: enough to amortise the channel operations, few enough that a
// batch's strings stay in the cache. A variable so that a test can see
// many batches on a small page.
var streamBatchSize = 256

// streamPacked reads the rows of a packed versions query (q, with f's
// condition) and hands them to fn unpacked, a batch at a time. SQLite
// steps through the rows on this goroutine while a second one unpacks
// them and runs fn: on a page with thousands of versions the two halves
// of the work (reading the table's pages; splitting and parsing each row,
// then whatever fn does with it) take about as long as each other, and
// run on two cores. A failure of the second goroutine (fn's error, a bad
// row) stops the reading. When a row does not split, the rows before it
// have been handed over and streamPacked returns errUnpackable with the
// row's version.
func (a *Archive) streamPacked(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, q string, pk int64, f versionFilter, fn func([]relwatch.VersionInfo) error) (unpackableAt int, err error) {
	args := []any{pk}
	if f.cond != "" {
		q = strings.Replace(q, "WHERE page_pk = ?", "WHERE page_pk = ? AND "+f.cond, 1)
		args = append(args, f.args...)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	batchSize := streamBatchSize
	full := make(chan []string, 2)
	free := make(chan []string, 4) // emptied batches, to be filled again
	stop := make(chan struct{})    // closed when the unpacking fails
	type result struct {
		unpackableAt int
		err          error
	}
	unpacked := make(chan result, 1)
	go func() {
		var res result
		summaries := map[string]map[string]int{}
		vs := make([]relwatch.VersionInfo, 0, batchSize)
		for batch := range full { // drained to the end, even after a failure
			if res.err == nil {
				vs, res.unpackableAt, res.err = unpackBatch(vs[:0], batch, summaries, page)
				if res.err == nil || errors.Is(res.err, errUnpackable) && len(vs) > 0 {
					// The rows before one that does not split go now.
					if err := fn(vs); err != nil {
						res.err = err
					}
				}
				if res.err != nil {
					close(stop)
				}
			}
			select {
			case free <- batch[:0]:
			default:
			}
		}
		unpacked <- res
	}()
	batch := make([]string, 0, batchSize)
	send := func() bool {
		select {
		case full <- batch:
		case <-stop:
			return false
		}
		select {
		case batch = <-free:
		default:
			batch = make([]string, 0, batchSize)
		}
		return true
	}
	for rows.Next() {
		// A string, not sql.RawBytes: the driver hands over a string of
		// its own, which the version's fields then share (RawBytes was
		// a copy of it, and the fields a third copy).
		var packed string
		if err = rows.Scan(&packed); err != nil {
			break
		}
		if batch = append(batch, packed); len(batch) == batchSize && !send() {
			break
		}
	}
	if len(batch) > 0 {
		send()
	}
	close(full)
	res := <-unpacked // the batches are the unpacker's until it answers
	if res.err != nil {
		return res.unpackableAt, res.err
	}
	if err == nil {
		err = rows.Err()
	}
	return 0, err
}

// unpackBatch appends the versions of packed rows to vs. At a row that
// does not split it stops and returns errUnpackable with the row's
// version.
func unpackBatch(vs []relwatch.VersionInfo, batch []string, summaries map[string]map[string]int, page snapshots.PageKey) ([]relwatch.VersionInfo, int, error) {
	for _, packed := range batch {
		vi, err := unpackVersion(packed, summaries)
		if errors.Is(err, errUnpackable) {
			// The version comes first, and a number never holds packSep.
			n, _, _ := strings.Cut(packed, packSep)
			at, aerr := strconv.Atoi(n)
			if aerr != nil {
				return vs, 0, fail(relwatch.ErrCorrupt, "a version of %s does not read back (bad version number %q)", page, n)
			}
			return vs, at, err
		}
		if err := badRow(err, vi, page); err != nil {
			return vs, 0, err
		}
		vs = append(vs, vi)
	}
	return vs, 0, nil
}

// queryVersions runs a versions query (q, with f's condition) and says
// how many rows it can return at most, to size the listing at once.
func (a *Archive) queryVersions(ctx context.Context, tx *sql.Tx, q string, pk int64, f versionFilter) (*sql.Rows, int64, error) {
	args := []any{pk}
	if f.cond != "" {
		q = strings.Replace(q, "WHERE page_pk = ?", "WHERE page_pk = ? AND "+f.cond, 1)
		args = append(args, f.args...)
	}
	var latest sql.NullInt64
	if err := tx.QueryRowContext(ctx, qMaxVersion, pk).Scan(&latest); err != nil {
		return nil, 0, err
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	return rows, min(latest.Int64, 1<<16), err
}

// scanVersions runs a versions query (q, with f's condition) and reads
// each row with scan.
func (a *Archive) scanVersions(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, q string, pk int64, f versionFilter,
	scan func(*sql.Rows) (relwatch.VersionInfo, error)) ([]relwatch.VersionInfo, error) {
	rows, size, err := a.queryVersions(ctx, tx, q, pk, f)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]relwatch.VersionInfo, 0, size)
	for rows.Next() {
		vi, err := scan(rows)
		if err := badRow(err, vi, page); err != nil {
			return nil, err
		}
		out = append(out, vi)
	}
	return out, rows.Err()
}

// errBadVersionRow is a version row with a bad time, number or summary.
var errBadVersionRow = errors.New("bad version row")

// badRow says which version of page does not read back when err is
// errBadVersionRow, and returns any other err as it is.
func badRow(err error, vi relwatch.VersionInfo, page snapshots.PageKey) error {
	if errors.Is(err, errBadVersionRow) {
		return fail(relwatch.ErrCorrupt, "version %d of %s does not read back (bad times, numbers or summary)", vi.Version, page)
	}
	return err
}

// unpackVersion reads one row of qVersionsPacked. Rows with the same
// summary share its map (summaries, by its JSON): read-only, like every
// VersionInfo a store hands out.
func unpackVersion(packed string, summaries map[string]map[string]int) (relwatch.VersionInfo, error) {
	var f [18]string
	// A loop of IndexByte, not strings.SplitSeq: its iterator cost more
	// than the splitting on thousands of rows.
	rest := packed
	for n := range f {
		i := strings.IndexByte(rest, packSep[0])
		if i < 0 {
			if n != len(f)-1 {
				return relwatch.VersionInfo{}, errUnpackable
			}
			f[n] = rest
			break
		}
		if n == len(f)-1 {
			return relwatch.VersionInfo{}, errUnpackable
		}
		f[n], rest = rest[:i], rest[i+1:]
	}
	if m, ok := summaries[f[10]]; ok && f[10] != "" {
		vi, err := versionFromText(f, false)
		vi.Summary = m
		return vi, err
	}
	vi, err := versionFromText(f, true)
	if err == nil && f[10] != "" {
		summaries[f[10]] = vi.Summary
	}
	return vi, err
}

// versionFromText builds a VersionInfo from the columns of qVersions as
// text, NULL as "", and its summary when withSummary.
func versionFromText(f [18]string, withSummary bool) (relwatch.VersionInfo, error) {
	var vi relwatch.VersionInfo
	bad := false
	num := func(s string) int {
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		bad = bad || err != nil
		return n
	}
	vi.Version = num(f[0])
	vi.ContentHash = f[1]
	var err1, err2 error
	vi.FirstSeen, err1 = parseTime(f[2])
	vi.LastSeen, err2 = parseTime(f[3])
	bad = bad || err1 != nil || err2 != nil
	vi.Checks = num(f[4])
	vi.UpdatedRaw, vi.UpdatedOn, vi.UpdatedAt = f[5], f[6], f[7]
	vi.ParserVersion = num(f[8])
	vi.Suspect = f[9]
	if withSummary && f[10] != "" { // a change's summary is JSON, never ""
		m, err := relwatch.DecodeSummary(f[10])
		vi.Summary, bad = m, bad || err != nil
	}
	vi.StampOnly, vi.ParserChange = num(f[11]) != 0, num(f[12]) != 0
	if f[13] != "" {
		t, err := parseTime(f[13])
		vi.WindowStart, bad = &t, bad || err != nil
	}
	vi.Source, vi.FinalURL, vi.OriginalURL, vi.Origin = f[14], f[15], f[16], f[17]
	if bad {
		return vi, errBadVersionRow
	}
	return vi, nil
}
