package history

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// ErrBadInput is matched (errors.Is) by every error that means the
// question was asked wrong: a malformed or ambiguous page or version
// reference, version 0, versions in the wrong order. A front end shows it
// as the user's mistake (the CLI's exit 2, an HTTP 400). A page or version
// the archive does not have wraps relwatch.ErrNotFound instead.
var ErrBadInput = errors.New("bad input")

// InputError is a bad input with its own message.
type InputError struct{ Msg string }

func (e *InputError) Error() string        { return e.Msg }
func (e *InputError) Is(target error) bool { return target == ErrBadInput }

func badInput(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// AmbiguousPageError is a page id given alone that the archive has in
// several languages.
type AmbiguousPageError struct {
	ID    string
	Langs []string // sorted
}

func (e *AmbiguousPageError) Error() string {
	refs := make([]string, len(e.Langs))
	for i, l := range e.Langs {
		refs[i] = e.ID + "/" + l
	}
	return fmt.Sprintf("page %s is archived in several languages (%s): say which, e.g. %s",
		e.ID, strings.Join(e.Langs, ", "), strings.Join(refs, " or "))
}

func (e *AmbiguousPageError) Is(target error) bool { return target == ErrBadInput }

// ResolvePage turns a page reference (<id>/<lang>, or <id> alone when the
// archive has that page in one language) into a page key the archive has.
// A malformed reference is an InputError, an id in several languages an
// *AmbiguousPageError, an unknown page wraps relwatch.ErrNotFound.
func ResolvePage(ctx context.Context, r relwatch.History, ref string) (snapshots.PageKey, error) {
	key, err := snapshots.ParsePageRef(ref)
	if err != nil {
		return key, &InputError{Msg: err.Error()}
	}
	got, err := r.ResolvePage(ctx, key)
	if err == nil || key.Lang != "" || errors.Is(err, relwatch.ErrNotFound) || errors.Is(err, relwatch.ErrUnusable) || ctx.Err() != nil {
		return got, err
	}
	// The store has no sentinel for "several languages": list them.
	pages, perr := r.Pages(ctx)
	if perr != nil {
		return got, err
	}
	var langs []string
	for _, p := range pages {
		if p.Page.ID == key.ID {
			langs = append(langs, p.Page.Lang)
		}
	}
	if len(langs) < 2 {
		return got, err
	}
	slices.Sort(langs)
	return got, &AmbiguousPageError{ID: key.ID, Langs: langs}
}

// filterPages keeps the status of the pages key names (every language of
// its id when key.Lang is empty).
func filterPages(pages []relwatch.PageStatus, key snapshots.PageKey) []relwatch.PageStatus {
	var out []relwatch.PageStatus
	for _, p := range pages {
		if matchesPage(p.Page, key) {
			out = append(out, p)
		}
	}
	return out
}

// ResolvePageOrID is ResolvePage for the commands that can read several
// pages at once (search, feed): an id alone that the archive has in
// several languages gives a key with an empty Lang, meaning every
// language of that page.
func ResolvePageOrID(ctx context.Context, r relwatch.History, ref string) (snapshots.PageKey, error) {
	key, err := ResolvePage(ctx, r, ref)
	var amb *AmbiguousPageError
	if errors.As(err, &amb) {
		return snapshots.PageKey{ID: amb.ID}, nil
	}
	return key, err
}

// matchesPage reports whether a page is one key names: that page, or any
// language of its id when key.Lang is empty.
func matchesPage(page, key snapshots.PageKey) bool {
	return page.ID == key.ID && (key.Lang == "" || page.Lang == key.Lang)
}

// Search finds text in every version of every page, or of the pages page
// names (nil: all; an empty Lang: every language of the id), through the
// store's own search.
func Search(ctx context.Context, h relwatch.History, query string, page *snapshots.PageKey) ([]relwatch.Hit, error) {
	if page == nil || page.Lang != "" {
		return h.Search(ctx, query, page)
	}
	hits, err := h.Search(ctx, query, nil)
	if err != nil {
		return nil, err
	}
	kept := hits[:0]
	for _, hit := range hits {
		if k, err := snapshots.ParsePageRef(hit.Page); err == nil && matchesPage(k, *page) {
			kept = append(kept, hit)
		}
	}
	return kept, nil
}
