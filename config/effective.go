package config

import (
	"bufio"
	"bytes"
	"cmp"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/notify"
	"github.com/relwatch/relwatch/scraper"
	"go.yaml.in/yaml/v3"
)

// effectiveTarget is one target as it will be fetched.
type effectiveTarget struct {
	Page                 string `yaml:"page"`
	URL                  string `yaml:"url"`
	Content              string `yaml:"content,omitempty"`
	Exclude              string `yaml:"exclude,omitempty"`
	UserAgent            string `yaml:"user_agent"`
	Delay                string `yaml:"delay"`
	Timeout              string `yaml:"timeout"`
	Retries              int    `yaml:"retries"`
	MaxBody              int64  `yaml:"max_body"`
	RespectRobots        bool   `yaml:"respect_robots"`
	AllowPrivateNetworks bool   `yaml:"allow_private_networks"`
}

// effectiveWayback is the wayback: settings backfill will use.
type effectiveWayback struct {
	CDXURL          string `yaml:"cdx_url"`
	ReplayURL       string `yaml:"replay_url"`
	CDXInterval     string `yaml:"cdx_interval"`
	CaptureInterval string `yaml:"capture_interval"`
	Backoff         string `yaml:"backoff"`
	MaxWait         string `yaml:"max_wait"`
	Retries         int    `yaml:"retries"`
}

// effectiveWaybackOf fills in the scraper's defaults as scraper.NewWayback does.
func effectiveWaybackOf(w WaybackSettings) effectiveWayback {
	dur := func(d *Duration, def time.Duration) time.Duration {
		if d == nil {
			return def
		}
		return time.Duration(*d)
	}
	e := effectiveWayback{CDXURL: scraper.DefaultCDXURL, ReplayURL: scraper.DefaultReplayURL, Retries: scraper.DefaultWaybackRetries}
	if w.CDXURL != nil {
		e.CDXURL = *w.CDXURL
	}
	if w.ReplayURL != nil {
		e.ReplayURL = *w.ReplayURL
	}
	if !strings.HasSuffix(e.ReplayURL, "/") {
		e.ReplayURL += "/"
	}
	if w.Retries != nil {
		e.Retries = *w.Retries
	}
	backoff := dur(w.Backoff, scraper.DefaultWaybackBackoff)
	e.CDXInterval = dur(w.CDXInterval, scraper.DefaultCDXInterval).String()
	e.CaptureInterval = dur(w.CaptureInterval, scraper.DefaultCaptureInterval).String()
	e.Backoff = backoff.String()
	e.MaxWait = max(dur(w.MaxWait, scraper.DefaultWaybackMaxWait), backoff).String()
	return e
}

// WriteEffective writes, as YAML, the configuration as relwatch will use
// it: archive (as given), the health, redaction and wayback: settings, the
// schedule when the file sets one, and
// every target with its fetch settings after defaults are applied
// (userAgent unless the config sets one). Target URLs are redacted.
func (c Config) WriteEffective(out io.Writer, archive, userAgent string) error {
	head := struct {
		Source     string           `yaml:"source"`
		Archive    string           `yaml:"archive"`
		Parallel   int              `yaml:"parallel"`
		StaleAfter string           `yaml:"stale_after"`
		LagAfter   string           `yaml:"lag_after"`
		Wayback    effectiveWayback `yaml:"wayback"`
		Redacted   []string         `yaml:"redact_params"`
		Schedule   string           `yaml:"schedule,omitempty"`
	}{Schedule: c.Schedule.String(), Redacted: append(slices.Clone(relwatch.SecretParams), c.Redact.Extra...), Source: c.Source, Archive: archive, Parallel: c.Parallel(),
		StaleAfter: c.StaleAfter.String(), LagAfter: c.LagAfter.String(), Wayback: effectiveWaybackOf(c.Wayback)}
	w := bufio.NewWriter(out)
	if err := encodeYAML(w, head); err != nil {
		return err
	}
	// The targets are written one at a time, as a YAML list under
	// targets:, so that a config of any size prints in linear time and
	// memory rather than as one document built whole.
	w.WriteString("targets:\n")
	var item bytes.Buffer
	for _, t := range c.Targets {
		p := c.Policy(t, userAgent)
		item.Reset()
		if err := encodeYAML(&item, effectiveTarget{
			Page: t.Key().String(), URL: c.Redact.URL(t.URL), Content: t.Content, Exclude: t.Exclude,
			UserAgent: p.UserAgent, Delay: p.Delay.String(), Timeout: p.Timeout.String(),
			Retries: p.Retries, MaxBody: p.MaxBody, RespectRobots: p.RespectRobots, AllowPrivateNetworks: p.AllowPrivateNetworks,
		}); err != nil {
			return err
		}
		for i, line := range strings.SplitAfter(strings.TrimSuffix(item.String(), "\n"), "\n") {
			prefix := "    "
			if i == 0 {
				prefix = "  - "
			}
			w.WriteString(prefix + line)
		}
		w.WriteString("\n")
	}
	if err := encodeYAML(w, effectiveNotifyOf(c.Notify)); err != nil {
		return err
	}
	return w.Flush()
}

// encodeYAML writes v as YAML with two-space indents.
func encodeYAML(w io.Writer, v any) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return enc.Close()
}

// effectiveNotifySettings are the notify settings as config check prints
// them: never a secret (a URL shows as written when it names environment
// variables, else its scheme alone; a secret as "(set)").
type effectiveNotifySettings struct {
	BaseURL string            `yaml:"base_url,omitempty"`
	MaxAge  string            `yaml:"notify_max_age"`
	Retries int               `yaml:"notify_retries"`
	Backoff string            `yaml:"notify_backoff"`
	MaxWait string            `yaml:"notify_max_wait"`
	Timeout string            `yaml:"notify_timeout"`
	Notify  []effectiveNotify `yaml:"notify"`
}

type effectiveNotify struct {
	Name                 string   `yaml:"name"`
	Kind                 string   `yaml:"kind"`
	URL                  string   `yaml:"url"`
	Secret               string   `yaml:"secret,omitempty"`
	Pages                []string `yaml:"pages"`
	Events               []string `yaml:"events"`
	IncludeStampOnly     bool     `yaml:"include_stamp_only"`
	IncludeParserChanges bool     `yaml:"include_parser_changes"`
	Format               string   `yaml:"format"`
	DigestAbove          int      `yaml:"digest_above"`
}

func effectiveNotifyOf(n NotifySettings) effectiveNotifySettings {
	e := effectiveNotifySettings{BaseURL: n.BaseURL, MaxAge: n.Policy.MaxAge.String(), Retries: n.Policy.Retries,
		Backoff: n.Policy.Backoff.String(), MaxWait: n.Policy.MaxWait.String(), Timeout: n.Policy.Timeout.String(),
		Notify: []effectiveNotify{}}
	for _, d := range n.Destinations {
		en := effectiveNotify{Name: d.Name, Kind: d.Kind, URL: d.Shown, Pages: []string{"all"}, Events: d.Events,
			IncludeStampOnly: d.IncludeStampOnly, IncludeParserChanges: d.IncludeParserChanges,
			Format: cmp.Or(d.Format, "text"), DigestAbove: cmp.Or(d.DigestAbove, notify.DefaultDigestAbove)}
		if d.Secret != "" {
			en.Secret = "(set)"
		}
		if len(d.Pages) > 0 {
			en.Pages = nil
			for _, p := range d.Pages {
				en.Pages = append(en.Pages, strings.TrimSuffix(p.String(), "/"))
			}
		}
		if len(en.Events) == 0 {
			en.Events = notify.DefaultEvents
		}
		e.Notify = append(e.Notify, en)
	}
	return e
}
