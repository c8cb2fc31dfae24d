package config

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/relwatch/relwatch/internal/lazyregexp"
	"github.com/relwatch/relwatch/notify"
	"github.com/relwatch/relwatch/snapshots"
)

// The notify: part of a config file: destinations, and how hard to try.
var (
	notifyTopKeys = []string{"notify", "notify_max_age", "notify_retries", "notify_backoff", "notify_max_wait", "notify_timeout", "base_url"}
	notifyKeys    = []string{"name", "url", "kind", "secret", "pages", "events", "include_stamp_only", "include_parser_changes", "format", "digest_above"}
)

// NotifySettings are the config's notification settings.
type NotifySettings struct {
	Destinations []notify.Destination
	Policy       notify.Policy
	// BaseURL is where `relwatch serve` is published (base_url:), for
	// links to a change's diff page; "" when not configured.
	BaseURL string
}

// envRef is a ${NAME} in a url: or secret: value.
var envRef = lazyregexp.New(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces each ${NAME} in s by the variable's value; a
// variable that is not set (or empty) is an error naming it.
func expandEnv(s string) (string, error) {
	var missing string
	out := envRef().ReplaceAllStringFunc(s, func(ref string) string {
		name := envRef().FindStringSubmatch(ref)[1]
		v := os.Getenv(name)
		if v == "" && missing == "" {
			missing = name
		}
		return v
	})
	if missing != "" {
		return "", fmt.Errorf("environment variable %s is not set", missing)
	}
	return out, nil
}

// parseNotify reads the notify keys of the top-level mapping root.
// targets are the config's, for checking pages:.
func parseNotify(root *yaml.Node, targets []Target, fail func(int, string, ...any) error) (NotifySettings, error) {
	ns := NotifySettings{Policy: notify.DefaultPolicy()}
	var raw struct {
		MaxAge  *Duration `yaml:"notify_max_age"`
		Retries *int      `yaml:"notify_retries"`
		Backoff *Duration `yaml:"notify_backoff"`
		MaxWait *Duration `yaml:"notify_max_wait"`
		Timeout *Duration `yaml:"notify_timeout"`
		BaseURL string    `yaml:"base_url"`
	}
	if err := root.Decode(&raw); err != nil {
		return ns, fail(0, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	for _, d := range []struct {
		key string
		val *Duration
		dst *time.Duration
	}{{"notify_max_age", raw.MaxAge, &ns.Policy.MaxAge}, {"notify_backoff", raw.Backoff, &ns.Policy.Backoff},
		{"notify_max_wait", raw.MaxWait, &ns.Policy.MaxWait}, {"notify_timeout", raw.Timeout, &ns.Policy.Timeout}} {
		if d.val == nil {
			continue
		}
		if *d.val == 0 {
			return ns, fail(lineOf(root, d.key), "field %s: want a positive duration", d.key)
		}
		*d.dst = time.Duration(*d.val)
	}
	if raw.Retries != nil {
		if *raw.Retries < 0 {
			return ns, fail(lineOf(root, "notify_retries"), "field notify_retries: want 0 or more")
		}
		ns.Policy.Retries = *raw.Retries
	}
	if raw.BaseURL != "" {
		if u, err := url.Parse(raw.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return ns, fail(lineOf(root, "base_url"), "field base_url: %q is not an http(s) URL", raw.BaseURL)
		}
		ns.BaseURL = raw.BaseURL
	}
	list := valueOf(root, "notify")
	if list == nil {
		return ns, nil
	}
	if list.Kind != yaml.SequenceNode {
		return ns, fail(list.Line, "notify: want a list of destinations, each with url:")
	}
	names := map[string]int{}
	for i, node := range list.Content {
		d, err := parseDestination(i, node, targets, fail)
		if err != nil {
			return ns, err
		}
		d.BaseURL = ns.BaseURL
		if first, dup := names[d.Name]; dup {
			return ns, fail(node.Line, "notify: two destinations named %q (lines %d and %d): give each its own name:", d.Name, first, node.Line)
		}
		names[d.Name] = node.Line
		ns.Destinations = append(ns.Destinations, d)
	}
	return ns, nil
}

func parseDestination(i int, node *yaml.Node, targets []Target, fail func(int, string, ...any) error) (notify.Destination, error) {
	where := fmt.Sprintf("notify[%d]", i)
	if err := checkKeys(node, notifyKeys, where, fail); err != nil {
		return notify.Destination{}, err
	}
	var raw struct {
		Name                 string   `yaml:"name"`
		URL                  string   `yaml:"url"`
		Kind                 string   `yaml:"kind"`
		Secret               string   `yaml:"secret"`
		Pages                []string `yaml:"pages"`
		Events               []string `yaml:"events"`
		IncludeStampOnly     bool     `yaml:"include_stamp_only"`
		IncludeParserChanges bool     `yaml:"include_parser_changes"`
		Format               string   `yaml:"format"`
		DigestAbove          *int     `yaml:"digest_above"`
	}
	if err := node.Decode(&raw); err != nil {
		return notify.Destination{}, fail(node.Line, "%s: %s", where, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	d := notify.Destination{Kind: notify.KindShoutrrr, IncludeStampOnly: raw.IncludeStampOnly,
		IncludeParserChanges: raw.IncludeParserChanges, Format: raw.Format, Events: raw.Events}
	line := func(key string) int { return lineOf(node, key) }
	if strings.TrimSpace(raw.URL) == "" {
		return d, fail(node.Line, "%s: missing field url", where)
	}
	var err error
	if d.URL, err = expandEnv(raw.URL); err != nil {
		return d, fail(line("url"), "%s: field url: %v", where, err)
	}
	if d.Secret, err = expandEnv(raw.Secret); err != nil {
		return d, fail(line("secret"), "%s: field secret: %v", where, err)
	}
	u, perr := url.Parse(d.URL)
	if perr != nil || u.Scheme == "" {
		// url.Parse's error repeats the URL, which may hold a token.
		return d, fail(line("url"), "%s: field url: not a valid URL (want scheme://…, e.g. slack://… or https://…)", where)
	}
	switch raw.Kind {
	case notify.KindWebhook:
		d.Kind = notify.KindWebhook
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return d, fail(line("url"), "%s: kind webhook: field url: want an http(s) URL", where)
		}
		if d.Secret == "" {
			return d, fail(node.Line, "%s: kind webhook: missing field secret (the key receivers check X-Relwatch-Signature with)", where)
		}
	case "", notify.KindShoutrrr:
		if raw.Secret != "" {
			return d, fail(line("secret"), "%s: secret: is for kind: webhook only", where)
		}
		schemes := notify.Schemes()
		slices.Sort(schemes)
		service, _, _ := strings.Cut(u.Scheme, "+") // generic+https://… is shoutrrr's generic webhook
		if !slices.Contains(schemes, service) {
			return d, fail(line("url"), "%s: field url: unknown scheme %q (known: %s; or kind: webhook for relwatch's own JSON webhook)",
				where, u.Scheme, strings.Join(schemes, ", "))
		}
		if _, err := notify.Service(d.URL); err != nil {
			return d, fail(line("url"), "%s: field url: not a valid %s URL: %s", where, u.Scheme, d.Scrub(err.Error()))
		}
	default:
		return d, fail(line("kind"), "%s: field kind: %q, want webhook (or leave it out for a shoutrrr URL)", where, raw.Kind)
	}
	d.Shown = shownURL(raw.URL, u)
	d.Name = raw.Name
	if d.Name == "" {
		d.Name, _, _ = strings.Cut(u.Scheme, "+")
		if d.Kind == notify.KindWebhook {
			d.Name = notify.KindWebhook
		}
	}
	if d.Name == notify.ReportsDestination || strings.IndexFunc(d.Name, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0 {
		return d, fail(line("name"), "%s: field name: %q, want a name without spaces, other than %s", where, d.Name, notify.ReportsDestination)
	}
	for _, ref := range raw.Pages {
		key, err := snapshots.ParsePageRef(ref)
		if err != nil {
			return d, fail(line("pages"), "%s: field pages: %v", where, err)
		}
		if !slices.ContainsFunc(targets, func(t Target) bool { return t.ID == key.ID && (key.Lang == "" || t.Lang == key.Lang) }) {
			return d, fail(line("pages"), "%s: field pages: %s is not a target of this config", where, ref)
		}
		d.Pages = append(d.Pages, key)
	}
	for _, e := range raw.Events {
		if !slices.Contains(notify.EventKinds, e) {
			return d, fail(line("events"), "%s: field events: unknown event %q (known: %s)", where, e, strings.Join(notify.EventKinds, ", "))
		}
	}
	if d.Format != "" && !slices.Contains(notify.Formats, d.Format) {
		return d, fail(line("format"), "%s: field format: %q, want one of %s", where, d.Format, strings.Join(notify.Formats, ", "))
	}
	if raw.DigestAbove != nil {
		if *raw.DigestAbove < 1 {
			return d, fail(line("digest_above"), "%s: field digest_above: want 1 or more", where)
		}
		d.DigestAbove = *raw.DigestAbove
	}
	return d, nil
}

// shownURL is a destination's URL as relwatch prints it: as written when
// it names environment variables (their values are the secret), else the
// scheme and, for http(s), the host, with everything else hidden.
func shownURL(written string, u *url.URL) string {
	if envRef().MatchString(written) {
		return written
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		return u.Scheme + "://" + u.Host + "/…"
	}
	return u.Scheme + "://…"
}
