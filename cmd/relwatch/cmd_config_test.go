package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigCheckCommand(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("delay: 5s\nstale_after: 48h\ntargets:\n  - {id: a, lang: en, url: 'https://example.org/', retries: 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"config", "check", good}, streams{Out: &out, Err: &errb}); code != exitOK {
		t.Fatalf("config check: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"page: a/en", "delay: 5s", "retries: 1", "stale_after: 48h0m0s", "respect_robots: true"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("config check output lacks %q:\n%s", want, out.String())
		}
	}
	badSel := filepath.Join(dir, "badsel.yaml")
	if err := os.WriteFile(badSel, []byte("targets:\n  - id: a\n    lang: en\n    url: https://example.org/\n    content: \"div[[\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run(t.Context(), []string{"config", "check", badSel}, streams{Out: &out, Err: &errb}); code != exitUsage || !strings.Contains(errb.String(), "badsel.yaml:5: target a/en: field content") {
		t.Fatalf("config check of an invalid selector: exit %d, stderr %q", code, errb.String())
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("targets:\n  - {id: a, lang: en}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run(t.Context(), []string{"config", "check", bad}, streams{Out: &out, Err: &errb}); code != exitUsage || !strings.Contains(errb.String(), "bad.yaml:2") {
		t.Fatalf("config check of a bad file: exit %d, stderr %q", code, errb.String())
	}
}

// TestConfigCheckWayback: config check prints the effective wayback:
// settings, defaults filled in, next to the fetch settings.
func TestConfigCheckWayback(t *testing.T) {
	dir := t.TempDir()
	targets := "targets:\n  - {id: a, lang: en, url: 'https://example.org/'}\n"
	for _, tt := range []struct {
		name, yaml string
		want       []string
	}{
		{"defaults", targets, []string{
			"wayback:\n  cdx_url: https://web.archive.org/cdx/search/cdx\n  replay_url: https://web.archive.org/web/\n  cdx_interval: 3s\n  capture_interval: 1s\n  backoff: 30s\n  max_wait: 5m0s\n  retries: 5\n",
		}},
		{"set", "wayback:\n  replay_url: http://127.0.0.1:9/web\n  capture_interval: 2s\n  backoff: 10m\n  retries: 0\n" + targets, []string{
			"replay_url: http://127.0.0.1:9/web/\n", "capture_interval: 2s\n", "backoff: 10m0s\n  max_wait: 10m0s\n  retries: 0\n",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			if code := run(t.Context(), []string{"config", "check", path}, streams{Out: &out, Err: &errb}); code != exitOK {
				t.Fatalf("config check: exit %d: %s", code, errb.String())
			}
			for _, want := range tt.want {
				if !strings.Contains(out.String(), want) {
					t.Errorf("config check output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

// TestConfigCheckEveryProblem: config check names every bad target with
// its line, exits 2, and prints no control character raw.
func TestConfigCheckEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "relwatch.yaml")
	yaml := "targets:\n" +
		"  - {id: 'kz en', lang: en, url: 'https://example.org/a'}\n" +
		"  - {id: \"kz\\e[2J\", lang: en, url: 'https://example.org/b'}\n" +
		"  - {id: changes, lang: en, url: 'https://example.org/c'}\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run(t.Context(), []string{"config", "check", path}, streams{Out: &out, Err: &errb})
	if code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, errb.String())
	}
	for _, want := range []string{"relwatch.yaml:2: target kz en/en", "relwatch.yaml:3: target \"kz\\x1b[2J/en\"", "relwatch.yaml:4: target changes/en"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if strings.Contains(errb.String(), "\x1b") {
		t.Errorf("stderr has a raw escape: %q", errb.String())
	}
}
