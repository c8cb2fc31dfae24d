package main

import (
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
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
effective configuration: the archive path and every target with its fetch
settings after defaults are applied. Exits 2 on an invalid file.`,
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

func runConfigCheck(g *globals) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	out := struct {
		Source     string            `yaml:"source"`
		Archive    string            `yaml:"archive"`
		Parallel   int               `yaml:"parallel"`
		StaleAfter string            `yaml:"stale_after"`
		LagAfter   string            `yaml:"lag_after"`
		Targets    []effectiveTarget `yaml:"targets"`
	}{Source: cfg.Source, Archive: g.archivePath(cfg), Parallel: parallelism(cfg.Fetch),
		StaleAfter: cfg.StaleAfter.String(), LagAfter: cfg.LagAfter.String()}
	for _, t := range cfg.Targets {
		p := policyFor(cfg.Fetch, t.FetchSettings)
		out.Targets = append(out.Targets, effectiveTarget{
			Page: t.Key().String(), URL: t.URL, Content: t.Content, Exclude: t.Exclude,
			UserAgent: p.UserAgent, Delay: p.Delay.String(), Timeout: p.Timeout.String(),
			Retries: p.Retries, MaxBody: p.MaxBody, RespectRobots: p.RespectRobots, AllowPrivateNetworks: p.AllowPrivateNetworks,
		})
	}
	enc := yaml.NewEncoder(g.io.Out)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return err
	}
	return enc.Close()
}
