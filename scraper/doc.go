// Package scraper fetches official web pages politely and turns their HTML
// into snapshots.
//
// The fetch half (fetch*.go, robots*.go, transport*.go) talks to the
// network: robots.txt, rate limits, retries, redirects and body limits. The
// parse half (parse*.go, stamp.go, urls.go) is pure: Parse takes the bytes
// of one response and returns a sealed snapshots.Snapshot, or a *ParseError
// saying why the body is not a page. It never touches the network or the
// disk, and the same bytes always give the same snapshot, byte for byte.
// The Wayback half (wayback.go) lists a page's past captures through the
// Wayback Machine's CDX API and fetches them raw, through the same
// transport and limits as live pages.
//
// # How a page is read
//
// Extraction is keyed on structure, never on one year's markup:
//
//   - The title is the first h1 with text outside menus and dialogs.
//     Extraction starts after it, so whatever a site puts before its title
//     (menus, breadcrumbs, the 2025 site's "NATO MULTIMEDIA ACCOUNT"
//     sign-up block) is left out whatever its markup.
//   - Page chrome after the title is dropped by element (nav, aside,
//     footer, form, dialog), ARIA role, a few common class/id words
//     ("share", "related", "footer", …), and link density: a paragraph or
//     bullet that is nothing but links, and a heading left with nothing
//     under it ("Related topics" over a list of links), are navigation.
//     Scripts, styles and comments go before any text is read.
//   - The stamp is the short line labelled "Last updated", "Mis à jour le",
//     "Updated" (or the Russian and Ukrainian labels); see ParseStamp.
//   - The lead is the first paragraph before the first heading.
//   - Captions are figcaptions, caption-classed elements and photo alt
//     texts, each once in page order; text that repeats a caption is not
//     repeated as a paragraph.
//   - Headings h2–h6 open sections that nest by level; content before the
//     first heading is a section with an empty heading and level 0. A list
//     whose every item is a title followed by a body (the 2012–2018
//     accordions) is sections too, one level below the current heading.
//     Each item of any other list is one bullet, and the text of a nested
//     list stays, in order, inside its parent item's bullet.
//
// A body with no title is a no_title error; a title with nothing under it,
// or only one short line (what maintenance and error pages served with
// status 200 look like), is no_content. ParseOptions can refine, never
// replace, these rules per site.
package scraper
