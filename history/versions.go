package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/diff"
	"github.com/relwatch/relwatch/snapshots"
)

// Ref is a version reference as the user gave it: a version number, or a
// content hash prefix of at least 6 hex digits (sha256:2a511b or 2a511b);
// "" means the default (the latest, or for a diff's older side the one
// before the newer). Name is what it was given as ("--version", "--from",
// "to"), for messages.
//
// Version numbers are positions in time order and shift when a backfill
// adds older versions; content hashes do not.
type Ref struct {
	Name, Value string
}

// RefError is a version reference that is neither a version number nor a
// content hash prefix, or version 0.
type RefError struct {
	Ref
	Problem string
}

func (e *RefError) Error() string        { return fmt.Sprintf("%s %q: %s", e.Name, e.Value, e.Problem) }
func (e *RefError) Is(target error) bool { return target == ErrBadInput }

// HashNotFoundError is a content hash prefix that no version of the page
// has. It wraps relwatch.ErrNotFound.
type HashNotFoundError struct {
	Ref
	Page   snapshots.PageKey
	Prefix string // the hex digits, lower case
}

func (e *HashNotFoundError) Error() string {
	return fmt.Sprintf("%s %s: no version of %s has a content hash starting with %s: %v", e.Name, e.Value, e.Page, e.Prefix, relwatch.ErrNotFound)
}

func (e *HashNotFoundError) Unwrap() error { return relwatch.ErrNotFound }

// AmbiguousHashError is a content hash prefix shared by versions with
// different contents: the prefix is too short to say which is meant.
type AmbiguousHashError struct {
	Ref
	Page     snapshots.PageKey
	Versions []relwatch.VersionInfo // every version matching, oldest first
}

func (e *AmbiguousHashError) Error() string {
	list := make([]string, len(e.Versions))
	for i, v := range e.Versions {
		list[i] = fmt.Sprintf("v%d (%s)", v.Version, shortHash(v.ContentHash))
	}
	return fmt.Sprintf("%s %s names several versions of %s with different contents: %s; give a longer prefix or the number",
		e.Name, e.Value, e.Page, strings.Join(list, ", "))
}

func (e *AmbiguousHashError) Is(target error) bool { return target == ErrBadInput }

// shortHash is "sha256:" and the first 12 hex digits of a content hash.
func shortHash(h string) string { return h[:min(len(h), 19)] }

// ResolveVersion turns a version reference into a version number; 0 for
// an empty reference (the caller's default).
//
// A page that came back to earlier content has that content hash in
// several versions; the hash then means the newest of them (the newest
// before version `before`, when before > 0 and there is one), and note
// says so and lists them all, for the user. It does not check that a
// version number exists: reading it does.
func ResolveVersion(ctx context.Context, r relwatch.History, page snapshots.PageKey, ref Ref, before int) (n int, note string, err error) {
	n, vs, err := lookupVersion(ctx, r, page, ref)
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
		ref.Name, ref.Value, shortHash(pick.ContentHash), len(vs), page, strings.Join(nums, ", "), pick.Version, which)
	return pick.Version, note, nil
}

// lookupVersion is ResolveVersion's lookup: the version number given, or
// every version with the one content the hash prefix names, oldest first.
func lookupVersion(ctx context.Context, r relwatch.History, page snapshots.PageKey, ref Ref) (int, []relwatch.VersionInfo, error) {
	hex := strings.TrimPrefix(strings.ToLower(ref.Value), "sha256:")
	switch {
	case ref.Value == "":
		return 0, nil, nil
	case hex == ref.Value && len(ref.Value) < 6:
		n, err := strconv.Atoi(ref.Value)
		if err != nil || n < 0 {
			return 0, nil, &RefError{ref, "want a version number or a content hash prefix (at least 6 hex digits)"}
		}
		if n == 0 {
			return 0, nil, &RefError{ref, "versions are numbered from 1"}
		}
		return n, nil, nil
	case len(hex) < 6 || strings.Trim(hex, "0123456789abcdef") != "":
		return 0, nil, &RefError{ref, "a content hash prefix needs at least 6 hex digits"}
	}
	vs, err := r.VersionsByHash(ctx, page, hex)
	if err != nil {
		return 0, nil, err
	}
	if len(vs) == 0 {
		return 0, nil, &HashNotFoundError{Ref: ref, Page: page, Prefix: hex}
	}
	for _, v := range vs[1:] {
		if v.ContentHash != vs[0].ContentHash {
			return 0, nil, &AmbiguousHashError{Ref: ref, Page: page, Versions: vs}
		}
	}
	return vs[len(vs)-1].Version, vs, nil
}

// ParseAt reads a point in time given as name: an RFC 3339 time, or a date
// meaning the end of that day in UTC.
func ParseAt(name, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Add(24*time.Hour - time.Nanosecond), nil
	}
	return time.Time{}, badInput("%s %q: want RFC 3339 (2026-11-28T06:00:00Z) or a date (2026-11-28)", name, s)
}

// Version is one version of a page with where it came from.
type Version struct {
	Page     snapshots.PageKey
	Snapshot snapshots.Snapshot
	Source   relwatch.Provenance
	// Note says which version a content hash in several versions was taken
	// to mean; "" otherwise.
	Note string
}

// FindPageVersion is ResolvePage and FindVersion: the version show
// prints, of the page pageRef names. A store that reads a version with its
// page and its provenance (relwatch.SourcedReader) answers a full key
// (id/lang) in one read, whose error says when the page is not there;
// an id alone is resolved first.
func FindPageVersion(ctx context.Context, r relwatch.History, pageRef string, ref Ref, at time.Time) (Version, error) {
	key, err := snapshots.ParsePageRef(pageRef)
	if err != nil {
		return Version{Page: key}, &InputError{Msg: err.Error()}
	}
	if _, ok := r.(relwatch.SourcedReader); !ok || key.Lang == "" {
		if key, err = ResolvePage(ctx, r, pageRef); err != nil {
			return Version{Page: key}, err
		}
	}
	return FindVersion(ctx, r, key, ref, at)
}

// FindVersion reads the version of a page that ref names (the latest for
// an empty ref), or, when at is not zero, the version current at that
// time (ref must then be empty).
func FindVersion(ctx context.Context, r relwatch.History, page snapshots.PageKey, ref Ref, at time.Time) (Version, error) {
	out := Version{Page: page}
	var n int
	var err error
	if at.IsZero() {
		if n, out.Note, err = ResolveVersion(ctx, r, page, ref, 0); err != nil {
			return out, err
		}
	}
	if sr, ok := r.(relwatch.SourcedReader); ok {
		var source *relwatch.Provenance
		out.Snapshot, source, err = sr.SourcedSnapshot(ctx, page, n, at)
		out.Source = sourceOrLive(source)
		return out, err
	}
	if !at.IsZero() {
		out.Snapshot, err = r.SnapshotAt(ctx, page, at)
	} else {
		out.Snapshot, err = r.Snapshot(ctx, page, n)
	}
	if err != nil {
		return out, err
	}
	out.Source, err = ProvenanceOf(ctx, r, page, out.Snapshot.Version)
	return out, err
}

// ProvenanceOf is where version v of a page came from; a version whose
// first capture the archive cannot find counts as a live check.
func ProvenanceOf(ctx context.Context, r relwatch.Reader, page snapshots.PageKey, v int) (relwatch.Provenance, error) {
	p, err := r.VersionProvenance(ctx, page, v)
	if errors.Is(err, relwatch.ErrNotFound) {
		return sourceOrLive(nil), nil
	}
	return p, err
}

// sourceOrLive is p, or for a version without a first capture (nil) a
// live check.
func sourceOrLive(p *relwatch.Provenance) relwatch.Provenance {
	if p == nil {
		return relwatch.Provenance{Source: relwatch.SourceLive}
	}
	return *p
}

// VersionFormats are the formats Version.Render writes.
var VersionFormats = []string{"text", "markdown", "json"}

// Render writes the version as `relwatch show` prints it: the snapshot as
// text or Markdown, closed by where it came from when that was not a live
// check ("Source: from the Wayback Machine capture of 2016-04-12 (…)"),
// or as SnapshotJSON.
func (v Version) Render(w io.Writer, format string) error {
	var buf bytes.Buffer
	var err error
	switch format {
	case "json":
		var js []byte
		if js, err = SnapshotJSON(v); err == nil {
			buf.Write(js)
		}
	case "text":
		err = snapshots.WriteText(&buf, v.Snapshot)
	case "markdown":
		err = snapshots.WriteMarkdown(&buf, v.Snapshot)
	default:
		return badInput("format %q: want text, markdown or json", format)
	}
	if err != nil {
		return err
	}
	if line := diff.SourceOf(v.Source).Line(v.Snapshot.FirstSeen); line != "" && format != "json" {
		if format == "markdown" {
			line = "_" + snapshots.EscapeMarkdown(strings.ToUpper(line[:1])+line[1:]) + "_"
		} else {
			line = "Source: " + line
		}
		fmt.Fprintf(&buf, "\n%s\n", line)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
