package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

var frKey = snapshots.PageKey{ID: "kazakhstan", Lang: "fr"}

// addVersion archives one more version of page in the fixture archive of
// dir: the page's latest snapshot with its title changed to title (with
// title "", version 1's content: a revert), seen at when. With parserChange the change is marked as one a new parser made
// (what relwatch reparse writes); with inOrder it is placed by time, as a
// backfill does.
func addVersion(t *testing.T, dir string, page snapshots.PageKey, title string, when time.Time, parserChange, inOrder bool) {
	t.Helper()
	ctx := context.Background()
	arc, err := archive.Open(ctx, filepath.Join(dir, "fixture.db"), archive.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	latest, err := arc.Snapshot(ctx, page, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := latest
	if title == "" {
		// A revert: version 1's content again.
		if s, err = arc.Snapshot(ctx, page, 1); err != nil {
			t.Fatal(err)
		}
	}
	s.Version, s.FirstSeen, s.LastSeen, s.ParserVersion = 0, nil, nil, 0
	if title != "" {
		s.Title = title
	}
	s.Seal()
	url := latest.URL
	c := relwatch.Capture{Page: page, URL: url, FinalURL: url, CanonicalURL: url, Source: "live",
		Started: when, Finished: when.Add(2 * time.Second), Status: 200, ContentType: "text/html; charset=utf-8"}
	if inOrder {
		c.Source = relwatch.SourceImport
		c.Origin = "saved.html"
		c.OriginalURL = url
		if _, err := arc.RecordInOrder(ctx, c, s, 1, func(a, b snapshots.Snapshot) relwatch.ChangeRecord {
			return track.ChangeRecord(diff.Compare(a, b))
		}); err != nil {
			t.Fatal(err)
		}
		return
	}
	rec := track.ChangeRecord(diff.Compare(latest, s))
	rec.ParserChange = parserChange
	if _, err := arc.RecordVersion(ctx, c, s, 1, &rec); err != nil {
		t.Fatal(err)
	}
}

// TestPageInSeveralLanguagesIsAUsageError: "kazakhstan" alone, archived in
// en and fr, is the user's mistake for the commands that read one page:
// exit 2, naming the languages. (feed and search read every language of
// it: TestBareIDMeansEveryLanguage.)
func TestPageInSeveralLanguagesIsAUsageError(t *testing.T) {
	cfg := fixtureArchive(t, t.TempDir())
	for _, args := range [][]string{
		{"log", "kazakhstan"},
		{"show", "kazakhstan"},
		{"diff", "kazakhstan"},
	} {
		e := &testEnv{t: t}
		_, errOut, code := e.relwatch(append([]string{"--config", cfg}, args...)...)
		if code != exitUsage {
			t.Errorf("relwatch %v: exit %d, want %d (usage)\n%s", args, code, exitUsage, errOut)
		}
		if !strings.Contains(errOut, "several languages (en, fr)") || !strings.Contains(errOut, "kazakhstan/en or kazakhstan/fr") {
			t.Errorf("relwatch %v: message does not list the languages:\n%s", args, errOut)
		}
	}
}

// TestLogShowsParserChanges: a version that exists only because the parser
// changed (parser_change=1, written by reparse) is labelled in log's text
// and flagged in log --json.
func TestLogShowsParserChanges(t *testing.T) {
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	addVersion(t, dir, frKey, "Relations avec le Kazakhstan (reparsed)", time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC), true, false)

	text := runCLI(t, 0, "--config", cfg, "log", "kazakhstan/fr")
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) != 4 {
		t.Fatalf("log: want a header and 3 versions:\n%s", text)
	}
	if !strings.Contains(lines[3], "parser update") {
		t.Errorf("log: v3 is a parser change but is not labelled so:\n%s", text)
	}
	if strings.Contains(lines[2], "parser update") {
		t.Errorf("log: v2 is an edit of the page, labelled a parser update:\n%s", text)
	}

	var raw []map[string]any
	if err := json.Unmarshal([]byte(runCLI(t, 0, "--config", cfg, "log", "kazakhstan/fr", "--json")), &raw); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{false, false, true} {
		if got, ok := raw[i]["parser_change"]; !ok || got != want {
			t.Errorf("log --json: version %d parser_change = %v (present %v), want %v", i+1, got, ok, want)
		}
	}
}

// failWriter fails every write, as a closed pipe or a full disk does.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestLogReportsWriteErrors: log buffers its output; an error writing it
// (caught at the final flush) still fails the command.
func TestLogReportsWriteErrors(t *testing.T) {
	cfg := fixtureArchive(t, t.TempDir())
	for _, args := range [][]string{{"log", "kazakhstan/fr"}, {"log", "kazakhstan/fr", "--json"}} {
		var errb strings.Builder
		code := run(context.Background(), append([]string{"--config", cfg}, args...), streams{Out: failWriter{}, Err: &errb})
		if code == exitOK || !strings.Contains(errb.String(), "no space left") {
			t.Errorf("relwatch %v to a failing stdout: exit %d, stderr %q", args, code, errb.String())
		}
	}
}

// TestDiffVersionOrder: --to 1 says there is nothing before version 1
// (not that the page has only one version), and --from newer than --to is
// refused with exit 2 and the swapped flags.
func TestDiffVersionOrder(t *testing.T) {
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	addVersion(t, dir, frKey, "Relations avec le Kazakhstan (3)", time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC), false, false)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--to", "1"}, "no version before it"},
		{[]string{"--from", "3", "--to", "2"}, "--from 3 (version 3) is newer than --to 2 (version 2)"},
		{[]string{"--from", "3", "--to", "1"}, "swap them: --from 1 --to 3"},
		{[]string{"--from", "3", "--to", "1"}, "swap them: --from 1 --to 3"},
		{[]string{"--from", "4"}, "no version 4"},
	} {
		e := &testEnv{t: t}
		args := append([]string{"--config", cfg, "diff", "kazakhstan/fr"}, c.args...)
		out, errOut, code := e.relwatch(args...)
		if code != exitUsage || !strings.Contains(errOut, c.want) || out != "" {
			t.Errorf("diff %v: exit %d, stderr %q, stdout %q; want exit 2 saying %q", c.args, code, errOut, out, c.want)
		}
	}
	// A page with one version still says so.
	e := &testEnv{t: t}
	if _, errOut, code := e.relwatch("--config", cfg, "diff", "kazakhstan/en"); code != exitUsage || !strings.Contains(errOut, "has only version 1") {
		t.Errorf("diff of a one-version page: exit %d, %q", code, errOut)
	}
	// The right order still works.
	runCLI(t, 0, "--config", cfg, "diff", "kazakhstan/fr", "--from", "1", "--to", "3")
	runCLI(t, 0, "--config", cfg, "diff", "kazakhstan/fr", "--to", "2")
}

// TestShowFullHashOfARevertedPage: kazakhstan/fr went A (v1) -> B (v2) ->
// A (v3). A full content hash cannot be made longer, so it must not be
// refused: show --version picks the newest version with that content and
// says on stderr which versions have it; diff --from picks the newest
// before --to.
func TestShowFullHashOfARevertedPage(t *testing.T) {
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	addVersion(t, dir, frKey, "", time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC), false, false)
	var log []history.LogEntry
	if err := json.Unmarshal([]byte(runCLI(t, 0, "--config", cfg, "log", "kazakhstan/fr", "--json")), &log); err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 || log[0].ContentHash != log[2].ContentHash {
		t.Fatalf("fixture: want A, B, A; got %+v", log)
	}
	hash := log[0].ContentHash
	for _, ref := range []string{hash, strings.TrimPrefix(hash, "sha256:"), hash[:20]} {
		e := &testEnv{t: t}
		out, errOut, code := e.relwatch("--config", cfg, "show", "kazakhstan/fr", "--version", ref, "--format", "json")
		if code != exitOK {
			t.Fatalf("show --version %s: exit %d\n%s", ref, code, errOut)
		}
		var snap struct{ Version int }
		if err := json.Unmarshal([]byte(out), &snap); err != nil || snap.Version != 3 {
			t.Errorf("show --version %s: version %d (%v), want 3, the newest with that content", ref, snap.Version, err)
		}
		if !strings.Contains(errOut, "v1, v3") || !strings.Contains(errOut, "using v3") {
			t.Errorf("show --version %s: stderr does not list the versions: %q", ref, errOut)
		}
	}
	// diff --from A --to B: the A before B, v1.
	e := &testEnv{t: t}
	out, errOut, code := e.relwatch("--config", cfg, "diff", "kazakhstan/fr", "--from", hash, "--to", "2", "--format", "json")
	if code != exitOK || !strings.Contains(errOut, "using v1") {
		t.Fatalf("diff --from %s --to 2: exit %d\n%s", hash, code, errOut)
	}
	var rep struct{ From, To struct{ Version int } }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.From.Version != 1 || rep.To.Version != 2 {
		t.Errorf("diff --from %s --to 2 compared v%d -> v%d, want v1 -> v2", hash, rep.From.Version, rep.To.Version)
	}
}

// feedIDs returns the entry ids of relwatch feed, newest first.
func feedIDs(t *testing.T, cfg string) []string {
	t.Helper()
	f := checkAtom(t, []byte(runCLI(t, 0, "--config", cfg, "feed", "--limit", "0")))
	var ids []string
	for _, e := range f.Entries {
		ids = append(ids, e.ID)
	}
	return ids
}

// TestFeedIDsSurviveABackfill: an import placed before every version
// renumbers them all; the feed's entries for the changes already there
// keep their ids, and the one new change gets a new id.
func TestFeedIDsSurviveABackfill(t *testing.T) {
	dir := t.TempDir()
	cfg := fixtureArchive(t, dir)
	addVersion(t, dir, frKey, "Relations avec le Kazakhstan (3)", time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC), false, false)
	before := feedIDs(t, cfg)
	if len(before) != 2 {
		t.Fatalf("want 2 entries (v2, v3), got %v", before)
	}
	addVersion(t, dir, frKey, "Relations avec le Kazakhstan (2016)", time.Date(2016, 4, 12, 10, 0, 0, 0, time.UTC), false, true)
	after := feedIDs(t, cfg)
	if len(after) != 3 {
		t.Fatalf("after the backfill want 3 entries, got %v", after)
	}
	for _, id := range before {
		if !slices.Contains(after, id) {
			t.Errorf("entry %s vanished after a backfill renumbered the versions; ids now %v", id, after)
		}
	}
	for _, id := range after {
		if strings.Contains(id, "/v") {
			t.Errorf("id %s still carries a version number", id)
		}
	}
}

// TestWatchStopsWhileWaitingForTheLock: another run holds the writer lock
// and watch waits for it (--lock-timeout 1m); a stop signal must end the
// wait and watch must exit 0 at once, not after the timeout.
func TestWatchStopsWhileWaitingForTheLock(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape") // creates the archive
	cfg, err := config.Load(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(context.Background(), (&globals{}).archivePath(cfg), archive.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	unlock, err := arc.Lock(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	ctx, stop := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	var out, errb syncBuffer
	go func() {
		exit <- run(ctx, []string{"--config", e.cfg, "watch", "--every", "1h", "--lock-timeout", "1m"}, streams{Out: &out, Err: &errb})
	}()
	time.Sleep(300 * time.Millisecond) // watch is now waiting for the lock
	stop()
	select {
	case code := <-exit:
		if code != exitOK {
			t.Errorf("watch stopped while waiting for the lock: exit %d, want 0\n%s", code, errb.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("watch did not stop within 5s of the stop signal while waiting for the writer lock")
	}
}

// syncBuffer is a bytes.Buffer safe for a goroutine writing while the
// test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// movingView is a view of the archive that, the first time a change is
// read, runs hook: another process writing between the reader's reads.
type movingView struct {
	relwatch.Reader
	once sync.Once
	hook func()
}

func (m *movingView) Change(ctx context.Context, page snapshots.PageKey, to int) (relwatch.ChangeRecord, *time.Time, error) {
	m.once.Do(m.hook)
	return m.Reader.Change(ctx, page, to)
}

// entrySummary is what a feed entry says, for comparing two reads.
func entrySummary(cs []history.ChangeEntry) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %s→%s window %v", c.ID(), c.Title(), c.Report.From.ContentHash, c.Report.To.ContentHash, c.Report.WindowStart))
	}
	return out
}

// TestFeedAndExportReadAConsistentArchive: an import renumbers the
// versions while the feed and the export are reading the archive, between
// their reads of the page list and snapshots and of changes. They read in
// one view (one transaction), so what they produce must be exactly what a
// read before the import gives, never a mix (a version paired with another
// version's change, or an entry for a version the list lacks); the next
// read sees the import.
func TestFeedAndExportReadAConsistentArchive(t *testing.T) {
	ctx := context.Background()
	for _, what := range []string{"feed", "export"} {
		t.Run(what, func(t *testing.T) {
			dir := t.TempDir()
			fixtureArchive(t, dir)
			addVersion(t, dir, frKey, "Relations avec le Kazakhstan (3)", time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC), false, false)
			arc, err := archive.Open(ctx, filepath.Join(dir, "fixture.db"), archive.ReadOnly)
			if err != nil {
				t.Fatal(err)
			}
			defer arc.Close()
			read := func(hook func()) string {
				t.Helper()
				var got []string
				err := arc.ReadView(ctx, func(v relwatch.Reader) error {
					r := v
					if hook != nil {
						r = &movingView{Reader: v, hook: hook}
					}
					switch what {
					case "feed":
						pages, err := r.Pages(ctx)
						if err != nil {
							return err
						}
						cs, err := history.LoadChanges(ctx, r, pages)
						got = entrySummary(cs)
						return err
					default:
						files, err := history.PlanExportView(ctx, r, history.ExportOptions{})
						for _, f := range files {
							got = append(got, f.Path+"\n"+string(f.Data))
						}
						return err
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				return strings.Join(got, "\n---\n")
			}
			before := read(nil)
			imported := false
			got := read(func() {
				addVersion(t, dir, frKey, "Relations avec le Kazakhstan (2016)", time.Date(2016, 4, 12, 10, 0, 0, 0, time.UTC), false, true)
				imported = true
			})
			if !imported {
				t.Fatal("the import did not run during the read")
			}
			if got != before {
				t.Errorf("read while an import renumbered the versions:\n%s\n\nread before it:\n%s", got, before)
			}
			if after := read(nil); after == before {
				t.Errorf("a read after the import does not see it:\n%s", after)
			}
		})
	}
}
