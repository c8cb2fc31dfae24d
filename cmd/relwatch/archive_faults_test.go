package main

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/snapshots"
)

func TestCorruptBaselineIsNeverDiffed(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")

	// Someone edits the stored snapshot by hand: its content hash no longer matches.
	db, err := sql.Open("sqlite", e.db)
	if err != nil {
		t.Fatal(err)
	}
	// The snapshot is stored gzip-compressed (schema 5).
	var stored []byte
	if err := db.QueryRow(`SELECT snapshot FROM versions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(stored))
	if err != nil {
		t.Fatal(err)
	}
	js, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var forged bytes.Buffer
	zw := gzip.NewWriter(&forged)
	zw.Write(bytes.ReplaceAll(js, []byte("Kazakhstan"), []byte("Kazakstan")))
	zw.Close()
	if _, err := db.Exec(`UPDATE versions SET snapshot = ?`, forged.Bytes()); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, _, code := e.relwatch("check")
	if code != exitUnusable || !strings.Contains(out, "version") {
		t.Fatalf("check on a tampered version: exit %d\n%s", code, out)
	}
	e.site.serve(200, "kazakhstan-fr-v2.html")
	r := scrapeJSON(t, e.mustRun(exitFailed, "scrape", "--json"))
	if r.Status != relwatch.StatusFailed || r.ErrorKind != "corrupt_baseline" || !strings.Contains(r.Error, "relwatch check") {
		t.Fatalf("scrape against a corrupt baseline: %+v", r)
	}
}

func TestDBThatIsNotAnArchive(t *testing.T) {
	e := newTestEnv(t)
	notes := filepath.Join(e.dir, "notes.txt")
	content := []byte("my notes, not an archive\n")
	if err := os.WriteFile(notes, content, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{notes, e.dir} {
		for _, args := range [][]string{{"scrape"}, {"pages"}, {"log", "kazakhstan/fr"}} {
			_, stderr, code := e.relwatch(append([]string{"--db", db}, args...)...)
			if code != exitUnusable || !strings.Contains(stderr, "not a relwatch archive") {
				t.Errorf("--db %s %v: exit %d, stderr %q", db, args, code, stderr)
			}
		}
	}
	if got, _ := os.ReadFile(notes); !bytes.Equal(got, content) {
		t.Fatal("relwatch modified a file that is not an archive")
	}
}

func TestSecondScrapeIsRefusedWhileLocked(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	// Hold the writer lock as a running scrape would, from another handle.
	cfg, err := config.Load(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	g := &globals{}
	arc, err := archive.Open(t.Context(), g.archivePath(cfg), archive.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	unlock, err := arc.Lock(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()

	_, stderr, code := e.relwatch("scrape", "--lock-timeout", "100ms")
	if code != exitUnusable || !strings.Contains(stderr, "locked by pid") {
		t.Fatalf("second scrape: exit %d, stderr %q", code, stderr)
	}
	if out := e.mustRun(0, "log", "kazakhstan/fr"); !strings.Contains(out, "first version") {
		t.Fatalf("readers must not be blocked by the writer: %q", out)
	}
}

// TestReparseDryRunWhileLocked: --dry-run reads the archive without the
// writer lock, so it works while a scrape holds it, and changes nothing;
// a real reparse is refused (exit 4).
func TestReparseDryRunWhileLocked(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	before, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(t.Context(), e.db, archive.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	unlock, err := arc.Lock(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the scratch copy goes

	out := e.mustRun(0, "reparse", "--dry-run")
	if !strings.Contains(out, "kazakhstan/fr: 2 captures, 2 versions: unchanged") {
		t.Errorf("reparse --dry-run while a scrape holds the lock: %q", out)
	}
	if _, stderr, code := e.relwatch("reparse"); code != exitUnusable || !strings.Contains(stderr, "locked by pid") {
		t.Errorf("reparse while locked: exit %d, stderr %q", code, stderr)
	}
	if after, _ := os.ReadFile(e.db); !bytes.Equal(before, after) {
		t.Error("reparse --dry-run changed the archive file")
	}
	if got, _ := filepath.Glob(filepath.Join(tmp, "*")); len(got) > 0 {
		t.Errorf("reparse --dry-run left its scratch copy behind: %v", got)
	}
}

// runBinary runs the relwatch binary against the env's config and returns
// its stdout, stderr and exit code.
func runBinary(t *testing.T, bin string, e *testEnv, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--config", e.cfg}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), errb.String(), 0
	case errors.As(err, &ee) && ee.Exited():
		return out.String(), errb.String(), ee.ExitCode()
	}
	t.Errorf("relwatch %v: %v\n%s", args, err, errb.String()) // not Fatal: readers run in goroutines
	return out.String(), errb.String(), -1
}

// TestTwoScrapesStartedTogether: two scrape processes started at the same
// moment against one slow page. Exactly one archives the change; the other
// is refused at once (exit 4) naming the holder of the writer lock. The
// archive is sound afterwards and holds the change once.
func TestTwoScrapesStartedTogether(t *testing.T) {
	bin := relwatchBinary(t)
	for _, fresh := range []bool{false, true} {
		name := "existing archive"
		if fresh {
			name = "no archive yet"
		}
		t.Run(name, func(t *testing.T) {
			e := newTestEnv(t)
			want := 1
			if !fresh {
				e.mustRun(0, "scrape")
				e.site.serve(200, "kazakhstan-fr-v2.html")
				want = 2
			}
			e.site.slow(time.Second)
			type result struct {
				out, stderr string
				code        int
			}
			results := make(chan result, 2)
			start := make(chan struct{})
			for range 2 {
				go func() {
					<-start
					out, stderr, code := runBinary(t, bin, e, "scrape", "--json")
					results <- result{out, stderr, code}
				}()
			}
			close(start)
			var codes []int
			var won, lost result
			for range 2 {
				r := <-results
				codes = append(codes, r.code)
				if r.code == exitOK {
					won = r
				} else {
					lost = r
				}
			}
			slices.Sort(codes)
			if !slices.Equal(codes, []int{exitOK, exitUnusable}) {
				t.Fatalf("exit codes %v, want one 0 and one 4\nfirst: %+v\nsecond: %+v", codes, won, lost)
			}
			if !strings.Contains(lost.stderr, "is locked by pid") {
				t.Errorf("the refused scrape's stderr %q does not name the lock holder", lost.stderr)
			}
			if lost.out != "" {
				t.Errorf("the refused scrape printed %q", lost.out)
			}
			r := scrapeJSON(t, won.out)
			if r.Version != want || (r.Status != relwatch.StatusNew && r.Status != relwatch.StatusChanged) {
				t.Errorf("the scrape that ran: %+v, want version %d", r, want)
			}
			if out, stderr, code := runBinary(t, bin, e, "check"); code != exitOK {
				t.Fatalf("check after two concurrent scrapes: exit %d\n%s%s", code, out, stderr)
			}
			if n := len(e.versionsOf("kazakhstan/fr")); n != want {
				t.Errorf("%d versions, want %d", n, want)
			}
		})
	}
}

// TestReadersDuringScrapes: while a writer process scrapes again and
// again (the page changing every time), readers run `log` and `show` as
// processes in a loop. Every reader run exits 0 with complete output (a
// log whose versions run 1..N, a snapshot whose content matches its hash),
// and the archive is sound afterwards.
func TestReadersDuringScrapes(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.slow(20 * time.Millisecond)
	fixtures := []string{"kazakhstan-fr-v1.html", "kazakhstan-fr-v2.html"}
	const scrapes = 8

	done := make(chan struct{})
	var wg sync.WaitGroup
	var reads atomic.Int64
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 10 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	reader := func(args ...string) {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			out, stderr, code := runBinary(t, bin, e, args...)
			reads.Add(1)
			if code != exitOK || stderr != "" {
				fail("relwatch %v: exit %d, stderr %q", args, code, stderr)
				continue
			}
			switch args[0] {
			case "log":
				var log []history.LogEntry
				if err := json.Unmarshal([]byte(out), &log); err != nil || len(log) == 0 {
					fail("log --json printed %q: %v", out, err)
					continue
				}
				for i, v := range log {
					if v.Version != i+1 || v.ContentHash == "" {
						fail("log --json: entry %d is %+v", i, v)
					}
				}
			case "show":
				s, err := snapshots.Unmarshal([]byte(out))
				if err != nil || s.Version == 0 || !s.VerifyHash() || !strings.Contains(out, `"source": "live"`) {
					fail("show --format json printed an incomplete snapshot (%v):\n%s", err, out)
				}
			}
		}
	}
	wg.Add(2)
	go reader("log", "kazakhstan/fr", "--json")
	go reader("show", "kazakhstan/fr", "--format", "json")

	for i := range scrapes {
		e.site.serve(200, fixtures[(i+1)%2])
		if out, stderr, code := runBinary(t, bin, e, "scrape"); code != exitOK {
			fail("scrape %d: exit %d\n%s%s", i+1, code, out, stderr)
		}
	}
	close(done)
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	t.Logf("%d reader runs during %d scrapes", reads.Load(), scrapes)
	if reads.Load() < 4 {
		t.Errorf("only %d reads ran during the scrapes", reads.Load())
	}
	if out, stderr, code := runBinary(t, bin, e, "check"); code != exitOK {
		t.Fatalf("check after the scrapes: exit %d\n%s%s", code, out, stderr)
	}
	if n := len(e.versionsOf("kazakhstan/fr")); n != scrapes+1 {
		t.Errorf("%d versions, want %d", n, scrapes+1)
	}
}
