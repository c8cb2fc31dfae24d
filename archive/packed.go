package archive

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// errUnpackable is a qVersionsPacked row that does not split into the
// columns of qVersions: a field holds packSep.
var errUnpackable = errors.New("packed version row does not split into its columns")

// packedVersionsTx reads the versions f keeps from version_facts, a row in
// one value (qVersionsPacked), or column by column when a row does not
// split (packSep in a field).
func (a *Archive) packedVersionsTx(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, pk int64, f versionFilter) ([]relwatch.VersionInfo, error) {
	q := qVersionsPacked
	if a.schema < 10 {
		q = qVersionsPacked9
	}
	out, err := a.readPacked(ctx, tx, page, q, pk, f)
	if errors.Is(err, errUnpackable) {
		return a.scanVersions(ctx, tx, page, qVersions, pk, f, scanVersion)
	}
	return out, err
}

// readPacked reads the rows of a packed versions query (q, with f's
// condition). SQLite steps through the rows on this goroutine while a
// second one unpacks them: on a page with thousands of versions the two
// halves of the work (reading the table's pages, splitting and parsing
// each row) take about as long as each other, and run on two cores.
func (a *Archive) readPacked(ctx context.Context, tx *sql.Tx, page snapshots.PageKey, q string, pk int64, f versionFilter) ([]relwatch.VersionInfo, error) {
	rows, size, err := a.queryVersions(ctx, tx, q, pk, f)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	const batchSize = 256
	batches := make(chan []string, 4)
	unpacked := make(chan error, 1)
	out := make([]relwatch.VersionInfo, 0, size)
	go func() {
		summaries := map[string]map[string]int{}
		var failed error
		for batch := range batches { // drained to the end, even after a failure
			for _, packed := range batch {
				if failed != nil {
					break
				}
				vi, err := unpackVersion(packed, summaries)
				failed = badRow(err, vi, page)
				out = append(out, vi)
			}
		}
		unpacked <- failed
	}()
	batch := make([]string, 0, batchSize)
	for rows.Next() {
		// A string, not sql.RawBytes: the driver hands over a string of
		// its own, which the version's fields then share (RawBytes was
		// a copy of it, and the fields a third copy).
		var packed string
		if err = rows.Scan(&packed); err != nil {
			break
		}
		if batch = append(batch, packed); len(batch) == batchSize {
			batches <- batch
			batch = make([]string, 0, batchSize)
		}
	}
	batches <- batch
	close(batches)
	unpackErr := <-unpacked // out is the unpacker's until it answers
	if err == nil {
		err = rows.Err()
	}
	if err == nil {
		err = unpackErr
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryVersions runs a versions query (q, with f's condition) and says
// how many rows it can return at most, to size the listing at once:
// grown as it is read, it was copied a dozen times over (a VersionInfo is
// some 300 bytes).
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
