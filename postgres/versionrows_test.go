package postgres

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
)

// TestVersionsReadAsScanned: Versions, which reads version_facts' rows
// from their raw text values (log_row, or column by column), gives what
// scanning each column with pgx gives, NULLs, negative times and odd text
// included, and again when the statement runs a second time (prepared
// then) and in a view.
func TestVersionsReadAsScanned(t *testing.T) {
	ctx := context.Background()
	a, dsn := factsArchive(t)
	exec(t, dsn, `UPDATE version_facts SET updated_raw = NULL, updated_on = NULL, updated_at = NULL, first_seen = -1500000000123456789 WHERE version = 1;
		UPDATE version_facts SET updated_raw = 'Updated: 12 Mar. 2026', updated_on = '2026-03-12', updated_at = '', final_url = 'https://example.org/é?a=1', origin = 'file:x.html' WHERE version = 2;
		UPDATE version_facts SET window_start = 9223372036854775807, stamp_only = NULL, parser_change = true WHERE version = 3`)
	want := scannedVersions(t, dsn)
	for _, q := range []struct{ name, sql string }{{"log_row", qVersionsLog}, {"columns", qVersions}} {
		got, err := readVersions(ctx, a.reads, q.sql, benchPage)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("read from %s:\n%+v\nscanned:\n%+v", q.name, got, want)
		}
	}
	for _, how := range []string{"first run", "second run"} {
		got, err := a.Versions(ctx, benchPage)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Versions, %s:\n%+v\nscanned:\n%+v", how, got, want)
		}
	}
	err := a.ReadView(ctx, func(r relwatch.Reader) error {
		got, err := r.Versions(ctx, benchPage)
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("Versions in a view:\n%+v\nscanned:\n%+v", got, want)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestVersionsWithoutLogRows: a page whose log_row does not split (a field
// holding char(31)) or is NULL (a row too long to index), and an archive
// of schema 7 read before a writing command migrates it, are read column
// by column, with the same result.
func TestVersionsWithoutLogRows(t *testing.T) {
	ctx := context.Background()
	a, dsn := factsArchive(t)
	for _, edit := range []struct{ name, sql string }{
		{"a separator in a field", `UPDATE version_facts SET final_url = 'https://example.org/a'||chr(31)||'b' WHERE version = 2`},
		{"a row too long to index", `UPDATE version_facts SET final_url = 'https://example.org/' WHERE version = 2;
			UPDATE version_facts SET origin = repeat('x', 2500) WHERE version = 3`},
	} {
		exec(t, dsn, edit.sql)
		if _, err := readVersions(ctx, a.reads, qVersionsLog, benchPage); !errors.Is(err, errUnpackable) {
			t.Errorf("%s: log_row read gives %v, want errUnpackable", edit.name, err)
		}
		want := scannedVersions(t, dsn)
		got, err := a.Versions(ctx, benchPage)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Versions\n%+v\nscanned:\n%+v", edit.name, got, want)
		}
	}

	exec(t, dsn, `DROP INDEX version_facts_log; ALTER TABLE version_facts DROP COLUMN log_row; DROP FUNCTION version_facts_pack;
		UPDATE relwatch_meta SET value = '7' WHERE key = 'schema'`)
	want := scannedVersions(t, dsn)
	ro, err := Open(ctx, dsn, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got, err := ro.Versions(ctx, benchPage); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Versions of schema 7: %v\n%+v\nscanned:\n%+v", err, got, want)
	}
}

// scannedVersions reads version_facts of benchPage column by column
// through pgx's Scan: the reference Versions is compared with.
func scannedVersions(t *testing.T, dsn string) []relwatch.VersionInfo {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT version, content_hash, first_seen, last_seen, checks,
		updated_raw, updated_on, updated_at, parser_version, suspect,
		summary, stamp_only, parser_change, window_start,
		source, final_url, original_url, origin
		FROM version_facts WHERE page_pk = (`+qPagePK+`) ORDER BY version`, benchPage.ID, benchPage.Lang)
	if err != nil {
		t.Fatal(err)
	}
	var out []relwatch.VersionInfo
	for rows.Next() {
		var vi relwatch.VersionInfo
		var first, last int64
		var window *int64
		var raw, on, at, summary *string
		var stampOnly, parserChange *bool
		if err := rows.Scan(&vi.Version, &vi.ContentHash, &first, &last, &vi.Checks, &raw, &on, &at,
			&vi.ParserVersion, &vi.Suspect, &summary, &stampOnly, &parserChange, &window,
			&vi.Source, &vi.FinalURL, &vi.OriginalURL, &vi.Origin); err != nil {
			t.Fatal(err)
		}
		vi.UpdatedRaw, vi.UpdatedOn, vi.UpdatedAt = deref(raw), deref(on), deref(at)
		vi.StampOnly, vi.ParserChange = deref(stampOnly), deref(parserChange)
		vi.FirstSeen, vi.LastSeen, vi.WindowStart = fromNS(first), fromNS(last), fromNSPtr(window)
		if summary != nil {
			if vi.Summary, err = relwatch.DecodeSummary(*summary); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, vi)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) != 3 {
		t.Fatalf("%d versions in the test archive, want 3", len(out))
	}
	return out
}

func TestParseInt(t *testing.T) {
	for _, n := range []int64{0, 7, -7, 1764777600123456789, math.MaxInt64, -math.MaxInt64} {
		if got, ok := parseInt([]byte(strconv.FormatInt(n, 10))); !ok || got != n {
			t.Errorf("parseInt(%d) = %d, %v", n, got, ok)
		}
	}
	if got, ok := parseInt(nil); !ok || got != 0 {
		t.Errorf("parseInt(NULL) = %d, %v; want 0, true", got, ok)
	}
	for _, s := range []string{"", "-", "1.5", "12a", "9223372036854775808", "99999999999999999999", " 1"} {
		if got, ok := parseInt([]byte(s)); ok {
			t.Errorf("parseInt(%q) = %d, ok; want a failure", s, got)
		}
	}
}

// TestFirstRunUnprepared: a statement's first run through firstRun is
// sent unprepared, its later runs as pgx's default (prepared, cached).
func TestFirstRunUnprepared(t *testing.T) {
	var f firstRun
	if args := f.mode("SELECT 1", []any{1}); len(args) != 2 || args[0] != pgx.QueryExecModeExec {
		t.Errorf("first run: args %v, want QueryExecModeExec first", args)
	}
	if args := f.mode("SELECT 1", []any{1}); len(args) != 1 || args[0] != 1 {
		t.Errorf("second run: args %v, want them as given", args)
	}
	if args := f.mode("SELECT 2", nil); len(args) != 1 {
		t.Errorf("first run of another statement: args %v, want QueryExecModeExec", args)
	}
}
