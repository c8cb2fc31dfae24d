package track_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/internal/testsite"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

// site serves /p/<i> from bodies that a test edits between runs, every
// other path 404.
type site struct {
	*testsite.Site
	bodies map[string]string // what each path serves now
}

func (s *site) set(path, body string) {
	s.bodies[path] = body
	s.On(path, testsite.Page(body))
}

func (s *site) del(path string) {
	delete(s.bodies, path)
	s.On(path) // no step: 404
}

// counting is an archive that counts what the pipeline asks of it.
type counting struct {
	*archive.Archive
	mu        sync.Mutex
	snapshots int   // Snapshot reads: a parsed check reads its baseline
	groups    []int // sizes of RecordGroup calls and committed groups
	versions  int   // new versions, in groups or not
	singles   int   // RecordUnchanged and RecordVersion calls
	failures  int   // RecordFailure calls
}

func (c *counting) Snapshot(ctx context.Context, page snapshots.PageKey, version int) (snapshots.Snapshot, error) {
	c.mu.Lock()
	c.snapshots++
	c.mu.Unlock()
	return c.Archive.Snapshot(ctx, page, version)
}

func (c *counting) RecordGroup(ctx context.Context, checks []relwatch.Checked) ([]int, error) {
	c.mu.Lock()
	c.groups = append(c.groups, len(checks))
	for _, ch := range checks {
		if ch.New != nil {
			c.versions++
		}
	}
	c.mu.Unlock()
	return c.Archive.RecordGroup(ctx, checks)
}

// BeginGroup counts a group when it commits, as RecordGroup does.
func (c *counting) BeginGroup(ctx context.Context) (relwatch.GroupTx, error) {
	g, err := c.Archive.BeginGroup(ctx)
	if err != nil {
		return nil, err
	}
	return &countedGroup{GroupTx: g, c: c}, nil
}

type countedGroup struct {
	relwatch.GroupTx
	c        *counting
	checks   int
	versions int
}

func (g *countedGroup) Add(ch relwatch.Checked) error {
	g.checks++
	if ch.New != nil {
		g.versions++
	}
	return g.GroupTx.Add(ch)
}

func (g *countedGroup) Commit() ([]int, error) {
	g.c.mu.Lock()
	g.c.groups = append(g.c.groups, g.checks)
	g.c.versions += g.versions
	g.c.mu.Unlock()
	return g.GroupTx.Commit()
}

func (c *counting) RecordUnchanged(ctx context.Context, capt relwatch.Capture, version int) error {
	c.mu.Lock()
	c.singles++
	c.mu.Unlock()
	return c.Archive.RecordUnchanged(ctx, capt, version)
}

func (c *counting) RecordVersion(ctx context.Context, capt relwatch.Capture, snap snapshots.Snapshot, pv int, change *relwatch.ChangeRecord) (int, error) {
	c.mu.Lock()
	c.singles++
	c.versions++
	c.mu.Unlock()
	return c.Archive.RecordVersion(ctx, capt, snap, pv, change)
}

func (c *counting) RecordFailure(ctx context.Context, capt relwatch.Capture) error {
	c.mu.Lock()
	c.failures++
	c.mu.Unlock()
	return c.Archive.RecordFailure(ctx, capt)
}

func (c *counting) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snapshots, c.groups, c.versions, c.singles, c.failures = 0, nil, 0, 0, 0
}

// grouped is how many checks the groups held, and whether every group
// held from 1 to most checks.
func (c *counting) grouped(t *testing.T, most int) int {
	t.Helper()
	total := 0
	for _, g := range c.groups {
		if g < 1 || g > most {
			t.Errorf("a group of %d checks, want 1 to %d", g, most)
		}
		total += g
	}
	return total
}

func fixture(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../scraper/testdata/pages/layout5-2025-en.html")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// smallPage is a relations page cut down to a few blocks, for tests of
// many pages.
const smallPage = `<!DOCTYPE html><html lang="en"><head><title>NATO - Topic: Relations with Kazakhstan</title></head>
<body><main><h1>Relations with Kazakhstan</h1><p>Updated: 09 May 2025</p>
<p>NATO and Kazakhstan have worked together for three decades.</p>
<h2>Highlights</h2><ul><li>Practical cooperation began in 1995, when Kazakhstan joined the Partnership for Peace.</li>
<li>Kazakhstan contributes to peace-support operations.</li></ul></main></body></html>`

func newSite(t *testing.T, n int, base string) (*site, []track.Page) {
	t.Helper()
	s := &site{Site: testsite.New(t), bodies: map[string]string{}}
	policy := scraper.DefaultPolicy()
	policy.Delay, policy.RespectRobots, policy.AllowPrivateNetworks, policy.Retries = 0, false, true, 0
	pages := make([]track.Page, n)
	for i := range pages {
		path := fmt.Sprintf("/p/%d", i)
		s.set(path, strings.ReplaceAll(base, "Kazakhstan", fmt.Sprintf("Partner %d", i)))
		pages[i] = track.Page{Key: snapshots.PageKey{ID: fmt.Sprintf("p%03d", i), Lang: "en"}, URL: s.At(path), Fetch: policy}
	}
	return s, pages
}

func run(t *testing.T, arc track.Archive, pages []track.Page) []track.Result {
	t.Helper()
	var order []int
	results, err := track.Run(context.Background(), arc, pages, track.RunOptions{
		AfterPage: func(done int, r track.Result) { order = append(order, done) },
	})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	for k, d := range order {
		if d != k+1 {
			t.Fatalf("AfterPage counts %v, want 1, 2, 3, …", order)
		}
	}
	if len(order) != len(pages) {
		t.Fatalf("AfterPage ran %d times for %d pages", len(order), len(pages))
	}
	return results
}

func statuses(results []track.Result) map[string]int {
	n := map[string]int{}
	for _, r := range results {
		n[r.Status]++
	}
	return n
}

func clean(t *testing.T, a *archive.Archive) {
	t.Helper()
	problems, err := a.Check(context.Background())
	if err != nil || len(problems) > 0 {
		t.Fatalf("check: %v %v", problems, err)
	}
}

// TestRunSkipsTheParseOfAKnownBody: a body byte for byte the one the
// latest version was parsed from is unchanged without a parse (no baseline
// read); other bytes, or other parse options, are parsed. A page the
// archive has never seen has no baseline to read.
func TestRunSkipsTheParseOfAKnownBody(t *testing.T) {
	s, pages := newSite(t, 3, fixture(t))
	arc := &counting{Archive: archive.TestArchive(t)}
	if got := statuses(run(t, arc, pages)); got[relwatch.StatusNew] != 3 || arc.snapshots != 0 {
		t.Fatalf("first run: %v, %d baseline reads; want 3 new, none read", got, arc.snapshots)
	}

	arc.reset()
	results := run(t, arc, pages)
	if got := statuses(results); got[relwatch.StatusUnchanged] != 3 || arc.snapshots != 0 {
		t.Fatalf("same bodies: %v, %d baseline reads; want 3 unchanged, none read", got, arc.snapshots)
	}
	if results[0].Version != 1 || results[0].UpdatedRaw == "" {
		t.Errorf("a skipped parse reports %+v; want version 1 and the stamp", results[0])
	}

	// New bytes around the same content (a token in the chrome): parsed,
	// unchanged; the next run with those bytes again skips the parse.
	s.set("/p/0", strings.Replace(s.bodies["/p/0"], "</body>", "<!-- token 123 --></body>", 1))
	arc.reset()
	if got := statuses(run(t, arc, pages)); got[relwatch.StatusUnchanged] != 3 || arc.snapshots != 1 {
		t.Fatalf("one page with new bytes: %v, %d baseline reads; want 3 unchanged, 1 read", got, arc.snapshots)
	}
	arc.reset()
	run(t, arc, pages)
	if arc.snapshots != 0 {
		t.Errorf("the new bytes again: %d baseline reads, want 0", arc.snapshots)
	}

	// Other parse options, same bytes: parsed again.
	for i := range pages {
		pages[i].Parse.Exclude = ".share"
	}
	arc.reset()
	run(t, arc, pages)
	if arc.snapshots != 3 {
		t.Errorf("new exclude selector: %d baseline reads, want 3", arc.snapshots)
	}
	clean(t, arc.Archive)
}

// TestRunGroupsChecks: new versions and unchanged checks are committed in
// groups of at most groupMax (5 here), none on its own, and every page is
// recorded.
func TestRunGroupsChecks(t *testing.T) {
	defer track.SetGroupMax(5)()
	const n = 30
	s, pages := newSite(t, n, smallPage)
	arc := &counting{Archive: archive.TestArchive(t)}
	run(t, arc, pages)
	if total := arc.grouped(t, 5); arc.versions != n || total != n || arc.singles != 0 {
		t.Fatalf("first run: %d versions, %d checks in groups %v, %d on their own; want %d versions, all in groups",
			arc.versions, total, arc.groups, arc.singles, n)
	}
	for i := 0; i < n; i += 10 {
		path := fmt.Sprintf("/p/%d", i)
		s.set(path, strings.Replace(s.bodies[path], "Practical cooperation began in 1995", "Practical cooperation began in 1996", 1))
	}
	arc.reset()
	got := statuses(run(t, arc, pages))
	if got[relwatch.StatusChanged] != n/10 || got[relwatch.StatusUnchanged] != n-n/10 {
		t.Fatalf("a tenth changed: %v", got)
	}
	if total := arc.grouped(t, 5); total != n || arc.singles != 0 || arc.versions != n/10 {
		t.Errorf("groups %v (%d checks), %d single checks, %d versions; want %d checks in groups, %d versions",
			arc.groups, total, arc.singles, arc.versions, n, n/10)
	}
	vs, err := arc.Versions(context.Background(), pages[1].Key)
	if err != nil || len(vs) != 1 || vs[0].Checks != 2 {
		t.Errorf("an unchanged page: %+v, %v; want one version seen twice", vs, err)
	}
	vs, err = arc.Versions(context.Background(), pages[10].Key)
	if err != nil || len(vs) != 2 {
		t.Errorf("a changed page: %+v, %v; want two versions", vs, err)
	}
	clean(t, arc.Archive)
}

// TestRunGroupsVersionsByBytes: a group of new versions is committed once
// their bodies come to groupBytes, whatever groupMax says.
func TestRunGroupsVersionsByBytes(t *testing.T) {
	page := fixture(t)
	defer track.SetGroupBytes(2*len(page) + 1)()
	const n = 9
	_, pages := newSite(t, n, page)
	arc := &counting{Archive: archive.TestArchive(t)}
	run(t, arc, pages)
	if total := arc.grouped(t, 3); arc.versions != n || total != n {
		t.Fatalf("%d versions in groups %v; want %d in groups of at most 3", arc.versions, arc.groups, n)
	}
	clean(t, arc.Archive)
}

// TestRunSamePageTwice: a page listed twice is compared the second time
// with what the first recorded.
func TestRunSamePageTwice(t *testing.T) {
	_, pages := newSite(t, 1, smallPage)
	arc := archive.TestArchive(t)
	results := run(t, arc, []track.Page{pages[0], pages[0]})
	if results[0].Status != relwatch.StatusNew || results[1].Status != relwatch.StatusUnchanged || results[1].Version != 1 {
		t.Fatalf("the same page twice: %s v%d, %s v%d; want new v1, unchanged v1",
			results[0].Status, results[0].Version, results[1].Status, results[1].Version)
	}
	clean(t, arc)
}

// TestRunCommitsFailuresOnTheirOwn: a failure is committed in a
// transaction of its own, never in a group; a check with an event (here a
// recovery seen without a parse) is grouped; and every page is committed
// before AfterPage reports it.
func TestRunCommitsFailuresOnTheirOwn(t *testing.T) {
	ctx := context.Background()
	s, pages := newSite(t, 6, smallPage)
	arc := &counting{Archive: archive.TestArchive(t)}
	if _, err := arc.Subscribe(ctx, "hook", time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	runNumber := 0
	checkedRun := func() []track.Result {
		t.Helper()
		runNumber++
		arc.reset()
		results, err := track.Run(ctx, arc, pages, track.RunOptions{AfterPage: func(_ int, r track.Result) {
			key, _ := snapshots.ParsePageRef(r.Page)
			cs, err := arc.Captures(ctx, key)
			if err != nil || len(cs) != runNumber {
				t.Errorf("run %d: AfterPage reports %s with %d captures committed (%v), want %d", runNumber, r.Page, len(cs), err, runNumber)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		return results
	}
	checkedRun()

	gone := s.bodies["/p/2"]
	s.del("/p/2")
	if got := statuses(checkedRun()); got[relwatch.StatusFailed] != 1 || got[relwatch.StatusUnchanged] != 5 {
		t.Fatalf("one page gone: %v", got)
	}
	if total := arc.grouped(t, 50); arc.failures != 1 || total != 5 {
		t.Errorf("one page gone: %d failures on their own, %d checks in groups %v; want 1 on its own, 5 grouped", arc.failures, total, arc.groups)
	}
	s.set("/p/2", gone)
	results := checkedRun()
	if results[2].Status != relwatch.StatusUnchanged || arc.snapshots != 0 {
		t.Fatalf("the page back: %s, %d baseline reads; want unchanged without a parse", results[2].Status, arc.snapshots)
	}
	if total := arc.grouped(t, 50); arc.singles != 0 || total != 6 {
		t.Errorf("the recovered page: %d checks on their own, %d in groups %v; want all 6 grouped", arc.singles, total, arc.groups)
	}
	pending, err := arc.Pending(ctx, "hook", 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, p := range pending {
		kinds[p.Kind]++
	}
	if kinds[relwatch.EventNew] != 6 || kinds[relwatch.EventFailed] != 1 || kinds[relwatch.EventRecovered] != 1 || len(pending) != 8 {
		t.Errorf("outbox: %v, want 6 new, 1 failed, 1 recovered", kinds)
	}
	clean(t, arc.Archive)
}

// failingPages is an archive whose Pages read fails.
type failingPages struct{ *archive.Archive }

var errPages = fmt.Errorf("pages: the disk is gone")

func (failingPages) Pages(context.Context) ([]relwatch.PageStatus, error) { return nil, errPages }

// TestRunStopsWhenThePagesStateFails: the pages' state before the run is
// read while the first pages are fetched; when it cannot be read, the run
// fails with that error and records nothing, as when it was read first.
func TestRunStopsWhenThePagesStateFails(t *testing.T) {
	ctx := context.Background()
	_, pages := newSite(t, 4, smallPage)
	arc := archive.TestArchive(t)
	if _, err := track.Run(ctx, failingPages{arc}, pages, track.RunOptions{}); !errors.Is(err, errPages) {
		t.Fatalf("run: %v, want the Pages error", err)
	}
	for _, p := range pages {
		if cs, err := arc.Captures(ctx, p.Key); err == nil && len(cs) > 0 {
			t.Errorf("%s: %d captures recorded by a run that failed", p.Key, len(cs))
		}
	}
	// No pages: the read still ends before Run returns, with its error.
	if _, err := track.Run(ctx, failingPages{arc}, nil, track.RunOptions{}); !errors.Is(err, errPages) {
		t.Errorf("run of no pages: %v, want the Pages error", err)
	}
}

// failingAdd is an archive whose groups refuse their third check.
type failingAdd struct{ *archive.Archive }

var errAdd = fmt.Errorf("add: the disk is full")

func (f failingAdd) BeginGroup(ctx context.Context) (relwatch.GroupTx, error) {
	g, err := f.Archive.BeginGroup(ctx)
	return &refusingGroup{GroupTx: g}, err
}

type refusingGroup struct {
	relwatch.GroupTx
	added int
}

func (g *refusingGroup) Add(ch relwatch.Checked) error {
	if g.added++; g.added == 3 {
		return errAdd
	}
	return g.GroupTx.Add(ch)
}

// TestRunRollsBackAGroupThatFails: a check of a group that cannot be
// written stops the run with that error, and none of the group's checks,
// written before it in the group's transaction, is committed or reported.
func TestRunRollsBackAGroupThatFails(t *testing.T) {
	ctx := context.Background()
	_, pages := newSite(t, 30, smallPage)
	arc := archive.TestArchive(t)
	reported := 0
	_, err := track.Run(ctx, failingAdd{arc}, pages, track.RunOptions{AfterPage: func(int, track.Result) { reported++ }})
	if !errors.Is(err, errAdd) {
		t.Fatalf("run: %v, want the Add error", err)
	}
	if reported != 0 {
		t.Errorf("%d pages reported from a group that was rolled back", reported)
	}
	for _, p := range pages {
		if cs, err := arc.Captures(ctx, p.Key); err == nil && len(cs) > 0 {
			t.Errorf("%s: %d captures committed", p.Key, len(cs))
		}
	}
	clean(t, arc)
}
