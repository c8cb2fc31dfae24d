package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// BenchmarkHistory times the reads behind `log`, `show --at` and `search`
// on a page with 5,000 versions. By default it generates 4 pages × 5,000
// versions (about 20 s); RELWATCH_BENCH_ARCHIVE=FILE uses an existing
// archive instead, such as the 200 × 5,000 one of docs/performance.md:
//
//	relwatch dev gen-archive --pages 200 --versions 5000 --db /tmp/big.db
//	RELWATCH_BENCH_ARCHIVE=/tmp/big.db go test ./archive -run '^$' -bench History
//
// The process start-up and the opening of the file are not included here;
// scripts/bench.sh times whole commands.
func BenchmarkHistory(b *testing.B) {
	ctx := context.Background()
	path := os.Getenv("RELWATCH_BENCH_ARCHIVE")
	pages := 4
	if path == "" {
		path = filepath.Join(b.TempDir(), "history.db")
		if _, err := Generate(ctx, path, GenerateOptions{Pages: pages, Versions: 5000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	a, err := Open(ctx, path, ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	all, err := a.Pages(ctx)
	if err != nil || len(all) == 0 {
		b.Fatalf("pages: %v, %v", all, err)
	}
	page := all[len(all)/2].Page // the page with the rare phrase
	vs, err := a.Versions(ctx, page)
	if err != nil {
		b.Fatal(err)
	}
	at := vs[len(vs)/2].FirstSeen.Add(time.Minute)

	b.Run("log", func(b *testing.B) {
		for b.Loop() {
			if vs, err := a.Versions(ctx, page); err != nil || len(vs) == 0 {
				b.Fatal(len(vs), err)
			}
		}
		b.ReportMetric(float64(len(vs)), "versions")
	})
	b.Run("show-at", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.SnapshotAt(ctx, page, at); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("search-rare", func(b *testing.B) {
		for b.Loop() {
			if hits, err := a.Search(ctx, GenerateRarePhrase, nil); err != nil || len(hits) != 1 {
				b.Fatal(len(hits), err)
			}
		}
	})
}

// BenchmarkYearSize simulates a year of 4 checks a day on 50 pages, each
// changing once a month, through RecordVersion and RecordUnchanged with
// realistic 70 KB bodies, and reports the archive's size against the
// target: at most 1.5 × the gzip size of the distinct raw pages plus 100
// bytes per unchanged check. It runs the year twice, with and without the
// unchanged checks, to tell what one unchanged check costs. It writes on
// /dev/shm when there is one (the size does not depend on the disk, the
// run time does: 73,000 synchronous commits). RELWATCH_BENCH_DIR=DIR writes
// and keeps year.db and bare.db there instead.
//
//	go test ./archive -run '^$' -bench YearSize -benchtime 1x
func BenchmarkYearSize(b *testing.B) {
	fixture, err := os.ReadFile("../scraper/testdata/pages/layout5-2025-en.html")
	if err != nil {
		b.Skip("needs the scraper's fixture page:", err)
	}
	const pages, days, perDay, every = 50, 365, 4, 30
	dir, keep := os.Getenv("RELWATCH_BENCH_DIR"), true // keeps the archives, to look inside
	if dir == "" {
		dir, keep = b.TempDir(), false
	}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() && !keep {
		if dir, err = os.MkdirTemp("/dev/shm", "relwatch-bench"); err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
	}
	for b.Loop() {
		full, versions, checks, gz := simulateYear(b, filepath.Join(dir, "year.db"), fixture, pages, days, perDay, every, true)
		bare, _, _, _ := simulateYear(b, filepath.Join(dir, "bare.db"), fixture, pages, days, perDay, every, false)
		perCheck := float64(full-bare) / float64(checks)
		b.ReportMetric(float64(full)/1e6, "archive-MB")
		b.ReportMetric(float64(gz)/1e6, "gzip-raw-MB")
		b.ReportMetric(float64(bare)/float64(gz), "versions/gzip-raw")
		b.ReportMetric(perCheck, "B/unchanged-check")
		b.ReportMetric(float64(full)/(1.5*float64(gz)+100*float64(checks)), "size/target")
		b.Logf("%d versions, %d unchanged checks: archive %d bytes, without the checks %d; distinct raw pages gzip %d",
			versions, checks, full, bare, gz)
		if !keep {
			os.Remove(filepath.Join(dir, "year.db"))
			os.Remove(filepath.Join(dir, "bare.db"))
		}
	}
}

// simulateYear writes the year into a new archive at path and returns its
// size once closed, the versions and unchanged checks recorded, and the
// gzip size (default level) of the distinct raw bodies.
func simulateYear(b *testing.B, path string, fixture []byte, pages, days, perDay, every int, withChecks bool) (size int64, versions, checks int, gzipSize int64) {
	ctx := context.Background()
	a, err := Open(ctx, path, ReadWrite)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type state struct {
		key     snapshots.PageKey
		snap    snapshots.Snapshot
		body    []byte
		version int
		edition int
	}
	st := make([]state, pages)
	rng := rand.New(rand.NewPCG(1, 2))
	for p := range st {
		st[p].key = snapshots.PageKey{ID: fmt.Sprintf("partner-%02d", p), Lang: "en"}
		st[p].snap = basePage(rng, p)
		st[p].snap.Page, st[p].snap.Lang = st[p].key.String(), "en"
	}
	for d := range days {
		for c := range perDay {
			for p := range st {
				s := &st[p]
				at := start.Add(time.Duration(d)*24*time.Hour + time.Duration(c)*6*time.Hour + time.Duration(p)*time.Second)
				edition := (d + p%every) / every // each page changes every 30 days, on its own day
				if s.version > 0 && edition == s.edition {
					if withChecks {
						mustUnchanged(b, a, yearCapture(s.key, at, s.body, s.version), s.version)
						checks++
					}
					continue
				}
				// A new edition: the stamp moves and a bullet is reworded.
				s.snap.Sections = cloneSections(s.snap.Sections)
				bl := &s.snap.Sections[0].Blocks[edition%len(s.snap.Sections[0].Blocks)]
				bl.Text = strings.TrimSuffix(bl.Text, ".") + fmt.Sprintf(", as agreed in edition %d.", edition)
				s.snap.UpdatedRaw = snapshots.NullString(at.Add(-time.Hour).Format("02 Jan. 2006 15:04"))
				s.snap.Seal()
				page := bytes.ReplaceAll(fixture, []byte("Kazakhstan"), []byte(fmt.Sprintf("Partner %d", p)))
				s.body = bytes.Replace(page, []byte("Practical cooperation began in 1995"), []byte(fmt.Sprintf("Practical cooperation began in 1995 (edition %d)", edition)), 1)
				s.version, s.edition = s.version+1, edition
				var change *relwatch.ChangeRecord
				if s.version > 1 {
					change = &relwatch.ChangeRecord{DiffJSON: []byte(`{"summary":{"block_changed":1,"stamp_changed":1}}`), Summary: map[string]int{"block_changed": 1, "stamp_changed": 1}}
				}
				if v := mustVersion(b, a, yearCapture(s.key, at, s.body, s.version), s.snap, change); v != s.version {
					b.Fatalf("%s: version %d, want %d", s.key, v, s.version)
				}
				versions++
				var gz bytes.Buffer
				zw := gzip.NewWriter(&gz)
				zw.Write(s.body)
				zw.Close()
				gzipSize += int64(gz.Len())
			}
		}
	}
	if err := a.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size(), versions, checks, gzipSize
}

// yearCapture is a live capture with the headers the scraper keeps, the
// Date in the form servers send it (IMF-fixdate, "… GMT"; time.RFC1123
// would say "UTC", which no server sends).
func yearCapture(page snapshots.PageKey, at time.Time, body []byte, edition int) relwatch.Capture {
	url := "https://www.nato.int/cps/en/natohq/" + page.ID + ".htm"
	return relwatch.Capture{
		Page: page, URL: url, FinalURL: url, CanonicalURL: url, Source: "live",
		Started: at, Finished: at.Add(300 * time.Millisecond), Status: 200, Body: body,
		ContentType: "text/html;charset=UTF-8",
		Header: map[string]string{
			"Content-Type": "text/html;charset=UTF-8", "Date": at.Format(http.TimeFormat), "Server": "Apache",
			"Content-Length": fmt.Sprint(len(body)), "ETag": fmt.Sprintf(`"%x-%d"`, len(body), edition),
		},
	}
}
