package main

import (
	"github.com/relwatch/relwatch/stores"
	"github.com/spf13/cobra"
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

func runConfigCheck(g *globals) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	return cfg.WriteEffective(g.io.Out, stores.Shown(g.archivePath(cfg)), userAgent())
}
