package scraper

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/transform"

	"github.com/relwatch/relwatch/snapshots"
)

// ParserVersion is stored with every snapshot; bump whenever extraction
// output changes for the same input.
const ParserVersion = 1

// ParseOptions refine, per site, what Parse takes as content. Both are
// optional: the defaults work on every known layout of the NATO pages.
type ParseOptions struct {
	// Content is a CSS selector for the content root. Only blocks inside
	// its first match are kept (the title and the stamp may sit outside).
	Content string
	// Exclude is a CSS selector (comma list) of extra chrome to drop
	// before anything else is looked at.
	Exclude string
}

// Parsed is what Parse makes of one response body.
type Parsed struct {
	// Snapshot is sealed, with Lang, FinalURL (= pageURL), CanonicalURL and
	// ParserVersion set; Page and URL are left empty for the caller.
	Snapshot snapshots.Snapshot
	// Charset is the encoding used to decode the body, e.g. "utf-8",
	// "windows-1252".
	Charset string
	// Warnings are things worth a look that did not stop the parse: an
	// unparseable stamp, a language disagreement, a content selector that
	// matched nothing.
	Warnings []string
}

// ParseError is returned (as *ParseError) for bodies that are not a page.
// Callers branch on Kind with errors.As.
type ParseError struct {
	Kind   string // one of the ErrKind constants
	Detail string
}

// ParseError kinds.
const (
	ErrKindNoTitle   = "no_title"    // no main heading with text
	ErrKindNoContent = "no_content"  // a title but nothing under it: maintenance and error pages
	ErrKindMalformed = "parse_error" // the HTML parser rejected the document (nesting over 512)
	ErrKindWrongType = "wrong_type"  // not HTML
)

func (e *ParseError) Error() string {
	return strings.ReplaceAll(e.Kind, "_", " ") + ": " + e.Detail
}

// minLoneLead is the shortest lead that makes a page on its own, with no
// section after it. A heading and one short line is what maintenance and
// error notices served with status 200 look like; a real page is longer.
const minLoneLead = 200

// Parse turns a response body into a snapshot. contentType is the
// response's Content-Type header (may be empty); pageURL the final URL.
//
// The body must be HTML: a Content-Type other than text/html or
// application/xhtml+xml is a wrong_type error, except that text/plain and
// application/octet-stream (servers and archives that mislabel pages) are
// accepted when the bytes sniff as HTML. An empty Content-Type is accepted.
//
// An invalid selector in opts is an ordinary error, not a *ParseError: it
// is a configuration mistake, not a property of the page.
func Parse(raw []byte, contentType, pageURL string, opts ParseOptions) (Parsed, error) {
	if err := checkType(raw, contentType); err != nil {
		return Parsed{}, err
	}
	contentSel, err := compileSelector("content", opts.Content)
	if err != nil {
		return Parsed{}, err
	}
	excludeSel, err := compileSelector("exclude", opts.Exclude)
	if err != nil {
		return Parsed{}, err
	}

	decoded, charsetName, declared := decode(raw, contentType)
	root, err := html.Parse(bytes.NewReader(decoded))
	if err != nil {
		return Parsed{}, &ParseError{Kind: ErrKindMalformed, Detail: err.Error()}
	}

	out := Parsed{Charset: charsetName}
	warn := func(format string, args ...any) {
		out.Warnings = append(out.Warnings, fmt.Sprintf(format, args...))
	}
	// An undeclared ASCII body also ends up as windows-1252; only a body
	// with other bytes was really guessed.
	if !declared && charsetName == "windows-1252" && !isASCII(raw) {
		warn("charset: none declared and the body is not UTF-8; decoded as windows-1252")
	}
	htmlLang := documentLang(root)

	doc := goquery.NewDocumentFromNode(root)
	dropJunk(root)
	if excludeSel != nil {
		doc.FindMatcher(excludeSel).Remove()
	}
	var content *html.Node
	if contentSel != nil {
		if content = contentSel.MatchFirst(root); content == nil {
			warn("content selector %q matched nothing; using the whole page", opts.Content)
		}
	}
	title := findTitle(root, content)
	if title == nil {
		return Parsed{}, &ParseError{Kind: ErrKindNoTitle, Detail: "no h1 heading with text"}
	}
	titlePath, contentPath := ancestors(title), ancestors(content)
	dropChrome(root, titlePath, contentPath)

	x := &extractor{title: title, content: content, titlePath: titlePath, contentPath: contentPath, inContent: content == nil}
	x.children(walkRoot(root, title, content).FirstChild)

	s := x.snapshot()
	if s.Title == "" {
		return Parsed{}, &ParseError{Kind: ErrKindNoTitle, Detail: "the h1 heading is empty"}
	}
	if len(s.Sections) == 0 && len(s.Lead) < minLoneLead {
		detail := "no text under the title"
		if s.Lead != "" {
			detail = fmt.Sprintf("only one short paragraph under the title (%q)", s.Lead)
		}
		return Parsed{}, &ParseError{Kind: ErrKindNoContent, Detail: detail}
	}
	if s.UpdatedRaw != "" {
		on, at, ok := ParseStamp(string(s.UpdatedRaw))
		if ok {
			s.UpdatedOn, s.UpdatedAt = snapshots.NullString(on), snapshots.NullString(at)
		} else {
			warn("update stamp %q not understood; kept as raw text only", s.UpdatedRaw)
		}
	}

	source := "the URL"
	s.Lang = URLLang(pageURL)
	if s.Lang == "" {
		s.Lang, source = htmlLang, "<html lang>"
	}
	if l := x.stampLang; l != "" && s.Lang != "" && l != s.Lang {
		// The site leaks English chrome into other languages (an English
		// "Highlights" label on French pages), never the reverse: a French
		// or Russian label is proof, an English one only wins when the
		// document's own lang attribute agrees with it.
		if l != "en" || htmlLang == "en" {
			warn("language: %s says %q but the stamp label is %q; using %q", source, s.Lang, l, l)
			s.Lang = l
		} else {
			warn("language: %s says %q but the stamp label is English; keeping %q", source, s.Lang, s.Lang)
		}
	} else if s.Lang == "" {
		s.Lang = l
	}
	s.FinalURL = pageURL
	s.CanonicalURL = CanonicalURL(pageURL)
	s.ParserVersion = ParserVersion
	s.Seal()
	out.Snapshot = s
	return out, nil
}

// Suspect reports whether cur looks like a broken capture relative to prev:
// its extracted text (Snapshot.TextLen) shrank by more than 80%. reason
// says by how much.
func Suspect(prev, cur snapshots.Snapshot) (reason string, suspect bool) {
	p, c := prev.TextLen(), cur.TextLen()
	if p == 0 || c*5 >= p {
		return "", false
	}
	return fmt.Sprintf("extracted text shrank by %d%% (%d → %d bytes)", 100-c*100/p, p, c), true
}

// decode converts the body to UTF-8 with the encoding HTML's rules pick
// (BOM, Content-Type charset, <meta> prescan, UTF-8 check, windows-1252)
// and drops a leading BOM. Valid UTF-8 is used as is: most pages are, and
// the transform would only copy them. declared reports whether the page
// named its encoding (a BOM, the header or a <meta>) rather than leaving it
// to a guess.
func decode(raw []byte, contentType string) (out []byte, name string, declared bool) {
	enc, name, certain := charset.DetermineEncoding(raw, contentType)
	// DetermineEncoding calls a <meta> charset "not certain" (the header
	// may contradict it, and the HTML standard lets a parser switch), but
	// for us it is a declaration all the same.
	declared = certain || metaCharset(raw)
	if name == "utf-8" && utf8.Valid(raw) {
		out = raw
	} else {
		var err error
		if out, _, err = transform.Bytes(enc.NewDecoder(), raw); err != nil {
			out = raw // decoders replace bad bytes; this cannot happen
		}
	}
	return bytes.TrimPrefix(out, []byte("\uFEFF")), name, declared
}

// metaCharset reports whether the first 1024 bytes hold a <meta charset>
// or a <meta http-equiv="Content-Type" content="...; charset=..."> naming
// an encoding charset.Lookup knows: the prescan charset.DetermineEncoding
// runs, which does not say whether it found one.
func metaCharset(raw []byte) bool {
	z := html.NewTokenizer(bytes.NewReader(raw[:min(len(raw), 1024)]))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken:
			tag, more := z.TagName()
			if string(tag) != "meta" {
				continue
			}
			var pragma bool
			var fromCharset, fromContent string
			seen := map[string]bool{}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				key := string(k)
				if seen[key] {
					continue // the first of a repeated attribute counts
				}
				seen[key] = true
				val := strings.ToLower(string(v))
				switch key {
				case "http-equiv":
					pragma = val == "content-type"
				case "charset":
					fromCharset = val
				case "content":
					fromContent = charsetParam(val)
				}
			}
			if e, _ := charset.Lookup(fromCharset); fromCharset != "" && e != nil {
				return true
			}
			if e, _ := charset.Lookup(fromContent); pragma && fromContent != "" && e != nil {
				return true
			}
		}
	}
}

// charsetParam is the value after "charset=" in a <meta> content
// attribute, as the HTML standard extracts it, or "".
func charsetParam(s string) string {
	for {
		i := strings.Index(s, "charset")
		if i < 0 {
			return ""
		}
		s = strings.TrimLeft(s[i+len("charset"):], " \t\n\f\r")
		if !strings.HasPrefix(s, "=") {
			continue
		}
		s = strings.TrimLeft(s[1:], " \t\n\f\r")
		if s == "" {
			return ""
		}
		if q := s[0]; q == '"' || q == '\'' {
			v, _, ok := strings.Cut(s[1:], string(q))
			if !ok {
				return ""
			}
			return v
		}
		if end := strings.IndexAny(s, "; \t\n\f\r"); end >= 0 {
			return s[:end]
		}
		return s
	}
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func checkType(raw []byte, contentType string) error {
	if strings.TrimSpace(contentType) == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		return nil
	case "text/plain", "application/octet-stream":
		if sniffsAsHTML(raw) {
			return nil
		}
	}
	return &ParseError{Kind: ErrKindWrongType, Detail: fmt.Sprintf("content type %q is not HTML", mt)}
}

// sniffsAsHTML is net/http's content sniffing, plus an "<html" within the
// first 1024 bytes for pages that start with a BOM or stray text, which the
// sniffer calls text/plain.
func sniffsAsHTML(raw []byte) bool {
	if strings.HasPrefix(http.DetectContentType(raw), "text/html") {
		return true
	}
	head := raw[:min(len(raw), 1024)]
	return bytes.Contains(bytes.ToLower(head), []byte("<html"))
}

func compileSelector(what, sel string) (cascadia.Selector, error) {
	if strings.TrimSpace(sel) == "" {
		return nil, nil
	}
	s, err := cascadia.Compile(sel)
	if err != nil {
		return nil, fmt.Errorf("scraper: %s selector %q: %w", what, sel, err)
	}
	return s, nil
}

// documentLang is the primary subtag of <html lang> (or xml:lang).
func documentLang(root *html.Node) string {
	for n := root.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n.DataAtom == atom.Html {
			if l := langTag(attr(n, "lang")); l != "" {
				return l
			}
			return langTag(attr(n, "xml:lang"))
		}
	}
	return ""
}

// walkRoot is the subtree the extractor walks: the <main> holding the
// title if there is one, else the body. With a content root elsewhere, the
// whole document.
func walkRoot(root, title, content *html.Node) *html.Node {
	if content != nil {
		return root
	}
	for n := title.Parent; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && (n.DataAtom == atom.Main || attr(n, "role") == "main") {
			return n
		}
	}
	return root
}

// findTitle is the main heading: the first h1 with text inside the content
// root; else, among the h1s outside chrome (a menu, a sign-up dialog), the
// first inside the page's main content (<main>, <article>, role=main) that
// is not a site logo, then the first that is not a logo, then the first in
// the main content, then the first outside chrome; else the first h1 at all.
// Sites that mark their logo up as an h1 ("<header><h1><a href=/>NATO</a>
// </h1></header>") put it before the title.
func findTitle(root, content *html.Node) *html.Node {
	if content != nil {
		if h := firstH1(content); h != nil {
			return h
		}
	}
	var inMain, plain, mainLogo, first *html.Node
	eachH1(root, func(h *html.Node) bool {
		logo, main := isLogoH1(h)
		switch {
		case main && !logo:
			inMain = h
			return false
		case !logo && plain == nil:
			plain = h
		case main && mainLogo == nil:
			mainLogo = h
		}
		if first == nil {
			first = h
		}
		return true
	})
	for _, h := range []*html.Node{inMain, plain, mainLogo, first} {
		if h != nil {
			return h
		}
	}
	return firstH1(root)
}

// firstH1 is the first h1 with text under n, chrome or not.
func firstH1(n *html.Node) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == atom.H1 {
		if hasText(n) {
			return n
		}
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if h := firstH1(c); h != nil {
			return h
		}
	}
	return nil
}

// eachH1 calls fn, in document order, for every h1 with text outside
// chrome, until fn returns false.
func eachH1(n *html.Node, fn func(*html.Node) bool) bool {
	if n.Type == html.ElementNode {
		if n.DataAtom == atom.H1 {
			return !hasText(n) || fn(n)
		}
		if isChrome(n) {
			return true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !eachH1(c, fn) {
			return false
		}
	}
	return true
}

// isLogoH1 reports whether the h1 looks like a site logo rather than the
// page title, and whether it sits in the page's main content. A logo is an
// h1 whose text is all a link to the site's home page, an h1 marked as a
// logo or brand (on itself or its parent), or one in the site banner: a
// <header> or role=banner that is not inside the main content (an
// <article>'s own <header> holds its title).
func isLogoH1(h *html.Node) (logo, main bool) {
	banner := false
	for n := h.Parent; n != nil; n = n.Parent {
		if n.Type != html.ElementNode {
			continue
		}
		switch role := strings.ToLower(attr(n, "role")); {
		case n.DataAtom == atom.Main || n.DataAtom == atom.Article || role == "main":
			main = true
		case n.DataAtom == atom.Header || role == "banner":
			banner = true
		}
	}
	logo = banner && !main || homeLinkOnly(h) || hasLogoWord(h) || h.Parent != nil && hasLogoWord(h.Parent)
	return logo, main
}

var logoWords = map[string]bool{"logo": true, "brand": true, "branding": true, "masthead": true}

func hasLogoWord(n *html.Node) bool {
	found := false
	eachWord(n, func(w string) { found = found || logoWords[w] })
	return found
}

// homeLinkOnly: all of the h1's text is inside links, and every link goes
// to a home page: "/", a host root ("https://www.nato.int/"), or a
// language's home ("/en/").
func homeLinkOnly(h *html.Node) bool {
	if hasLetterOrDigitIn(true, h) {
		return false
	}
	links := 0
	ok := true
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && ok; c = c.NextSibling {
			if isLink(c) {
				links++
				ok = isHomeHref(attr(c, "href"))
				continue
			}
			walk(c)
		}
	}
	walk(h)
	return ok && links > 0
}

func isHomeHref(href string) bool {
	u, err := url.Parse(strings.TrimSpace(href))
	if err != nil || u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" || u.RawQuery != "" {
		return false
	}
	if u.Scheme == "" && u.Host == "" && !strings.HasPrefix(u.Path, "/") {
		return false // relative: a page, not the home
	}
	p := strings.Trim(u.Path, "/")
	for _, index := range []string{"index.html", "index.htm", "index.php"} {
		p = strings.Trim(strings.TrimSuffix(p, index), "/")
	}
	return p == "" || !strings.Contains(p, "/") && len(langTag(p)) == len(p)
}

func ancestors(n *html.Node) map[*html.Node]bool {
	m := make(map[*html.Node]bool)
	for ; n != nil; n = n.Parent {
		m[n] = true
	}
	return m
}

// junk holds elements that never carry page text. Scripts and styles must
// go before any text is taken: their text nodes are ordinary text to the
// tree (goquery #206).
var junk = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true,
	atom.Math: true, atom.Canvas: true, atom.Video: true, atom.Audio: true,
	atom.Input: true, atom.Select: true, atom.Textarea: true, atom.Head: true,
	atom.Link: true, atom.Meta: true,
}

// dropJunk removes comments and junk elements. Hidden elements are kept on
// purpose: collapsed accordion panels are hidden until clicked.
func dropJunk(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode || c.Type == html.ElementNode && junk[c.DataAtom]:
			n.RemoveChild(c)
		default:
			dropJunk(c)
		}
		c = next
	}
}

// dropChrome removes page chrome, except the title, the content root and
// their ancestors.
func dropChrome(n *html.Node, titlePath, contentPath map[*html.Node]bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			if !titlePath[c] && !contentPath[c] && isChrome(c) {
				n.RemoveChild(c)
			} else {
				dropChrome(c, titlePath, contentPath)
			}
		}
		c = next
	}
}

var chromeTags = map[atom.Atom]bool{
	atom.Nav: true, atom.Aside: true, atom.Footer: true, atom.Form: true,
	atom.Dialog: true,
}

var chromeRoles = map[string]bool{
	"navigation": true, "search": true, "contentinfo": true, "complementary": true,
	"dialog": true, "alertdialog": true, "menu": true, "menubar": true, "toolbar": true,
}

// chromeWords are class and id words that mark page furniture on most
// sites. They are a hint on top of the structural rules, not the key: the
// title and its ancestors are never removed by them.
var chromeWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true, "megamenu": true,
	"breadcrumb": true, "breadcrumbs": true, "share": true, "sharing": true,
	"social": true, "related": true, "footer": true, "sidebar": true,
	"cookie": true, "cookies": true, "newsletter": true, "login": true,
	"signup": true, "subscribe": true, "register": true, "account": true,
	"modal": true, "popup": true, "skip": true, "search": true, "toolbar": true,
	"print": true, "langswitch": true, "languages": true,
}

// isChrome reports whether an element is page furniture. Site headers and
// banners are not on the list: they come before the title, which is where
// the extractor starts anyway, while a <header> after the title is more
// likely a section's own heading block.
func isChrome(n *html.Node) bool {
	if chromeTags[n.DataAtom] || chromeRoles[strings.ToLower(attr(n, "role"))] {
		return true
	}
	found := false
	eachWord(n, func(w string) { found = found || chromeWords[w] })
	return found
}

// eachWord calls fn for every lower-case word of the element's class and
// id ("related-topics box" → related, topics, box): the words of
// strings.FieldsFunc(strings.ToLower(value)) split at what is not a letter
// or a digit. An ASCII value (nearly all) is split where it is, without
// the copies: isChrome and hasWord ask it of most elements of a page,
// several times over.
func eachWord(n *html.Node, fn func(string)) {
	for _, a := range n.Attr {
		if a.Namespace != "" || a.Key != "class" && a.Key != "id" {
			continue
		}
		if !asciiWords(a.Val, fn) {
			for _, w := range strings.FieldsFunc(strings.ToLower(a.Val), func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r)
			}) {
				fn(w)
			}
		}
	}
}

// asciiWords is eachWord's split of one ASCII value: it calls fn for each
// word and reports true, or reports false, calling nothing, when v is not
// all ASCII. A word with upper-case letters is lower-cased (a copy); the
// others are slices of v.
func asciiWords(v string, fn func(string)) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			return false
		}
	}
	for i := 0; i < len(v); {
		if !isASCIIWordByte(v[i]) {
			i++
			continue
		}
		start, upper := i, false
		for ; i < len(v) && isASCIIWordByte(v[i]); i++ {
			upper = upper || 'A' <= v[i] && v[i] <= 'Z'
		}
		if w := v[start:i]; upper {
			fn(strings.ToLower(w))
		} else {
			fn(w)
		}
	}
	return true
}

// isASCIIWordByte: an ASCII letter or digit (unicode.IsLetter or IsDigit
// of an ASCII byte).
func isASCIIWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func hasWord(n *html.Node, word string) bool {
	found := false
	eachWord(n, func(w string) { found = found || w == word })
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}
