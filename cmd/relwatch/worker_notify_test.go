package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch/postgres"
	"github.com/relwatch/relwatch/worker"
)

// TestWorkersDeliverEachEventOnce: two workers check a round over two
// hosts at once and each delivers the outbox after its job: the webhook
// receiver gets every page's event exactly once, and the outbox has
// nothing left for it.
func TestWorkersDeliverEachEventOnce(t *testing.T) {
	dsn := postgres.TestDSN(t)
	bin := relwatchBinary(t)
	r := newReceiver(t, testSecret)
	body, err := os.ReadFile(filepath.Join("testdata", "kazakhstan-fr-v1.html"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg strings.Builder
	cfg.WriteString("delay: 0s\nretries: 0\ntimeout: 30s\nnotify_backoff: 1ms\n" + webhookYAML(r, "", "/h") + "targets:\n")
	const perHost = 4
	for h := range 2 {
		srv := httptest.NewServer(&countingHost{body: string(body), requests: map[string]int{}})
		t.Cleanup(srv.Close)
		for p := range perHost {
			fmt.Fprintf(&cfg, "  - {id: h%d-%d, lang: fr, url: '%s/cps/fr/p%d.htm'}\n", h, p, srv.URL, p)
		}
	}
	cfgPath := filepath.Join(t.TempDir(), "relwatch.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := postgres.Open(ctx, dsn, postgres.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := worker.Migrate(ctx, a); err != nil {
		t.Fatal(err)
	}

	var procs []*exec.Cmd
	var logs []*bytes.Buffer
	t.Cleanup(func() {
		if t.Failed() {
			for _, l := range logs {
				t.Logf("worker stderr:\n%s", l.String())
			}
		}
	})
	for range 2 {
		cmd := exec.Command(bin, "--config", cfgPath, "--log-level", "info", "--log-format", "text", "worker", "--every", "24h", "--parallel", "1")
		cmd.Env = append(os.Environ(), dbEnv+"="+dsn, "RELWATCH_TEST_SECRET="+testSecret)
		errOut := &bytes.Buffer{}
		cmd.Stderr = errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs, logs = append(procs, cmd), append(logs, errOut)
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}
	settled := func() bool {
		st, err := a.OutboxStatus(ctx)
		if err != nil {
			return false
		}
		for _, s := range st {
			if s.Name == "hook-h" {
				return s.Delivered == 2*perHost && s.Pending == 0
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
		r.check(d, "new")
		seen[d.header.Get("X-Relwatch-Delivery")]++
	}
	if len(got) != 2*perHost || len(seen) != 2*perHost {
		t.Fatalf("%d deliveries of %d events, want each of the %d pages' events once: %v", len(got), len(seen), 2*perHost, seen)
	}
}
