package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/spf13/cobra"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/snapshots"
)

type showOptions struct {
	version string
	at      string
	format  string
}

func newShowCommand(g *globals) *cobra.Command {
	var opts showOptions
	cmd := &cobra.Command{
		Use:   "show PAGE",
		Short: "Show a page as it was: the latest version, a version, or at a time",
		Long: `Show a snapshot of a page: the latest version by default, --version N, or
the version that was current at --at TIME (RFC 3339, or YYYY-MM-DD meaning
the end of that day, UTC). --version also takes a content hash prefix of at
least 6 hex digits (sha256:2a511b or 2a511b): version numbers are positions
in time order and shift when a backfill adds older versions; hashes do not.
The output says where the version came from (live, the Wayback Machine, an
imported file).`,
		Example: `  relwatch show kazakhstan/fr
  relwatch show kazakhstan/en --at 2026-01-31 --format markdown
  relwatch show kazakhstan/en --version 2 --format json
  relwatch show kazakhstan/en --version sha256:2a511b`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runShow(cmd.Context(), g, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.version, "version", "", "version number or content hash prefix (default: latest)")
	f.StringVar(&opts.at, "at", "", "the version current at this time (RFC 3339 or YYYY-MM-DD)")
	f.StringVar(&opts.format, "format", "text", "text, markdown or json")
	return cmd
}

func runShow(ctx context.Context, g *globals, ref string, opts showOptions) error {
	write, err := snapshotWriter(opts.format)
	if err != nil {
		return usageError(err)
	}
	if opts.version != "" && opts.at != "" {
		return usageError(fmt.Errorf("give --version or --at, not both"))
	}
	var at time.Time
	if opts.at != "" {
		if at, err = parseAt(opts.at); err != nil {
			return usageError(err)
		}
	}
	arc, key, err := g.openPage(ctx, ref)
	if err != nil {
		return err
	}
	defer arc.Close()
	var snap snapshots.Snapshot
	if opts.at != "" {
		snap, err = arc.SnapshotAt(ctx, key, at)
	} else {
		var n int
		var note string
		if n, note, err = versionRef(ctx, arc, key, "--version", opts.version, 0); err != nil {
			return err
		}
		if note != "" {
			fmt.Fprintln(g.io.Err, note)
		}
		snap, err = arc.Snapshot(ctx, key, n)
	}
	if err != nil {
		return err
	}
	warnBadHash(g.io, key, snap)
	prov, err := provenanceOf(ctx, arc, key, snap.Version)
	if err != nil {
		return err
	}
	if opts.format == "json" {
		return writeSnapshotJSON(g.io, snap, prov)
	}
	if err := write(g.io, snap); err != nil {
		return err
	}
	if line := provenanceLine(prov, snap.FirstSeen); line != "" {
		if opts.format == "markdown" {
			line = "_" + snapshots.EscapeMarkdown(capitalize(line)) + "_"
		} else {
			line = "Source: " + line
		}
		_, err = fmt.Fprintf(g.io.Out, "\n%s\n", line)
	}
	return err
}

// warnBadHash warns on stderr when a stored snapshot no longer matches its
// content hash (edited by hand, or damaged): what is shown is not what
// relwatch recorded. The command goes on and its exit code is unchanged.
func warnBadHash(io streams, key snapshots.PageKey, s snapshots.Snapshot) {
	if !s.VerifyHash() {
		fmt.Fprintf(io.Err, "warning: %s version %d does not match its content hash %s: the archive was changed outside relwatch or is damaged; run relwatch check\n",
			key, s.Version, s.ContentHash)
	}
}

// versionRef resolves a --version, --from or --to value: a version number,
// or a content hash prefix (sha256:2a511b or 2a511b, at least 6 hex
// digits). "" is 0, the latest.
//
// A page that came back to earlier content has that content hash in
// several versions; the hash then means the newest of them (the newest
// before version `before`, when before > 0 and there is one), and note
// lists them all, for stderr. A prefix matching different contents is a
// usage error.
func versionRef(ctx context.Context, arc *archive.Archive, key snapshots.PageKey, flag, ref string, before int) (n int, note string, err error) {
	n, vs, err := versionRefAll(ctx, arc, key, flag, ref)
	if err != nil || len(vs) < 2 {
		return n, "", err
	}
	pick := vs[len(vs)-1]
	for i := len(vs) - 1; before > 0 && i >= 0; i-- {
		if vs[i].Version < before {
			pick = vs[i]
			break
		}
	}
	nums := make([]string, len(vs))
	for i, v := range vs {
		nums[i] = "v" + strconv.Itoa(v.Version)
	}
	which := "the newest"
	if pick.Version != vs[len(vs)-1].Version {
		which = fmt.Sprintf("the newest before v%d", before)
	}
	note = fmt.Sprintf("note: %s %s: the content %s is in %d versions of %s (%s; the page came back to it); using v%d, %s; give a version number for another",
		flag, ref, pick.ContentHash[:min(len(pick.ContentHash), 19)], len(vs), key, strings.Join(nums, ", "), pick.Version, which)
	return pick.Version, note, nil
}

// versionRefAll is versionRef's lookup: the version number given, or every
// version with the one content the hash prefix names, oldest first.
func versionRefAll(ctx context.Context, arc *archive.Archive, key snapshots.PageKey, flag, ref string) (int, []relwatch.VersionInfo, error) {
	hex := strings.TrimPrefix(strings.ToLower(ref), "sha256:")
	switch {
	case ref == "":
		return 0, nil, nil
	case hex == ref && len(ref) < 6:
		n, err := strconv.Atoi(ref)
		if err != nil || n < 0 {
			return 0, nil, usageError(fmt.Errorf("%s %q: want a version number or a content hash prefix (at least 6 hex digits)", flag, ref))
		}
		return n, nil, nil
	case len(hex) < 6 || strings.Trim(hex, "0123456789abcdef") != "":
		return 0, nil, usageError(fmt.Errorf("%s %q: a content hash prefix needs at least 6 hex digits", flag, ref))
	}
	vs, err := arc.VersionsByHash(ctx, key, hex)
	if err != nil {
		return 0, nil, err
	}
	if len(vs) == 0 {
		return 0, nil, fmt.Errorf("%s %s: no version of %s has a content hash starting with %s: %w", flag, ref, key, hex, relwatch.ErrNotFound)
	}
	for _, v := range vs[1:] {
		if v.ContentHash != vs[0].ContentHash {
			// Different contents: the prefix is too short.
			var list []string
			for _, v := range vs {
				list = append(list, fmt.Sprintf("v%d (%s)", v.Version, v.ContentHash[:min(len(v.ContentHash), 19)]))
			}
			return 0, nil, usageError(fmt.Errorf("%s %s names several versions of %s with different contents: %s; give a longer prefix or the number", flag, ref, key, strings.Join(list, ", ")))
		}
	}
	return vs[len(vs)-1].Version, vs, nil
}

// provenanceOf is where version v of a page came from.
func provenanceOf(ctx context.Context, arc *archive.Archive, key snapshots.PageKey, v int) (relwatch.Provenance, error) {
	p, err := arc.VersionProvenance(ctx, key, v)
	if errors.Is(err, relwatch.ErrNotFound) {
		return relwatch.Provenance{Source: relwatch.SourceLive}, nil
	}
	return p, err
}

// provenanceLine says where a version came from when it was not a live
// check: "from the Wayback Machine capture of 2016-04-12 (http://…)".
func provenanceLine(p relwatch.Provenance, first *time.Time) string {
	day := ""
	if first != nil {
		day = first.UTC().Format(time.DateOnly)
	}
	switch p.Source {
	case relwatch.SourceWayback:
		return fmt.Sprintf("from the Wayback Machine capture of %s (%s)", day, p.OriginalURL)
	case relwatch.SourceImport:
		return fmt.Sprintf("imported from %s (dated %s)", p.Origin, day)
	}
	return ""
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// writeSnapshotJSON is the snapshot contract with where it came from
// appended: "source", and for Wayback and imported versions
// "original_url" and "origin".
func writeSnapshotJSON(io streams, s snapshots.Snapshot, p relwatch.Provenance) error {
	js := bytes.TrimRight(snapshots.MarshalIndent(s), "\n")
	js = bytes.TrimSuffix(js, []byte("}"))
	js = bytes.TrimRight(js, "\n")
	extra := map[string]string{"source": cmp.Or(p.Source, relwatch.SourceLive)}
	if p.Source != "" && p.Source != relwatch.SourceLive {
		extra["original_url"], extra["origin"] = p.OriginalURL, p.Origin
	}
	var buf bytes.Buffer
	buf.Write(js)
	for _, k := range []string{"source", "original_url", "origin"} {
		v, ok := extra[k]
		if !ok {
			continue
		}
		val, err := json.Marshal(v)
		if err != nil {
			return err
		}
		fmt.Fprintf(&buf, ",\n  %q: %s", k, val)
	}
	buf.WriteString("\n}\n")
	_, err := io.Out.Write(buf.Bytes())
	return err
}

func snapshotWriter(format string) (func(streams, snapshots.Snapshot) error, error) {
	switch format {
	case "text":
		return func(io streams, s snapshots.Snapshot) error { return snapshots.WriteText(io.Out, s) }, nil
	case "markdown":
		return func(io streams, s snapshots.Snapshot) error { return snapshots.WriteMarkdown(io.Out, s) }, nil
	case "json":
		return func(io streams, s snapshots.Snapshot) error {
			_, err := io.Out.Write(snapshots.MarshalIndent(s))
			return err
		}, nil
	}
	return nil, fmt.Errorf("--format %q: want text, markdown or json", format)
}

// parseAt reads --at: an RFC 3339 time, or a date meaning the end of that
// day in UTC.
func parseAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Add(24*time.Hour - time.Nanosecond), nil
	}
	return time.Time{}, fmt.Errorf("--at %q: want RFC 3339 (2026-11-28T06:00:00Z) or a date (2026-11-28)", s)
}
