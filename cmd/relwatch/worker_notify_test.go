package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch/postgres"
)

// TestWorkersDeliverEachEventOnce: two workers check a round over two
// hosts at once and each delivers the outbox after its job: the webhook
// receiver gets every page's event exactly once, and the outbox has
// nothing left for it. A third host's page, archived by an earlier
// scrape, fails in the round after its stale_after: its failed and stale
// events arrive once too.
func TestWorkersDeliverEachEventOnce(t *testing.T) {
	dsn := postgres.TestDSN(t)
	bin := relwatchBinary(t)
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret)
	body, err := os.ReadFile(filepath.Join("testdata", "kazakhstan-fr-v1.html"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg strings.Builder
	cfg.WriteString("delay: 0s\nretries: 0\ntimeout: 30s\nnotify_backoff: 1ms\nstale_after: 50ms\n" + webhookYAML(r, "", "/h") + "targets:\n")
	gone := newSite(t)
	fmt.Fprintf(&cfg, "  - {id: gone, lang: fr, url: '%s/cps/fr/gone.htm'}\n", gone.URL)
	const perHost = 4
	for h := range 2 {
		srv := pageHost(t, string(body), 0)
		for p := range perHost {
			fmt.Fprintf(&cfg, "  - {id: h%d-%d, lang: fr, url: '%s/cps/fr/p%d.htm'}\n", h, p, srv.URL, p)
		}
	}
	cfgPath := writeConfig(t, cfg.String())
	ctx := context.Background()
	a := workerArchive(t, dsn, true)

	// The third host's page, archived once, then failing.
	var out bytes.Buffer
	if code := run(ctx, []string{"--config", cfgPath, "--db", dsn, "scrape", "--only", "gone"}, streams{In: strings.NewReader(""), Out: &out, Err: &out}); code != 0 {
		t.Fatalf("scrape of the third host: exit %d\n%s", code, out.String())
	}
	if got := r.kinds("/h"); strings.Join(got, ",") != "new" {
		t.Fatalf("after the scrape: %v", got)
	}
	time.Sleep(100 * time.Millisecond)
	gone.serve(503, "kazakhstan-fr-v1.html")

	procs := startWorkers(t, bin, cfgPath, dsn, 2, []string{"RELWATCH_TEST_SECRET=" + testSecret}, "--every", farRounds, "--parallel", "1")
	settled := func() bool {
		st, err := a.OutboxStatus(ctx)
		if err != nil {
			return false
		}
		for _, s := range st {
			if s.Name == "hook-h" {
				return s.Delivered == 2*perHost+3 && s.Pending == 0
			}
		}
		return false
	}
	deadline := time.Now().Add(90 * time.Second)
	for !settled() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for the workers to deliver; receiver has %d", len(r.deliveries("/h")))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, cmd := range procs {
		cmd.Process.Signal(syscall.SIGTERM)
	}
	for _, cmd := range procs {
		if err := cmd.Wait(); err != nil {
			t.Errorf("worker after SIGTERM: %v", err)
		}
	}
	got := r.deliveries("/h")
	seen := map[string]int{}
	for _, d := range got {
		r.check(d, fmt.Sprint(d.fields["event"]))
		seen[d.header.Get("X-Relwatch-Delivery")]++
	}
	if want := 2*perHost + 3; len(got) != want || len(seen) != want {
		t.Fatalf("%d deliveries of %d events, want each of the %d events once: %v", len(got), len(seen), want, seen)
	}
	if kinds := r.kinds("/h"); countOf(kinds, "new") != 2*perHost+1 || countOf(kinds, "failed") != 1 || countOf(kinds, "stale") != 1 {
		t.Errorf("events %v, want a new one per page, and one failed and one stale for the third host's page", kinds)
	}
}
