package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/history"
)

// versionsOf reads the page's versions through the CLI.
func (e *testEnv) versionsOf(page string) []history.LogEntry {
	e.t.Helper()
	out, _, code := e.relwatch("log", page, "--json")
	if code != exitOK {
		return nil
	}
	var log []history.LogEntry
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		e.t.Fatal(err)
	}
	return log
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestWatchScrapesOnScheduleAndStopsCleanly(t *testing.T) {
	e := newTestEnv(t)
	ctx, stop := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		exit <- run(ctx, []string{"--config", e.cfg, "watch", "--every", "50ms", "--json"}, streams{Out: &out, Err: &errb})
	}()

	waitFor(t, "version 1 and a second check", func() bool {
		v := e.versionsOf("kazakhstan/fr")
		return len(v) == 1 && v[0].Checks >= 2
	})
	e.site.serve(200, "kazakhstan-fr-v2.html")
	waitFor(t, "version 2", func() bool { return len(e.versionsOf("kazakhstan/fr")) == 2 })

	stop() // what SIGTERM does to the root context
	select {
	case code := <-exit:
		if code != exitOK {
			t.Fatalf("watch stopped with exit %d, want 0\nstderr: %s", code, errb.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("watch did not stop within 5s of the stop signal")
	}
	if v := e.versionsOf("kazakhstan/fr"); len(v) != 2 {
		t.Fatalf("versions after watch: %d, want 2", len(v))
	}
	if !strings.Contains(out.String(), `"status":"changed"`) {
		t.Errorf("watch output lacks the change:\n%s", out.String())
	}
}

func TestWatchFlags(t *testing.T) {
	e := newTestEnv(t)
	for _, args := range [][]string{
		{"watch"},
		{"watch", "--every", "1h", "--cron", "0 * * * *"},
		{"watch", "--cron", "every tuesday"},
		{"watch", "--every", "-1s"},
		{"watch", "--cron", "TZ=UTC"},
		{"watch", "--cron", "0 0 31 2 *"},
		{"watch", "--every", "1h", "--lock-timeout", "-1s"},
		{"scrape", "--deadline", "-5m"},
	} {
		if _, _, code := e.relwatch(args...); code != exitUsage {
			t.Errorf("relwatch %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestWatchSIGTERM runs the real binary and stops it with SIGTERM, as
// systemd or Kubernetes would.
func TestWatchSIGTERM(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	cmd := exec.Command(bin, "--config", e.cfg, "watch", "--every", "100ms")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a first version", func() bool { return len(e.versionsOf("kazakhstan/fr")) == 1 })
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("watch after SIGTERM: %v, want exit 0", err)
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("watch did not exit within 5s of SIGTERM")
	}
	if out := e.mustRun(0, "check"); !strings.Contains(out, "ok") {
		t.Fatalf("check after SIGTERM: %s", out)
	}
}

// TestMistakesGetHelp: a misspelt command gets a suggestion, a missing
// argument the usage line, and a wait for the writer lock names the holder.
func TestMistakesGetHelp(t *testing.T) {
	e := newTestEnv(t)
	if _, stderr, code := e.relwatch("scrap"); code != exitUsage || !strings.Contains(stderr, "did you mean scrape?") {
		t.Errorf("relwatch scrap: exit %d, stderr %q", code, stderr)
	}
	if _, stderr, code := e.relwatch("import"); code != exitUsage || !strings.Contains(stderr, "usage: relwatch import PAGE FILE...") {
		t.Errorf("relwatch import: exit %d, stderr %q", code, stderr)
	}
	if _, stderr, code := e.relwatch("export"); code != exitUsage || !strings.Contains(stderr, "usage: relwatch export") {
		t.Errorf("relwatch export: exit %d, stderr %q", code, stderr)
	}

	e.mustRun(0, "scrape")
	cfg, err := config.Load(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(t.Context(), (&globals{}).archivePath(cfg), archive.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	unlock, err := arc.Lock(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, stderr, code := e.relwatch("scrape", "--lock-timeout", "100ms")
	unlock()
	if code != exitUnusable || !strings.Contains(stderr, fmt.Sprintf("waiting up to 100ms for pid %d (started ", os.Getpid())) {
		t.Errorf("scrape --lock-timeout while locked: exit %d, stderr %q", code, stderr)
	}
}

// TestWatchOnConfigSchedule: without --every or --cron, watch runs on the
// config's schedule:, and config check shows it; a bad schedule: is exit
// 2 naming the line.
func TestWatchOnConfigSchedule(t *testing.T) {
	e := newTestEnv(t)
	yaml, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.cfg, append([]byte("schedule: 50ms\n"), yaml...), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := e.mustRun(exitOK, "config", "check"); !strings.Contains(out, "\nschedule: 50ms\n") {
		t.Errorf("config check does not show the schedule:\n%s", out)
	}
	ctx, stop := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		exit <- run(ctx, []string{"--config", e.cfg, "watch", "--json"}, streams{Out: &out, Err: &errb})
	}()
	waitFor(t, "three checks on the config's schedule", func() bool {
		v := e.versionsOf("kazakhstan/fr")
		return len(v) == 1 && v[0].Checks >= 3
	})
	stop()
	if code := <-exit; code != exitOK {
		t.Fatalf("watch stopped with exit %d, want 0\nstderr: %s", code, errb.String())
	}

	if err := os.WriteFile(e.cfg, append([]byte("schedule: every tuesday\n"), yaml...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"watch"}, {"config", "check"}} {
		_, errOut, code := e.relwatch(args...)
		if code != exitUsage || !strings.Contains(errOut, "relwatch.yaml:1: field schedule") {
			t.Errorf("relwatch %v with a bad schedule: exit %d, stderr %q", args, code, errOut)
		}
	}
}
