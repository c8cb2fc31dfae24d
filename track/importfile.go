package track

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/relwatch/relwatch"
)

// SavedPage is one saved copy of a page, read and dated.
type SavedPage struct {
	Path        string
	At          time.Time // when the page was captured
	Body        []byte
	ContentType string
	Header      map[string]string
	Status      int
}

// ReadSaved reads one saved file: raw HTML, or a saved HTTP response
// (starting with "HTTP/1.x") whose Date or else Last-Modified header dates
// it. at, when not zero, is its time whatever it says. A file larger than
// maxBody bytes (the page's max_body, as for a live fetch) is refused
// without being read whole, and so is a capture time in the future: the
// next live check would otherwise seem to go back in time.
func ReadSaved(path string, at time.Time, maxBody int64) (SavedPage, error) {
	p := SavedPage{Path: path, At: at, Status: http.StatusOK}
	data, err := readAtMost(path, maxBody)
	if err != nil {
		return p, err
	}
	p.Body = data
	if bytes.HasPrefix(data, []byte("HTTP/1.")) {
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(data)), nil)
		if err != nil {
			return p, fmt.Errorf("%s starts like a saved HTTP response but does not read as one: %v", path, err)
		}
		defer resp.Body.Close()
		if p.Body, err = io.ReadAll(resp.Body); err != nil {
			return p, fmt.Errorf("%s: body of the saved HTTP response: %v", path, err)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return p, fmt.Errorf("%s is a saved HTTP %d response, not a page", path, resp.StatusCode)
		}
		p.Status, p.ContentType = resp.StatusCode, resp.Header.Get("Content-Type")
		p.Header = map[string]string{}
		for _, k := range []string{"Content-Type", "Date", "Last-Modified", "ETag", "Server"} {
			if v := resp.Header.Get(k); v != "" {
				p.Header[k] = v
			}
		}
		for _, k := range []string{"Date", "Last-Modified"} {
			if !p.At.IsZero() {
				break
			}
			if t, err := http.ParseTime(resp.Header.Get(k)); err == nil {
				p.At = t
			}
		}
	}
	if p.At.IsZero() {
		return p, fmt.Errorf("%s: no capture time: give --at TIME (only a saved HTTP response with a Date or Last-Modified header dates itself)", path)
	}
	if now := time.Now(); p.At.After(now) {
		return p, fmt.Errorf("%s: capture time %s is in the future (now %s)", path, p.At.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return p, nil
}

// readAtMost reads a file of at most limit bytes (no limit when limit is
// not positive), refusing a larger one after reading limit+1 bytes.
func readAtMost(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if limit <= 0 {
		return io.ReadAll(f)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than max_body (%d bytes)", path, limit)
	}
	return data, nil
}

// ReadAllSaved reads and dates every file (see ReadSaved), stopping at
// the first that cannot be.
func ReadAllSaved(paths []string, at time.Time, maxBody int64) ([]SavedPage, error) {
	pages := make([]SavedPage, len(paths))
	for i, p := range paths {
		var err error
		if pages[i], err = ReadSaved(p, at, maxBody); err != nil {
			return nil, err
		}
	}
	return pages, nil
}

// ParseCaptureTime reads the time of a saved capture as a user gives it:
// RFC 3339, or a date meaning its start in UTC. what names it in the
// error (--at).
func ParseCaptureTime(what, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d, nil
	}
	return time.Time{}, fmt.Errorf("%s %q: want RFC 3339 (2016-04-12T10:00:00Z) or a date (2016-04-12)", what, s)
}

// Import archives saved copies of one page as past captures, each at its
// own time, skipping a file already imported at the same time.
type Import struct {
	arc  Archive
	page Page
	seen map[string]bool // body digest and time of every imported capture
}

// NewImport reads what earlier imports of the page archived.
func NewImport(ctx context.Context, arc Archive, p Page) (*Import, error) {
	past, err := arc.PastCaptures(ctx, p.Key, relwatch.SourceImport)
	if err != nil {
		return nil, err
	}
	im := &Import{arc: arc, page: p, seen: map[string]bool{}}
	for _, pc := range past {
		im.seen[importKey(pc.BodyDigest, pc.Started)] = true
	}
	return im, nil
}

func importKey(digest string, at time.Time) string {
	return digest + " " + at.UTC().Format(time.RFC3339Nano)
}

// All archives the saved pages in order, calling done after each with
// what became of it, and counts the pages that did not parse and whether
// any renumbered later versions. It returns ctx's error, with nothing half
// done, when ctx is done before a page; any other error is the archive's.
func (im *Import) All(ctx context.Context, pages []SavedPage, done func(SavedPage, PastOutcome)) (failed int, shifted bool, err error) {
	for _, p := range pages {
		if err := ctx.Err(); err != nil {
			return failed, shifted, err
		}
		out, err := im.One(ctx, p)
		if err != nil {
			return failed, shifted, fmt.Errorf("import %s into %s: %w", p.Path, im.page.Key, err)
		}
		if out.Why != "" {
			failed++
		}
		shifted = shifted || out.Shifted
		done(p, out)
	}
	return failed, shifted, nil
}

// One archives one saved page and says what became of it. The error is
// for the archive only.
func (im *Import) One(ctx context.Context, sp SavedPage) (PastOutcome, error) {
	k := importKey(sha256Digest(sp.Body), sp.At)
	if im.seen[k] {
		return PastOutcome{Already: true}, nil
	}
	im.seen[k] = true
	abs, _ := filepath.Abs(sp.Path)
	// As for a live check: the configured URL's credentials are never
	// stored; the final URL has no user info at all.
	shown := im.page.ShownURL()
	c := relwatch.Capture{
		Page: im.page.Key, URL: shown, FinalURL: im.page.Redact.URL(relwatch.WithoutCredentials(im.page.URL)),
		Source: relwatch.SourceImport, Started: sp.At, Finished: sp.At, Status: sp.Status,
		Header: sp.Header, Body: sp.Body, ContentType: sp.ContentType,
		OriginalURL: shown, Origin: abs, Retrieved: time.Now(),
	}
	return record(ctx, im.arc, im.page, c)
}
