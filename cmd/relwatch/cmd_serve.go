package main

import (
	"context"
	"fmt"
	"net"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/output"
	"github.com/relwatch/relwatch/serve"
	"github.com/relwatch/relwatch/stores"
)

type serveOptions struct {
	addr      string
	token     string
	tokenFile string
}

func newServeCommand(g *globals) *cobra.Command {
	var opts serveOptions
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Browse the history in a web browser, and answer the JSON API",
		Long: `Serve the archive read-only over HTTP: every page with its health, each
page's timeline, a version as it was (?at=DATE for the one current at a
date), the diff of any two versions inline or side by side, search, and
Atom feeds; and a JSON API under /api with the same JSON as the --json
outputs of pages, log, show, diff and search.

It binds 127.0.0.1:8080 by default. An address other machines can reach
needs a token (--auth-token-file FILE, or --auth-token), and every request
must then carry it: "Authorization: Bearer TOKEN", or the token as the
password of the browser's login prompt. The archive is opened read-only; a
running scrape is never held up and its new versions show at once. Ctrl-C
or SIGTERM stops the server after the requests in flight. One access-log
line per request goes to stderr (--log-level info by default here).`,
		Example: `  relwatch serve
  relwatch serve --addr 127.0.0.1:9000 --db relwatch.db
  relwatch serve --addr 0.0.0.0:8080 --auth-token-file /etc/relwatch/token
  curl -s localhost:8080/api/pages/kazakhstan/fr/versions | jq '.[-1]'`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("log-level") {
				logger, err := output.NewLogger(g.io.Err, "info", g.logFormat)
				if err != nil {
					return usageError(err)
				}
				g.log = logger
			}
			return runServe(cmd.Context(), g, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.addr, "addr", "127.0.0.1:8080", "address to listen on (HOST:PORT; port 0 picks a free one)")
	f.StringVar(&opts.token, "auth-token", "", "require this token on every request (prefer --auth-token-file: a flag shows in ps)")
	f.StringVar(&opts.tokenFile, "auth-token-file", "", "require the token in this file (its first line) on every request")
	return cmd
}

func runServe(ctx context.Context, g *globals, opts serveOptions) error {
	token, err := serve.Token(opts.token, opts.tokenFile)
	if err != nil {
		return usageError(err)
	}
	if err := serve.CheckBind(opts.addr, token); err != nil {
		return usageError(err)
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	arc, err := stores.Open(ctx, g.archivePath(cfg), false)
	if err != nil {
		return err
	}
	defer arc.Close()
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := serve.New(arc, serve.Options{
		AuthToken: token, Log: g.log, StaleAfter: cfg.StaleAfter, LagAfter: cfg.LagAfter,
	})
	fmt.Fprintf(g.io.Err, "relwatch serve: %s on http://%s/ (Ctrl-C to stop)\n", arc.Path(), ln.Addr())
	return srv.Serve(ctx, ln)
}
