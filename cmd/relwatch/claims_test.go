package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relwatch/relwatch/internal/testsite"
	"github.com/relwatch/relwatch/postgres"
)

// pageHost is one local host answering every path but robots.txt with
// body (its chrome token fixed), after pause; the site counts the
// requests for each path and the most it ever had in flight at once.
func pageHost(t *testing.T, body string, pause time.Duration) *testsite.Site {
	t.Helper()
	s := testsite.New(t)
	s.On("/robots.txt", testsite.Answer(http.StatusNotFound, "text/plain; charset=utf-8", "404 page not found"))
	s.Fallback(testsite.Slow(pause, fixedPage(body)))
	return s
}

// TestThreeScrapesShareTheWork: three scrape processes started together on
// one PostgreSQL archive, 60 pages over 3 local hosts, check every page
// exactly once between them, never send two requests at once to a host,
// and all exit 0.
func TestThreeScrapesShareTheWork(t *testing.T) {
	dsn := postgres.TestDSN(t)
	bin := relwatchBinary(t)
	body, err := os.ReadFile(filepath.Join("testdata", "kazakhstan-fr-v1.html"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var cfg strings.Builder
	cfg.WriteString("delay: 0s\nretries: 0\ntimeout: 10s\ntargets:\n")
	var hosts []*testsite.Site
	for h := range 3 {
		host := pageHost(t, string(body), 0)
		hosts = append(hosts, host)
		for p := range 20 {
			fmt.Fprintf(&cfg, "  - id: page-%d-%d\n    lang: fr\n    url: %s/cps/fr/page-%d.htm\n", h, p, host.URL, p)
		}
	}
	cfgPath := filepath.Join(dir, "relwatch.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Create the archive first, so that the three do not only race on
	// the migration (TestConcurrentFirstOpens covers that).
	if a, err := postgres.Open(context.Background(), dsn, postgres.ReadWrite); err != nil {
		t.Fatal(err)
	} else {
		a.Close()
	}

	type outcome struct {
		out, errOut string
		err         error
	}
	outcomes := make([]outcome, 3)
	var wg sync.WaitGroup
	for i := range outcomes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "--config", cfgPath, "scrape")
			cmd.Env = append(os.Environ(), dbEnv+"="+dsn)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			outcomes[i] = outcome{out.String(), errOut.String(), err}
		}()
	}
	wg.Wait()
	checked, skipped := 0, 0
	for i, o := range outcomes {
		if o.err != nil {
			t.Errorf("scrape %d: %v\nstdout:\n%s\nstderr:\n%s", i, o.err, o.out, o.errOut)
		}
		checked += strings.Count(o.out, " new ")
		skipped += strings.Count(o.out, "skipped")
	}
	for h, host := range hosts {
		if m := host.MaxInFlight(); m != 1 {
			t.Errorf("host %d had %d requests in flight at once", h, m)
		}
		for p := range 20 {
			if n := len(host.Hits(fmt.Sprintf("/cps/fr/page-%d.htm", p))); n != 1 {
				t.Errorf("host %d page %d fetched %d times, want once", h, p, n)
			}
		}
	}
	a, err := postgres.Open(context.Background(), dsn, postgres.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	pages, err := a.Pages(context.Background())
	if err != nil || len(pages) != 60 {
		t.Fatalf("%d pages archived, %v; want 60", len(pages), err)
	}
	for _, p := range pages {
		cs, err := a.Captures(context.Background(), p.Page)
		if err != nil || len(cs) != 1 || p.Latest != 1 {
			t.Errorf("%s: %d captures, latest v%d, %v; want one check", p.Page, len(cs), p.Latest, err)
		}
	}
	if probs, err := a.Check(context.Background()); err != nil || len(probs) > 0 {
		t.Errorf("check: %v %v", probs, err)
	}
	t.Logf("checked %d, skipped %d lines", checked, skipped)
}

// TestScrapeOfManyHostsOnPostgres: a run claims every host of its watch
// list at once; with more hosts than the store's pool has connections it
// still checks every page and exits 0 (the claims share one session).
func TestScrapeOfManyHostsOnPostgres(t *testing.T) {
	dsn := postgres.TestDSN(t)
	bin := relwatchBinary(t)
	body, err := os.ReadFile(filepath.Join("testdata", "kazakhstan-fr-v1.html"))
	if err != nil {
		t.Fatal(err)
	}
	const hosts = 20
	var cfg strings.Builder
	cfg.WriteString("delay: 0s\nretries: 0\ntimeout: 10s\ntargets:\n")
	for h := range hosts {
		host := pageHost(t, string(body), 0)
		fmt.Fprintf(&cfg, "  - id: host-%d\n    lang: fr\n    url: %s/cps/fr/page.htm\n", h, host.URL)
	}
	cfgPath := filepath.Join(t.TempDir(), "relwatch.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--config", cfgPath, "scrape")
	cmd.Env = append(os.Environ(), dbEnv+"="+dsn)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("scrape of %d hosts did not end in 2 minutes:\n%s", hosts, out)
	}
	if err != nil || !strings.Contains(string(out), fmt.Sprintf("%d pages: %d new", hosts, hosts)) {
		t.Fatalf("scrape of %d hosts: %v\n%s", hosts, err, out)
	}
}
