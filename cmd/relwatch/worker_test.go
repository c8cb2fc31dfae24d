package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch/postgres"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/worker"
)

// writeConfig writes text as a config file in a folder of the test's own
// and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "relwatch.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// farRounds is the worker tests' schedule: a round's name is its start
// rounded down to the period, and a new River leader (after a worker is
// killed) enqueues the round of its own start, so a period whose boundary
// fell during a test (midnight UTC, for 24h) would add a round to it. The
// next boundary of 100 years is in 2099.
const farRounds = "876000h"

// workerArchive opens the PostgreSQL archive at dsn for the test, closed
// when it ends; with queue, the job queue's tables are made first, as a
// test that does not test their making wants.
func workerArchive(t *testing.T, dsn string, queue bool) *postgres.Archive {
	t.Helper()
	ctx := context.Background()
	a, err := postgres.Open(ctx, dsn, postgres.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if queue {
		if err := worker.Migrate(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// startWorkers starts n `relwatch worker` processes on the config at
// cfgPath and the archive at dsn, with args after "worker" and env added
// to this process's environment. It returns them by pid; each is killed
// when the test ends, and their stderr is logged if it failed.
func startWorkers(t *testing.T, bin, cfgPath, dsn string, n int, env []string, args ...string) map[int]*exec.Cmd {
	t.Helper()
	procs := map[int]*exec.Cmd{}
	logs := map[int]*bytes.Buffer{}
	t.Cleanup(func() {
		if t.Failed() {
			for pid, l := range logs {
				t.Logf("worker %d stderr:\n%s", pid, l.String())
			}
		}
	})
	for range n {
		cmd := exec.Command(bin, append([]string{"--config", cfgPath, "--log-level", "info", "--log-format", "text", "worker"}, args...)...)
		cmd.Env = append(append(os.Environ(), dbEnv+"="+dsn), env...)
		errOut := &bytes.Buffer{}
		cmd.Stderr = errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[cmd.Process.Pid] = cmd
		logs[cmd.Process.Pid] = errOut
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}
	return procs
}

// killClaimHolder kills with SIGKILL the worker of procs that holds the
// claim what, takes it out of procs and returns its pid.
func killClaimHolder(t *testing.T, dsn string, procs map[int]*exec.Cmd, what string) int {
	t.Helper()
	pid := claimHolder(t, dsn, what)
	victim, ok := procs[pid]
	if !ok {
		t.Fatalf("%s is held by pid %d, not one of the workers %v", what, pid, procs)
	}
	victim.Process.Signal(syscall.SIGKILL)
	victim.Wait()
	delete(procs, pid)
	return pid
}

// captureCounter counts a page's captures in a (0 when it has none).
func captureCounter(t *testing.T, a *postgres.Archive) func(page string) int {
	return func(page string) int {
		cs, err := a.Captures(context.Background(), mustKey(t, page))
		if err != nil {
			return 0
		}
		return len(cs)
	}
}

// waitForWorkers polls ok until it holds; after 150 s (a dead leader is
// replaced within about 20 s, River's rescuer looks every 30 s) the test
// fails with what it waited for and `worker --status`.
func waitForWorkers(t *testing.T, cfgPath, dsn, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(150 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			var status bytes.Buffer
			run(context.Background(), []string{"--config", cfgPath, "--db", dsn, "worker", "--status"}, streams{In: strings.NewReader(""), Out: &status, Err: &status})
			t.Fatalf("gave up waiting for %s; worker --status:\n%s", what, status.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWorkersSurviveKill9: three workers share a round over two hosts; the
// one checking the slow host is killed with SIGKILL after its first page.
// Another worker takes the host over once the lease is out and checks only
// the pages left: every page is checked exactly once, no host gets two
// requests at once, check passes, --status shows the takeover, and the
// others stop on SIGTERM with exit 0.
func TestWorkersSurviveKill9(t *testing.T) {
	dsn := postgres.TestDSN(t)
	bin := relwatchBinary(t)
	body, err := os.ReadFile(filepath.Join("testdata", "kazakhstan-fr-v1.html"))
	if err != nil {
		t.Fatal(err)
	}
	// The slow host answers each page after a pause, so that a worker can
	// be killed while it checks the host.
	slowSrv, fastSrv := pageHost(t, string(body), 700*time.Millisecond), pageHost(t, string(body), 0)
	var cfg strings.Builder
	cfg.WriteString("delay: 0s\nretries: 0\ntimeout: 30s\ntargets:\n")
	for p := range 4 {
		fmt.Fprintf(&cfg, "  - {id: slow-%d, lang: fr, url: '%s/cps/fr/s%d.htm'}\n", p, slowSrv.URL, p)
		fmt.Fprintf(&cfg, "  - {id: fast-%d, lang: fr, url: '%s/cps/fr/f%d.htm'}\n", p, fastSrv.URL, p)
	}
	cfgPath := writeConfig(t, cfg.String())
	ctx := context.Background()
	a := workerArchive(t, dsn, true)

	procs := startWorkers(t, bin, cfgPath, dsn, 3, nil, "--every", farRounds, "--lease", "2s")
	captures := captureCounter(t, a)
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		waitForWorkers(t, cfgPath, dsn, what, ok)
	}
	// Kill the worker that holds the slow host once it has checked a page.
	waitFor("the slow host's first page", func() bool { return captures("slow-0/fr") > 0 })
	slowHostPort := strings.TrimPrefix(slowSrv.URL, "http://")
	pid := killClaimHolder(t, dsn, procs, "host "+slowHostPort)

	waitFor("every page checked", func() bool {
		for p := range 4 {
			if captures(fmt.Sprintf("slow-%d/fr", p)) == 0 || captures(fmt.Sprintf("fast-%d/fr", p)) == 0 {
				return false
			}
		}
		return true
	})
	for p := range 4 {
		for _, page := range []string{fmt.Sprintf("slow-%d/fr", p), fmt.Sprintf("fast-%d/fr", p)} {
			if n := captures(page); n != 1 {
				t.Errorf("%s checked %d times in the round, want once", page, n)
			}
		}
	}
	// A request the killed worker had in flight may have been answered
	// after it died, but no two at once.
	if m := slowSrv.MaxInFlight(); m != 1 {
		t.Errorf("the slow host had %d requests in flight at once", m)
	}
	if probs, err := a.Check(ctx); err != nil || len(probs) > 0 {
		t.Errorf("check: %v %v", probs, err)
	}

	var status bytes.Buffer
	code := run(ctx, []string{"--config", cfgPath, "--db", dsn, "worker", "--status"}, streams{In: strings.NewReader(""), Out: &status, Err: &status})
	if code != 0 || !strings.Contains(status.String(), slowHostPort) || !strings.Contains(status.String(), "completed") {
		t.Errorf("worker --status: exit %d\n%s", code, status.String())
	}
	for _, line := range strings.Split(status.String(), "\n") {
		if strings.Contains(line, slowHostPort) && !strings.Contains(line, fmt.Sprintf("/%d", pid)) {
			t.Errorf("--status does not name the killed worker %d for the slow host: %s", pid, line)
		}
	}

	for _, cmd := range procs {
		cmd.Process.Signal(syscall.SIGTERM)
	}
	for pid, cmd := range procs {
		if err := cmd.Wait(); err != nil {
			t.Errorf("worker %d after SIGTERM: %v", pid, err)
		}
	}
}

func mustKey(t *testing.T, ref string) snapshots.PageKey {
	t.Helper()
	id, lang, _ := strings.Cut(ref, "/")
	return snapshots.PageKey{ID: id, Lang: lang}
}

// claimHolder is the pid of the relwatch process holding a claim, from its
// connection's application_name.
func claimHolder(t *testing.T, dsn, what string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var app string
	err = conn.QueryRow(ctx, `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (hashtext($1)::bigint & 4294967295)::oid AND l.objsubid = 2`, what).Scan(&app)
	if err != nil {
		t.Fatalf("who holds %s: %v", what, err)
	}
	var pid int
	if _, err := fmt.Sscanf(app, "relwatch pid=%d", &pid); err != nil {
		t.Fatalf("holder %q: %v", app, err)
	}
	return pid
}
