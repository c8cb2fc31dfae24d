// Package scraper fetches official web pages politely and turns their HTML
// into snapshots.
//
// The fetch half (fetch*.go, robots*.go, transport*.go) talks to the
// network: robots.txt, rate limits, retries, redirects and body limits. The
// parse half (parse.go, stamp.go, urls.go) is pure: Parse takes the bytes of
// one response and returns a sealed snapshots.Snapshot, or a *ParseError
// saying why the body is not a page (no title, no content, not HTML,
// unparseable). The parse half never touches the network or the disk, so
// the same bytes always give the same snapshot.
//
// Extraction is keyed on structure, not on one site's class names: the
// main title heading (h1) and what follows it, headings h2–h6, paragraphs,
// lists, captions and the "Last updated" stamp line. Page chrome (menus,
// language switchers, share links, related boxes, footers, sign-up forms)
// is recognised by element, ARIA role, link density and a few common
// class/id words, and dropped. ParseOptions can refine, never replace, this.
package scraper
