package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/internal/testsite"
	"github.com/relwatch/relwatch/postgres"
	"github.com/relwatch/relwatch/scrapejob"
	"github.com/relwatch/relwatch/track"
	"github.com/relwatch/relwatch/worker"
)

// changingPair is two pages at v1 on a local site, a config for them,
// and a scrape of it with --json into dsn; edit turns both into v2.
func changingPair(t *testing.T, dsn string) (cfgPath string, scrape func() string, edit func()) {
	v1, v2 := filepath.Join("testdata", "kazakhstan-fr-v1.html"), filepath.Join("testdata", "kazakhstan-fr-v2.html")
	site := testsite.New(t)
	var cfg strings.Builder
	cfg.WriteString("delay: 0s\nretries: 0\ntimeout: 30s\ntargets:\n")
	for p := range 2 {
		path := fmt.Sprintf("/cps/fr/p%d.htm", p)
		site.On(path, testsite.Fixture(v1))
		fmt.Fprintf(&cfg, "  - {id: page-%d, lang: fr, url: '%s'}\n", p, site.At(path))
	}
	cfgPath = writeConfig(t, cfg.String())
	scrape = func() string {
		t.Helper()
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"--config", cfgPath, "--db", dsn, "scrape", "--json"}, streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
		if code != 0 {
			t.Fatalf("scrape: exit %d\n%s%s", code, out.String(), errOut.String())
		}
		return out.String()
	}
	edit = func() {
		for p := range 2 {
			site.Replace(fmt.Sprintf("/cps/fr/p%d.htm", p), testsite.Fixture(v2))
		}
	}
	return cfgPath, scrape, edit
}

// TestScrapeAfterWorkersReportsNoLeftovers: on a shared archive where a
// scrape ran once, the changes a worker found later are the worker's own
// report (its log lines), not changes "archived by an earlier run that
// stopped before reporting": the next scrape must not report them again.
func TestScrapeAfterWorkersReportsNoLeftovers(t *testing.T) {
	dsn := postgres.TestDSN(t)
	bin := relwatchBinary(t)
	cfgPath, scrape, edit := changingPair(t, dsn)
	ctx := context.Background()
	a := workerArchive(t, dsn, true)
	scrape() // version 1 of each page; the run's reports are now owed events
	edit()
	cmd := exec.Command(bin, "--config", cfgPath, "--log-level", "info", "--log-format", "text", "worker", "--every", farRounds)
	cmd.Env = append(os.Environ(), dbEnv+"="+dsn)
	var workerLog bytes.Buffer
	cmd.Stderr = &workerLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(120 * time.Second)
	for p := 0; p < 2; {
		cs, err := a.Captures(ctx, mustKey(t, fmt.Sprintf("page-%d/fr", p)))
		switch {
		case err == nil && len(cs) >= 2:
			p++
			continue
		case time.Now().After(deadline):
			t.Fatalf("the worker did not check page-%d/fr; its log:\n%s", p, workerLog.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("worker on SIGTERM: %v\n%s", err, workerLog.String())
	}
	if !strings.Contains(workerLog.String(), "status=changed") {
		t.Fatalf("the worker found no change; its log:\n%s", workerLog.String())
	}

	out := scrape()
	if strings.Contains(out, `"earlier":true`) {
		t.Errorf("the scrape after the worker reports the worker's changes as left over by a dead run:\n%s", out)
	}
	if n := strings.Count(out, `"status":"unchanged"`); n != 2 {
		t.Errorf("want both pages unchanged, got:\n%s", out)
	}
}

// TestWorkerStoppedWithItsLastPageSettlesItsReports: a stop (SIGTERM)
// that comes while a worker records its job's last page lets the job
// settle the events it logged, so that the next scrape does not report
// them as left over by a run that died.
func TestWorkerStoppedWithItsLastPageSettlesItsReports(t *testing.T) {
	dsn := postgres.TestDSN(t)
	cfgPath, scrape, edit := changingPair(t, dsn)
	scrape() // version 1 of each page; the reports are owed events now
	edit()

	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	_, next, err := cfg.ScheduleOf(config.ScheduleSpec{Every: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	a := workerArchive(t, dsn, true)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	checked := 0
	err = worker.Run(ctx, worker.Options{
		Archive: a, Pages: scrapejob.Pages(cfg, cfg.Targets, "relwatch-test"), Schedule: next, Every: 24 * time.Hour,
		Lease: time.Minute, Parallel: 1, ID: "test/1", Log: slog.New(slog.DiscardHandler),
		AfterPage: func(r track.Result) {
			if checked++; checked == 2 {
				// The stop arrives with the last page: give River the
				// time to cancel the job in hand before the job goes on.
				stop()
				time.Sleep(500 * time.Millisecond)
			}
		},
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("worker: %v", err)
	}
	if checked != 2 {
		t.Fatalf("the worker checked %d pages, want 2", checked)
	}
	if out := scrape(); strings.Contains(out, `"earlier":true`) {
		t.Errorf("the scrape after the stopped worker reports its changes as left over by a dead run:\n%s", out)
	}
}

// TestLeftoverChangeWaitsForTheOtherRuns: on PostgreSQL, a change that a
// killed scrape archived but never reported is not reported by a scrape
// that runs while another run is in progress (it may be that run's, which
// reports it itself); the first scrape that runs alone reports it, once.
func TestLeftoverChangeWaitsForTheOtherRuns(t *testing.T) {
	dsn := postgres.TestDSN(t)
	bin := relwatchBinary(t)
	site := testsite.New(t)
	site.On("/cps/fr/p.htm", testsite.Fixture(filepath.Join("testdata", "kazakhstan-fr-v1.html")))
	cfgPath := writeConfig(t, fmt.Sprintf("delay: 0s\nretries: 0\ntimeout: 30s\ntargets:\n  - {id: page, lang: fr, url: '%s'}\n", site.At("/cps/fr/p.htm")))
	scrape := func(crashAt string) (string, error) {
		cmd := exec.Command(bin, "--config", cfgPath, "scrape", "--json")
		cmd.Env = append(os.Environ(), dbEnv+"="+dsn, "RELWATCH_CRASH_AT="+crashAt)
		out, err := cmd.Output()
		return string(out), err
	}
	if out, err := scrape(""); err != nil {
		t.Fatalf("first scrape: %v\n%s", err, out)
	}
	site.Replace("/cps/fr/p.htm", testsite.Fixture(filepath.Join("testdata", "kazakhstan-fr-v2.html")))
	if _, err := scrape("record version:after-commit"); err == nil {
		t.Fatal("the scrape was not killed after archiving version 2")
	}

	// Another run in progress, as a scrape on another machine would be.
	a := workerArchive(t, dsn, false)
	_, leave, err := a.JoinRun(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out, err := scrape("")
	if err != nil || strings.Contains(out, `"earlier":true`) || !strings.Contains(out, `"status":"unchanged"`) {
		t.Errorf("scrape beside another run: %v; want the page unchanged and no earlier change:\n%s", err, out)
	}
	if err := leave(); err != nil {
		t.Fatal(err)
	}
	out, err = scrape("")
	if err != nil || strings.Count(out, `"earlier":true`) != 1 || !strings.Contains(out, `"status":"changed","version":2`) {
		t.Errorf("scrape alone: %v; want version 2 reported once as an earlier change:\n%s", err, out)
	}
	if out, _ := scrape(""); strings.Contains(out, `"earlier":true`) {
		t.Errorf("the earlier change was reported twice:\n%s", out)
	}
}

// TestRunWithoutTheOutboxSettlesItsOwn: on PostgreSQL, a scrape that
// cannot get the outbox (another run holds it past the wait) still prints
// its changes and settles them, so the next scrape does not report them
// again as a dead run's.
func TestRunWithoutTheOutboxSettlesItsOwn(t *testing.T) {
	dsn := postgres.TestDSN(t)
	cfgPath, scrape, edit := changingPair(t, dsn)
	scrape()
	edit()

	holder := workerArchive(t, dsn, false)
	unlock, err := holder.Lock(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	job := &scrapejob.Job{
		Config: cfg, Targets: cfg.Targets, UserAgent: "relwatch-test",
		Open:       func(ctx context.Context) (relwatch.Store, error) { return postgres.Open(ctx, dsn, postgres.ReadWrite) },
		OutboxWait: 100 * time.Millisecond, JSON: true, Out: &out, Log: slog.New(slog.DiscardHandler),
	}
	if _, err := job.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), `"status":"changed"`) != 2 {
		t.Fatalf("the run without the outbox does not print its two changes:\n%s", out.String())
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if got := scrape(); strings.Contains(got, `"earlier":true`) {
		t.Errorf("the next scrape reports the changes again, as a dead run's:\n%s", got)
	}
}
