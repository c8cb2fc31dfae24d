package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archive"
)

type importOptions struct {
	at          string
	lockTimeout time.Duration
}

func newImportCommand(g *globals) *cobra.Command {
	var opts importOptions
	cmd := &cobra.Command{
		Use:   "import PAGE FILE...",
		Short: "Archive saved HTML files as past captures of a page",
		Long: `Archive saved copies of a configured page as captures with source "import",
placed in the page's history at their time: --at TIME for every FILE, else,
for a file saved as a whole HTTP response (starting with "HTTP/1.x"), its
Date or else Last-Modified header. A file with neither is refused: give
--at. A file that does not parse as a page is recorded as a failed capture;
a file already imported at the same time is skipped.`,
		Example: `  relwatch import kazakhstan/en saved/2016-04-12.html --at 2016-04-12T10:00:00Z
  relwatch import kazakhstan/fr response.http`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageError(fmt.Errorf("want PAGE and at least one FILE"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd.Context(), g, args[0], args[1:], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.at, "at", "", "capture time of every FILE (RFC 3339, or YYYY-MM-DD meaning 00:00 UTC)")
	f.DurationVar(&opts.lockTimeout, "lock-timeout", 0, "how long to wait for another run holding the archive")
	return cmd
}

// savedPage is one FILE read and dated.
type savedPage struct {
	path        string
	at          time.Time
	body        []byte
	contentType string
	header      map[string]string
	status      int
}

func runImport(ctx context.Context, g *globals, ref string, files []string, opts importOptions) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	target, err := configTarget(cfg, ref)
	if err != nil {
		return usageError(err)
	}
	var at time.Time
	if opts.at != "" {
		if at, err = parseImportTime(opts.at); err != nil {
			return usageError(err)
		}
	}
	// Read and date every file before touching the archive.
	pages := make([]savedPage, len(files))
	for i, f := range files {
		if pages[i], err = readSaved(f, at); err != nil {
			return usageError(fmt.Errorf("import %s: %w", target.Key(), err))
		}
	}

	arc, err := archive.Open(ctx, g.archivePath(cfg), archive.ReadWrite)
	if err != nil {
		return err
	}
	defer arc.Close()
	unlock, err := arc.Lock(ctx, opts.lockTimeout)
	if err != nil {
		return err
	}
	defer unlock()
	past, err := arc.PastCaptures(ctx, target.Key(), relwatch.SourceImport)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, p := range past {
		seen[p.BodyDigest+" "+p.Started.UTC().Format(time.RFC3339Nano)] = true
	}

	failed := 0
	for _, p := range pages {
		if ctx.Err() != nil {
			return &exitError{code: exitInterrupted}
		}
		sum := sha256.Sum256(p.body)
		k := "sha256:" + hex.EncodeToString(sum[:]) + " " + p.at.UTC().Format(time.RFC3339Nano)
		if seen[k] {
			fmt.Fprintf(g.io.Out, "%s  %s  already imported\n", p.path, p.at.UTC().Format(time.DateTime))
			continue
		}
		seen[k] = true
		abs, _ := filepath.Abs(p.path)
		// As for a live check: the configured URL's credentials are
		// never stored; the final URL has no user info at all.
		shown := relwatch.RedactURL(target.URL)
		c := relwatch.Capture{
			Page: target.Key(), URL: shown, FinalURL: relwatch.WithoutCredentials(target.URL),
			Source: relwatch.SourceImport, Started: p.at, Finished: p.at, Status: p.status,
			Header: p.header, Body: p.body, ContentType: p.contentType,
			OriginalURL: shown, Origin: abs, Retrieved: time.Now(),
		}
		placed, why, err := recordPast(ctx, arc, target, c)
		if err != nil {
			return fmt.Errorf("import %s into %s: %w", p.path, target.Key(), err)
		}
		status := fmt.Sprintf("%s v%d", placed.Outcome, placed.Version)
		if why != "" {
			failed++
			status = "failed: " + why
		}
		fmt.Fprintf(g.io.Out, "%s  %s  %s\n", p.path, p.at.UTC().Format(time.DateTime), status)
	}
	if failed > 0 {
		return &exitError{code: exitFailed, err: fmt.Errorf("import %s: %d of %d files did not parse as the page", target.Key(), failed, len(pages))}
	}
	return nil
}

// readSaved reads one FILE: raw HTML, or a saved HTTP response whose
// headers can date it. at, when not zero, is its time whatever it says.
func readSaved(path string, at time.Time) (savedPage, error) {
	p := savedPage{path: path, at: at, status: http.StatusOK}
	data, err := os.ReadFile(path)
	if err != nil {
		return p, err
	}
	p.body = data
	if bytes.HasPrefix(data, []byte("HTTP/1.")) {
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(data)), nil)
		if err != nil {
			return p, fmt.Errorf("%s starts like a saved HTTP response but does not read as one: %v", path, err)
		}
		defer resp.Body.Close()
		if p.body, err = io.ReadAll(resp.Body); err != nil {
			return p, fmt.Errorf("%s: body of the saved HTTP response: %v", path, err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return p, fmt.Errorf("%s is a saved HTTP %d response, not a page", path, resp.StatusCode)
		}
		p.status, p.contentType = resp.StatusCode, resp.Header.Get("Content-Type")
		p.header = map[string]string{}
		for _, k := range []string{"Content-Type", "Date", "Last-Modified", "ETag", "Server"} {
			if v := resp.Header.Get(k); v != "" {
				p.header[k] = v
			}
		}
		for _, k := range []string{"Date", "Last-Modified"} {
			if !p.at.IsZero() {
				break
			}
			if t, err := http.ParseTime(resp.Header.Get(k)); err == nil {
				p.at = t
			}
		}
	}
	if p.at.IsZero() {
		return p, fmt.Errorf("%s: no capture time: give --at TIME (only a saved HTTP response with a Date or Last-Modified header dates itself)", path)
	}
	return p, nil
}

// parseImportTime reads --at: RFC 3339, or a date meaning its start in UTC.
func parseImportTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d, nil
	}
	return time.Time{}, fmt.Errorf("--at %q: want RFC 3339 (2016-04-12T10:00:00Z) or a date (2016-04-12)", s)
}
