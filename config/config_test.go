package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseConfigValid(t *testing.T) {
	cfg, err := Parse("relwatch.yaml", []byte(`
archive: data/relwatch.db
delay: 500ms
parallel: 2
targets:
  - id: kazakhstan
    lang: en
    url: https://www.nato.int/cps/en/natohq/topics_49598.htm
  - id: kazakhstan
    lang: fr
    url: https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=fr
    delay: 3s
    content: section.content
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Targets) != 2 || cfg.Targets[1].Key().String() != "kazakhstan/fr" || cfg.Targets[1].Content != "section.content" {
		t.Fatalf("targets parsed wrong: %+v", cfg.Targets)
	}
	if p := cfg.Policy(cfg.Targets[0], ""); p.Delay != 500*time.Millisecond {
		t.Errorf("top-level delay not applied: %v", p.Delay)
	}
	if p := cfg.Policy(cfg.Targets[1], ""); p.Delay != 3*time.Second {
		t.Errorf("per-target delay not applied: %v", p.Delay)
	}
	if cfg.Parallel() != 2 {
		t.Errorf("parallel = %d", cfg.Parallel())
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top-level key", "archiv: x.db\ntargets: []\n", `relwatch.yaml:1: top level: unknown field "archiv"`},
		{"unknown target key", "targets:\n  - id: a\n    lang: en\n    url: https://example.org/\n    urll: x\n", `relwatch.yaml:5: target: unknown field "urll"`},
		{"missing url", "targets:\n  - id: a\n    lang: en\n", "relwatch.yaml:2: target: missing field url"},
		{"missing id", "targets:\n  - lang: en\n    url: https://example.org/\n", "relwatch.yaml:2: target: missing field id"},
		{"duplicate", "targets:\n  - {id: a, lang: en, url: 'https://example.org/'}\n  - {id: a, lang: en, url: 'https://example.org/b'}\n",
			"relwatch.yaml:3: target a/en: duplicate of the target on line 2"},
		{"not http", "targets:\n  - id: a\n    lang: en\n    url: file:///etc/passwd\n", `relwatch.yaml:4: target a/en: field url: "file:///etc/passwd" is not an http(s) URL`},
		{"bad duration", "delay: soon\ntargets:\n  - {id: a, lang: en, url: 'https://example.org/'}\n", `relwatch.yaml:1: "soon" is not a duration`},
		{"bad content selector", "targets:\n  - id: a\n    lang: en\n    url: https://example.org/\n    content: \"div[[\"\n",
			`relwatch.yaml:5: target a/en: field content: "div[[" is not a valid CSS selector`},
		{"bad exclude selector", "targets:\n  - id: a\n    urls: {en: 'https://example.org/'}\n    exclude: .share, >>\n",
			`relwatch.yaml:4: target a/en: field exclude: ".share, >>" is not a valid CSS selector`},
		{"no targets", "archive: x.db\n", "no targets"},
		{"bad redact_params", "redact_params: [session, 'a=b']\ntargets:\n  - {id: a, lang: en, url: 'https://example.org/'}\n",
			`relwatch.yaml:1: field redact_params: "a=b" is not a query parameter name`},
		{"not yaml", "targets: [\n", "relwatch.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("relwatch.yaml", []byte(tt.yaml))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestParseRedactParams(t *testing.T) {
	cfg, err := Parse("relwatch.yaml", []byte("redact_params: [session, Auth]\ntargets:\n  - {id: a, lang: en, url: 'https://example.org/?session=s&auth=a&token=t&lang=fr'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Redact.URL(cfg.Targets[0].URL), "https://example.org/?session=xxxxx&auth=xxxxx&token=xxxxx&lang=fr"; got != want {
		t.Errorf("redacted %q, want %q", got, want)
	}
	if o := cfg.WaybackOptions(cfg.Targets[0], "ua"); len(o.Redact.Extra) != 2 {
		t.Errorf("WaybackOptions.Redact = %+v, want the config's names", o.Redact)
	}
}

func TestFindConfigOrder(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("RELWATCH_CONFIG", "")
	if got := Find(""); got != "" {
		t.Fatalf("no config anywhere: got %q, want built-in defaults", got)
	}
	if err := os.WriteFile("relwatch.yaml", []byte("targets: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Find(""); got != "relwatch.yaml" {
		t.Fatalf("got %q, want ./relwatch.yaml", got)
	}
	t.Setenv("RELWATCH_CONFIG", "/etc/relwatch.yaml")
	if got := Find(""); got != "/etc/relwatch.yaml" {
		t.Fatalf("got %q, want $RELWATCH_CONFIG", got)
	}
	if got := Find("mine.yaml"); got != "mine.yaml" {
		t.Fatalf("got %q, want the flag", got)
	}
}

func TestArchivePathRelativeToConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "relwatch.yaml")
	if err := os.WriteFile(path, []byte("archive: history.db\ntargets:\n  - {id: a, lang: en, url: 'https://example.org/'}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "history.db"); cfg.Archive != want {
		t.Fatalf("archive %q, want %q", cfg.Archive, want)
	}
}

func TestDefaultConfigTargets(t *testing.T) {
	cfg := Default()
	var keys []string
	for _, tg := range cfg.Targets {
		keys = append(keys, tg.Key().String()+" "+tg.URL)
	}
	want := "kazakhstan/en " + kazakhstanEN + "|kazakhstan/fr " + kazakhstanFR
	if strings.Join(keys, "|") != want {
		t.Fatalf("default targets %q", keys)
	}
}

func TestParseConfigURLsPerLanguage(t *testing.T) {
	cfg, err := Parse("relwatch.yaml", []byte(`
targets:
  - id: kazakhstan
    urls:
      fr: https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=fr
      en: https://www.nato.int/cps/en/natohq/topics_49598.htm
    delay: 5s
  - {id: georgia, lang: en, url: 'https://www.nato.int/cps/en/natohq/topics_38988.htm'}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range cfg.Targets {
		got = append(got, tg.Key().String())
	}
	if strings.Join(got, " ") != "kazakhstan/fr kazakhstan/en georgia/en" {
		t.Fatalf("targets %v", got)
	}
	if p := cfg.Policy(cfg.Targets[1], ""); p.Delay != 5*time.Second {
		t.Errorf("settings of a urls: entry not shared by its languages: delay %v", p.Delay)
	}
	_, err = Parse("relwatch.yaml", []byte("targets:\n  - id: a\n    lang: en\n    urls: {en: 'https://example.org/'}\n"))
	if err == nil || !strings.Contains(err.Error(), "relwatch.yaml:4: target a: give either lang: and url:, or urls:") {
		t.Fatalf("lang with urls: %v", err)
	}
}

func TestParseConfigHealthKeys(t *testing.T) {
	targets := "targets:\n  - {id: a, lang: en, url: 'https://example.org/'}\n"
	cfg, err := Parse("relwatch.yaml", []byte(targets))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StaleAfter != 168*time.Hour || cfg.LagAfter != 336*time.Hour {
		t.Fatalf("defaults: stale_after %v lag_after %v, want 168h and 336h", cfg.StaleAfter, cfg.LagAfter)
	}
	if d := Default(); d.StaleAfter != 168*time.Hour || d.LagAfter != 336*time.Hour {
		t.Fatalf("built-in defaults: stale_after %v lag_after %v", d.StaleAfter, d.LagAfter)
	}
	cfg, err = Parse("relwatch.yaml", []byte("stale_after: 36h\nlag_after: 720h\n"+targets))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StaleAfter != 36*time.Hour || cfg.LagAfter != 720*time.Hour {
		t.Fatalf("set: stale_after %v lag_after %v", cfg.StaleAfter, cfg.LagAfter)
	}
	for _, bad := range []string{"stale_after: 0s\n", "lag_after: soon\n", "stale_after: -1h\n"} {
		_, err := Parse("relwatch.yaml", []byte(bad+targets))
		var ce *Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), ":1: ") && !strings.Contains(err.Error(), "line 1:") {
			t.Errorf("%q: got %v, want a *Error naming line 1", bad, err)
		}
	}
}

func TestParseConfigWayback(t *testing.T) {
	cfg, err := Parse("relwatch.yaml", []byte(`
wayback:
  cdx_url: http://127.0.0.1:9/cdx
  capture_interval: 2s
  retries: 0
targets:
  - {id: kazakhstan, lang: en, url: 'https://www.nato.int/cps/en/natohq/topics_49598.htm'}
`))
	if err != nil {
		t.Fatal(err)
	}
	o := cfg.WaybackOptions(cfg.Targets[0], "relwatch/test")
	if o.CDXURL != "http://127.0.0.1:9/cdx" || o.ReplayURL != "" || o.CaptureInterval != 2*time.Second || o.CDXInterval != 0 || o.Retries != -1 {
		t.Errorf("wayback options %+v", o)
	}
	if def := Default().WaybackOptions(Default().Targets[0], "relwatch/test"); def.CDXURL != "" || def.Retries != 0 || !strings.HasPrefix(def.Policy.UserAgent, "relwatch/") {
		t.Errorf("default wayback options %+v", def)
	}

	for yaml, want := range map[string]string{
		"wayback:\n  cdx: x\n":               `relwatch.yaml:2: wayback: unknown field "cdx"`,
		"wayback:\n  replay_url: ftp://x/\n": `wayback: field replay_url: "ftp://x/" is not an http(s) URL`,
		"wayback:\n  cdx_interval: 0s\n":     "wayback: field cdx_interval: want a positive duration",
		"wayback:\n  retries: -1\n":          "wayback: field retries: want 0 or more",
		"wayback:\n  backoff: soon\n":        `"soon" is not a duration`,
	} {
		_, err := Parse("relwatch.yaml", []byte(yaml+"targets:\n  - {id: a, lang: en, url: 'https://example.org/'}\n"))
		if err == nil || !strings.Contains(err.Error(), want) || !isConfigError(err) {
			t.Errorf("%q: got %v, want %q", yaml, err, want)
		}
	}
}

// isConfigError reports whether err is a config problem, which the CLI
// maps to exit 2.
func isConfigError(err error) bool {
	var ce *Error
	return errors.As(err, &ce)
}

// TestParseReportsEveryProblem: one pass over a config names each bad
// target and setting with its line, not only the first.
func TestParseReportsEveryProblem(t *testing.T) {
	yaml := "delay: soon\nretries: -1\ntargets:\n" +
		"  - {id: 'kz en', lang: en, url: 'https://example.org/a'}\n" +
		"  - {id: changes, lang: en, url: 'https://example.org/b'}\n" +
		"  - {id: ok, lang: en, url: 'https://example.org/c'}\n" +
		"  - {id: \"bad\\e[31m\", lang: en, url: 'https://example.org/d'}\n" +
		"  - {id: ok, lang: en, url: 'https://example.org/e'}\n"
	_, err := Parse("relwatch.yaml", []byte(yaml))
	if err == nil {
		t.Fatal("accepted")
	}
	msg := err.Error()
	for _, want := range []string{
		`relwatch.yaml:1: "soon" is not a duration`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "\x1b") {
		t.Errorf("error prints a control character raw:\n%q", msg)
	}
	// The duration error stops decoding; fix it and every target problem shows.
	_, err = Parse("relwatch.yaml", []byte(strings.Replace(yaml, "delay: soon\n", "", 1)))
	msg = err.Error()
	for _, want := range []string{
		"relwatch.yaml:1: field retries: want 0 or more",
		`relwatch.yaml:3: target kz en/en: page id "kz en"`,
		`relwatch.yaml:4: target changes/en: page id "changes" is a name relwatch's export uses itself`,
		`relwatch.yaml:6: target "bad\x1b[31m/en"`,
		"relwatch.yaml:7: target ok/en: duplicate of the target on line 5",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n != 5 {
		t.Errorf("%d problems reported, want 5:\n%s", n, msg)
	}
}

func TestParseEmptyAndSyntaxErrors(t *testing.T) {
	for yaml, want := range map[string]string{
		"":                            "relwatch.yaml: empty config",
		"# only a comment\n":          "relwatch.yaml: empty config",
		"targets: []\nb: 2\n  c: 3\n": "relwatch.yaml:3: mapping values are not allowed",
		"retries: abc\ntargets: []\n": "relwatch.yaml:1: cannot unmarshal",
	} {
		_, err := Parse("relwatch.yaml", []byte(yaml))
		if err == nil || !strings.HasPrefix(err.Error(), "config "+want) {
			t.Errorf("%q: got %v, want %q", yaml, err, want)
		}
	}
}
