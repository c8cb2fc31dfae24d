package main

import (
	"bufio"
	"bytes"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/scraper"
)

func newConfigCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Inspect relwatch's configuration",
		Args:  exactArgs(0),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	check := &cobra.Command{
		Use:   "check [FILE]",
		Short: "Validate a config file and print the effective configuration",
		Long: `Validate a config file (FILE, else the one relwatch would use) and print the
effective configuration: the archive path, the health and wayback: settings,
and every target with its fetch settings, after defaults are applied. Exits
2 on an invalid file.`,
		Example: `  relwatch config check relwatch.yaml`,
		Args:    maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				g.configFlag = args[0]
			}
			return runConfigCheck(g)
		},
	}
	cmd.AddCommand(check)
	return cmd
}

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
func effectiveWaybackOf(w config.WaybackSettings) effectiveWayback {
	dur := func(d *config.Duration, def time.Duration) time.Duration {
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

func runConfigCheck(g *globals) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	head := struct {
		Source     string           `yaml:"source"`
		Archive    string           `yaml:"archive"`
		Parallel   int              `yaml:"parallel"`
		StaleAfter string           `yaml:"stale_after"`
		LagAfter   string           `yaml:"lag_after"`
		Wayback    effectiveWayback `yaml:"wayback"`
		Redacted   []string         `yaml:"redact_params"`
	}{Redacted: append(slices.Clone(relwatch.SecretParams), cfg.Redact.Extra...), Source: cfg.Source, Archive: shownArchive(g.archivePath(cfg)), Parallel: cfg.Parallel(),
		StaleAfter: cfg.StaleAfter.String(), LagAfter: cfg.LagAfter.String(), Wayback: effectiveWaybackOf(cfg.Wayback)}
	w := bufio.NewWriter(g.io.Out)
	if err := encodeYAML(w, head); err != nil {
		return err
	}
	// The targets are written one at a time, as a YAML list under
	// targets:, so that a config of any size prints in linear time and
	// memory rather than as one document built whole.
	w.WriteString("targets:\n")
	var item bytes.Buffer
	for _, t := range cfg.Targets {
		p := cfg.Policy(t, userAgent())
		item.Reset()
		if err := encodeYAML(&item, effectiveTarget{
			Page: t.Key().String(), URL: cfg.Redact.URL(t.URL), Content: t.Content, Exclude: t.Exclude,
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
