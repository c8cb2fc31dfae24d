package track

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/snapshots"
)

// fakeReparser has pages and records which it was asked to rebuild.
type fakeReparser struct {
	pages  []relwatch.PageStatus
	asked  []string
	failOn string
}

func (f *fakeReparser) Pages(context.Context) ([]relwatch.PageStatus, error) { return f.pages, nil }

func (f *fakeReparser) Reparse(_ context.Context, page *snapshots.PageKey, parse relwatch.ParseFunc, compare relwatch.CompareFunc, dryRun bool) (relwatch.ReparseReport, error) {
	f.asked = append(f.asked, page.String())
	if page.String() == f.failOn {
		return relwatch.ReparseReport{}, errors.New("disk full")
	}
	return relwatch.ReparseReport{DryRun: dryRun, Pages: []relwatch.PageReparse{{Page: *page}}}, nil
}

func TestReparse(t *testing.T) {
	f := &fakeReparser{failOn: "georgia/en"}
	for _, ref := range []string{"armenia/hy", "georgia/en", "kazakhstan/fr"} {
		key, _ := snapshots.ParsePageRef(ref)
		f.pages = append(f.pages, relwatch.PageStatus{Page: key})
	}
	var done []string
	record := func(r relwatch.PageReparse) { done = append(done, r.Page.String()) }
	parse := func(snapshots.PageKey) scraper.ParseOptions { return scraper.ParseOptions{} }

	only := f.pages[2].Page
	if err := Reparse(context.Background(), f, &only, parse, true, record); err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.asked, " ") != "kazakhstan/fr" || strings.Join(done, " ") != "kazakhstan/fr" {
		t.Errorf("one page: asked %v, reported %v", f.asked, done)
	}
	f.asked, done = nil, nil
	err := Reparse(context.Background(), f, nil, parse, false, record)
	if err == nil || !strings.Contains(err.Error(), "reparse georgia/en: disk full") {
		t.Errorf("a failing page: %v, want its name and cause", err)
	}
	if strings.Join(done, " ") != "armenia/hy" {
		t.Errorf("pages rebuilt before the failure reported as %v, want armenia/hy", done)
	}
}
