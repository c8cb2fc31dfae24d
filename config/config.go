// Package config reads relwatch's config file: what to watch, how politely
// to fetch it, and where the archive is. Every front end (the CLI, serve,
// worker) loads it through Load, so a file means the same to all of them.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"go.yaml.in/yaml/v3"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/internal/lazyregexp"
	"github.com/relwatch/relwatch/notify"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
)

// Config is what relwatch watches and where it keeps the archive.
type Config struct {
	Source  string // the file it was read from, or "built-in defaults"
	Archive string // archive path; relative paths are relative to the config file
	Fetch   FetchSettings
	Targets []Target

	// StaleAfter is how long a page may go without a successful check
	// before `pages` calls it stale and `scrape` exits 3 (stale_after:).
	StaleAfter time.Duration
	// LagAfter is how much older one language's latest content change may
	// be than another language's of the same page before `pages` flags it
	// (lag_after:).
	LagAfter time.Duration
	// Wayback configures backfill from the Wayback Machine (wayback:).
	Wayback WaybackSettings
	// Redact hides URL secrets wherever a URL is shown or stored; its
	// Extra names come from redact_params:.
	Redact relwatch.Redactor
	// Notify is where to send the events of checks (notify:, notify_*).
	Notify NotifySettings
	// Schedule is when watch and worker run (schedule:); their --every
	// and --cron flags override it. Zero when the file sets none.
	Schedule ScheduleSpec
}

// WaybackSettings are the wayback: keys: where the Wayback Machine is and
// how politely to use it. Nil means the scraper's default.
type WaybackSettings struct {
	CDXURL          *string   `yaml:"cdx_url"`
	ReplayURL       *string   `yaml:"replay_url"`
	CDXInterval     *Duration `yaml:"cdx_interval"`     // between CDX requests (3s: 20 a minute)
	CaptureInterval *Duration `yaml:"capture_interval"` // between capture requests
	Backoff         *Duration `yaml:"backoff"`          // first wait after a 429 or 5xx, doubling
	MaxWait         *Duration `yaml:"max_wait"`         // longest wait between retries
	Retries         *int      `yaml:"retries"`
}

// Health defaults: a week without a successful check is stale; a
// translation two weeks behind is lagging.
const (
	defaultStaleAfter = 7 * 24 * time.Hour
	defaultLagAfter   = 14 * 24 * time.Hour
)

// FetchSettings are the politeness and safety knobs. At the top level of a
// config file they are defaults for every target; inside a target they
// override those defaults. Nil means "not set here".
type FetchSettings struct {
	UserAgent            *string   `yaml:"user_agent"`
	Delay                *Duration `yaml:"delay"`
	Parallel             *int      `yaml:"parallel"` // top level only
	Timeout              *Duration `yaml:"timeout"`
	Retries              *int      `yaml:"retries"`
	MaxBody              *int64    `yaml:"max_body"` // bytes
	RespectRobots        *bool     `yaml:"respect_robots"`
	AllowPrivateNetworks *bool     `yaml:"allow_private_networks"`
}

// Target is one page series: a page id in one language at one URL.
type Target struct {
	ID            string `yaml:"id"`
	Lang          string `yaml:"lang"`
	URL           string `yaml:"url"`
	Content       string `yaml:"content"` // optional CSS selector refining the content root
	Exclude       string `yaml:"exclude"` // optional CSS selector of extra page chrome
	FetchSettings `yaml:",inline"`
}

// Key is the target's page key, "<id>/<lang>".
func (t Target) Key() snapshots.PageKey { return snapshots.PageKey{ID: t.ID, Lang: t.Lang} }

// ParseOptions is how the parser reads the target: its content and
// exclude selectors.
func (t Target) ParseOptions() scraper.ParseOptions {
	return scraper.ParseOptions{Content: t.Content, Exclude: t.Exclude}
}

// Duration is a time.Duration written in Go syntax in YAML ("2s", "100ms").
type Duration time.Duration

// UnmarshalYAML parses Go duration syntax.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration like 2s or 100ms", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// The built-in targets: NATO's "Relations with Kazakhstan" in English and
// French.
const (
	DefaultArchive = "relwatch.db"
	kazakhstanEN   = "https://www.nato.int/cps/en/natohq/topics_49598.htm"
	kazakhstanFR   = "https://www.nato.int/cps/fr/natohq/topics_49598.htm?selectedLocale=fr"
)

// Default is used when no config file is given or found.
func Default() Config {
	return Config{
		Source:  "built-in defaults",
		Archive: DefaultArchive,
		Targets: []Target{
			{ID: "kazakhstan", Lang: "en", URL: kazakhstanEN},
			{ID: "kazakhstan", Lang: "fr", URL: kazakhstanFR},
		},
		StaleAfter: defaultStaleAfter,
		LagAfter:   defaultLagAfter,
		Notify:     NotifySettings{Policy: notify.DefaultPolicy()},
	}
}

// Error is a problem in a config file: exit code 2.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("config %s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("config %s: %s", e.File, e.Msg)
}

// Find picks the config file: the flag, else $RELWATCH_CONFIG, else
// ./relwatch.yaml if present. An empty result means the built-in defaults.
func Find(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("RELWATCH_CONFIG"); env != "" {
		return env
	}
	if _, err := os.Stat("relwatch.yaml"); err == nil {
		return "relwatch.yaml"
	}
	return ""
}

// Load reads and validates the config file at path, or returns the
// built-in defaults when path is empty.
func Load(path string) (Config, error) {
	if path == "" {
		return Default(), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, &Error{File: path, Msg: fmt.Sprintf("cannot read: %v", errors.Unwrap(err))}
	}
	cfg, err := Parse(path, data)
	if err != nil {
		return Config{}, err
	}
	// A connection string (postgres://…) is not a path.
	if cfg.Archive != "" && !filepath.IsAbs(cfg.Archive) && !strings.Contains(cfg.Archive, "://") {
		cfg.Archive = filepath.Join(filepath.Dir(path), cfg.Archive)
	}
	return cfg, nil
}

// Keys a config file may hold; anything else is a typo worth reporting.
var (
	fetchKeys   = []string{"user_agent", "delay", "timeout", "retries", "max_body", "respect_robots", "allow_private_networks"}
	topKeys     = slices.Concat([]string{"archive", "targets", "parallel", "stale_after", "lag_after", "wayback", "redact_params", "schedule"}, notifyTopKeys, fetchKeys)
	waybackKeys = []string{"cdx_url", "replay_url", "cdx_interval", "capture_interval", "backoff", "max_wait", "retries"}
	targetKeys  = append([]string{"id", "lang", "url", "urls", "content", "exclude"}, fetchKeys...)
)

// Parse parses and validates a config file's bytes; file names the
// source in error messages. It reports every problem it finds, not only
// the first: the error joins one *Error per problem.
func Parse(file string, data []byte) (Config, error) {
	var errs []error
	fail := func(line int, format string, args ...any) error {
		return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	// report keeps a problem and lets validation go on.
	report := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); errors.Is(err, io.EOF) {
		return Config{}, fail(0, "empty config: want a mapping with targets: (and optionally archive:)")
	} else if err != nil {
		return Config{}, yamlError(file, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return Config{}, fail(doc.Line, "want a mapping with archive: and targets:")
	}
	root := doc.Content[0]
	if err := checkKeys(root, topKeys, "top level", fail); err != nil {
		return Config{}, err
	}
	var raw struct {
		Archive       string          `yaml:"archive"`
		StaleAfter    *Duration       `yaml:"stale_after"`
		LagAfter      *Duration       `yaml:"lag_after"`
		Wayback       WaybackSettings `yaml:"wayback"`
		RedactParams  []string        `yaml:"redact_params"`
		Schedule      yaml.Node       `yaml:"schedule"`
		FetchSettings `yaml:",inline"`
	}
	if w := valueOf(root, "wayback"); w != nil {
		report(checkKeys(w, waybackKeys, "wayback", fail))
	}
	if err := root.Decode(&raw); err != nil {
		return Config{}, yamlError(file, err)
	}
	cfg := Config{Source: file, Archive: raw.Archive, Fetch: raw.FetchSettings, StaleAfter: defaultStaleAfter, LagAfter: defaultLagAfter,
		Wayback: raw.Wayback, Redact: relwatch.Redactor{Extra: raw.RedactParams}}
	for _, p := range raw.RedactParams {
		if strings.TrimSpace(p) == "" || strings.ContainsAny(p, "=&#?") {
			report(fail(lineOf(root, "redact_params"), "field redact_params: %q is not a query parameter name", p))
		}
	}
	report(validateWayback(raw.Wayback, valueOf(root, "wayback"), fail))
	switch n := raw.Schedule; {
	case n.Kind == 0:
	case n.Kind != yaml.ScalarNode:
		report(fail(n.Line, "field schedule: want a duration like 6h or a cron expression like \"0 */6 * * *\""))
	default:
		spec, err := parseScheduleKey(strings.TrimSpace(n.Value))
		if err != nil {
			report(fail(n.Line, "field schedule: %v", err))
		}
		cfg.Schedule = spec
	}
	for _, d := range []struct {
		key string
		val *Duration
		dst *time.Duration
	}{{"stale_after", raw.StaleAfter, &cfg.StaleAfter}, {"lag_after", raw.LagAfter, &cfg.LagAfter}} {
		if d.val == nil {
			continue
		}
		if *d.val == 0 {
			report(fail(lineOf(root, d.key), "field %s: want a positive duration like 168h", d.key))
			continue
		}
		*d.dst = time.Duration(*d.val)
	}
	report(validateFetch(cfg.Fetch, root, fail))

	targets := valueOf(root, "targets")
	switch {
	case targets == nil || len(targets.Content) == 0:
		report(fail(root.Line, "no targets: list at least one page under targets:"))
	case targets.Kind != yaml.SequenceNode:
		report(fail(targets.Line, "targets: want a list"))
	default:
		cfg.Targets = parseTargets(targets, fail, report)
	}
	notifySettings, err := parseNotify(root, cfg.Targets, fail)
	report(err)
	cfg.Notify = notifySettings
	return cfg, errors.Join(errs...)
}

// parseTargets decodes and validates every entry of targets:, reporting
// each bad one and keeping the good ones.
func parseTargets(targets *yaml.Node, fail func(int, string, ...any) error, report func(error)) []Target {
	var out []Target
	seen := make(map[snapshots.PageKey]int, len(targets.Content))
	for _, node := range targets.Content {
		if err := checkKeys(node, targetKeys, "target", fail); err != nil {
			report(err)
			continue
		}
		expanded, err := decodeTarget(node, fail)
		if err != nil {
			report(err)
			continue
		}
		for _, t := range expanded {
			if err := validateTarget(t, node, fail); err != nil {
				report(err)
				continue
			}
			if first, dup := seen[t.Key()]; dup {
				report(fail(node.Line, "target %s: duplicate of the target on line %d", t.Key(), first))
				continue
			}
			seen[t.Key()] = node.Line
			out = append(out, t)
		}
	}
	return out
}

// yamlLine finds the "line N:" that yaml.v3 puts in its messages.
var yamlLine = lazyregexp.New(`^(?:yaml: )?(?:unmarshal errors:\n\s*)?line (\d+): `)

// yamlError is a YAML syntax or type error as a config error, with the
// line the YAML library names in its own field rather than in the text.
func yamlError(file string, err error) error {
	msg := err.Error()
	if m := yamlLine().FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: file, Line: line, Msg: strings.TrimSpace(msg[len(m[0]):])}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// decodeTarget decodes one entry of targets:. An entry with urls: (a map
// of language to URL) stands for one target per language, in file order.
func decodeTarget(node *yaml.Node, fail func(int, string, ...any) error) ([]Target, error) {
	var t struct {
		Target `yaml:",inline"`
		URLs   yaml.Node `yaml:"urls"`
	}
	if err := node.Decode(&t); err != nil {
		return nil, fail(node.Line, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if t.URLs.Kind == 0 {
		return []Target{t.Target}, nil
	}
	if t.Lang != "" || t.URL != "" {
		return nil, fail(t.URLs.Line, "target %s: give either lang: and url:, or urls:, not both", t.ID)
	}
	if t.URLs.Kind != yaml.MappingNode || len(t.URLs.Content) == 0 {
		return nil, fail(t.URLs.Line, "target %s: urls: want a map of language to URL, e.g. {en: https://…, fr: https://…}", t.ID)
	}
	var out []Target
	for i := 0; i+1 < len(t.URLs.Content); i += 2 {
		one := t.Target
		one.Lang, one.URL = t.URLs.Content[i].Value, t.URLs.Content[i+1].Value
		out = append(out, one)
	}
	return out, nil
}

func validateTarget(t Target, node *yaml.Node, fail func(int, string, ...any) error) error {
	for _, f := range []struct{ key, value string }{{"id", t.ID}, {"lang", t.Lang}, {"url", t.URL}} {
		if strings.TrimSpace(f.value) == "" {
			return fail(node.Line, "target: missing field %s", f.key)
		}
	}
	if err := relwatch.ValidatePageKey(t.Key()); err != nil {
		return fail(lineOf(node, "id"), "target %s: %v", quoteKey(t.Key()), err)
	}
	u, err := url.Parse(t.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fail(lineOf(node, "url"), "target %s: field url: %q is not an http(s) URL", t.Key(), t.URL)
	}
	// The selectors are compiled as the parser compiles them, so that a typo
	// is a config error now rather than a failed check of the page on
	// every scrape.
	for _, f := range []struct{ key, sel string }{{"content", t.Content}, {"exclude", t.Exclude}} {
		if strings.TrimSpace(f.sel) == "" {
			continue
		}
		if _, err := cascadia.Compile(f.sel); err != nil {
			return fail(lineOf(node, f.key), "target %s: field %s: %q is not a valid CSS selector: %v", t.Key(), f.key, f.sel, err)
		}
	}
	if t.Parallel != nil {
		return fail(lineOf(node, "parallel"), "target %s: parallel is a top-level setting", t.Key())
	}
	return validateFetch(t.FetchSettings, node, fail)
}

// quoteKey shows a page key that failed validation without printing its
// control characters raw.
func quoteKey(k snapshots.PageKey) string {
	s := k.String()
	if q := strconv.Quote(s); q[1:len(q)-1] != s {
		return q
	}
	return s
}

func validateFetch(f FetchSettings, node *yaml.Node, fail func(int, string, ...any) error) error {
	if f.Parallel != nil && *f.Parallel < 1 {
		return fail(lineOf(node, "parallel"), "field parallel: want at least 1")
	}
	if f.Retries != nil && *f.Retries < 0 {
		return fail(lineOf(node, "retries"), "field retries: want 0 or more")
	}
	if f.MaxBody != nil && *f.MaxBody < 1 {
		return fail(lineOf(node, "max_body"), "field max_body: want a positive number of bytes")
	}
	if f.Timeout != nil && *f.Timeout == 0 {
		return fail(lineOf(node, "timeout"), "field timeout: want a positive duration")
	}
	return nil
}

func validateWayback(w WaybackSettings, node *yaml.Node, fail func(int, string, ...any) error) error {
	for _, f := range []struct {
		key string
		val *string
	}{{"cdx_url", w.CDXURL}, {"replay_url", w.ReplayURL}} {
		if f.val == nil {
			continue
		}
		if u, err := url.Parse(*f.val); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fail(lineOf(node, f.key), "wayback: field %s: %q is not an http(s) URL", f.key, *f.val)
		}
	}
	for _, f := range []struct {
		key string
		val *Duration
	}{{"cdx_interval", w.CDXInterval}, {"capture_interval", w.CaptureInterval}, {"backoff", w.Backoff}, {"max_wait", w.MaxWait}} {
		if f.val != nil && *f.val == 0 {
			return fail(lineOf(node, f.key), "wayback: field %s: want a positive duration", f.key)
		}
	}
	if w.Retries != nil && *w.Retries < 0 {
		return fail(lineOf(node, "retries"), "wayback: field retries: want 0 or more")
	}
	return nil
}

func checkKeys(m *yaml.Node, allowed []string, where string, fail func(int, string, ...any) error) error {
	if m.Kind != yaml.MappingNode {
		return fail(m.Line, "%s: want a mapping of keys to values", where)
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if !slices.Contains(allowed, k.Value) {
			return fail(k.Line, "%s: unknown field %q (known: %s)", where, k.Value, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func valueOf(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func lineOf(m *yaml.Node, key string) int {
	if v := valueOf(m, key); v != nil {
		return v.Line
	}
	return m.Line
}

// Policy is how to fetch target t: its fetch settings over the config's
// defaults over the scraper's, with userAgent unless the config sets one.
func (c Config) Policy(t Target, userAgent string) scraper.Policy {
	p := scraper.DefaultPolicy()
	p.UserAgent = userAgent
	for _, s := range []FetchSettings{c.Fetch, t.FetchSettings} {
		if s.UserAgent != nil {
			p.UserAgent = *s.UserAgent
		}
		if s.Delay != nil {
			p.Delay = time.Duration(*s.Delay)
		}
		if s.Timeout != nil {
			p.Timeout = time.Duration(*s.Timeout)
		}
		if s.Retries != nil {
			p.Retries = *s.Retries
		}
		if s.MaxBody != nil {
			p.MaxBody = *s.MaxBody
		}
		if s.RespectRobots != nil {
			p.RespectRobots = *s.RespectRobots
		}
		if s.AllowPrivateNetworks != nil {
			p.AllowPrivateNetworks = *s.AllowPrivateNetworks
		}
	}
	return p
}

// Parallel is how many hosts are fetched at once.
func (c Config) Parallel() int {
	if c.Fetch.Parallel != nil {
		return *c.Fetch.Parallel
	}
	return scraper.DefaultParallel
}

// WaybackOptions is the wayback: config over the scraper's defaults, with
// the target's User-Agent, timeout and body limit.
func (c Config) WaybackOptions(t Target, userAgent string) scraper.WaybackOptions {
	w := c.Wayback
	o := scraper.WaybackOptions{Policy: c.Policy(t, userAgent), Redact: c.Redact}
	if w.CDXURL != nil {
		o.CDXURL = *w.CDXURL
	}
	if w.ReplayURL != nil {
		o.ReplayURL = *w.ReplayURL
	}
	for _, d := range []struct {
		src *Duration
		dst *time.Duration
	}{{w.CDXInterval, &o.CDXInterval}, {w.CaptureInterval, &o.CaptureInterval}, {w.Backoff, &o.Backoff}, {w.MaxWait, &o.MaxWait}} {
		if d.src != nil {
			*d.dst = time.Duration(*d.src)
		}
	}
	if w.Retries != nil {
		o.Retries = *w.Retries
		if o.Retries == 0 {
			o.Retries = -1 // none
		}
	}
	return o
}
