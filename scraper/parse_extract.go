package scraper

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/relwatch/relwatch/snapshots"
)

// The extractor walks the cleaned tree in document order, from the title
// on, and turns it into a flat stream of items (headings, paragraphs,
// bullets, captions, the stamp). snapshot() then folds the stream into the
// nested sections of the data model. Keeping the two apart keeps both
// simple: the walk only knows HTML, the fold only knows headings and levels.

type itemKind uint8

const (
	itemHeading itemKind = iota
	itemParagraph
	itemBullet
	itemCaption
	itemStamp
)

type item struct {
	kind  itemKind
	level int    // headings: 2..6
	text  string // normalised
}

type extractor struct {
	title       *html.Node
	content     *html.Node          // ParseOptions.Content root, or nil
	titlePath   map[*html.Node]bool // the title and its ancestors
	contentPath map[*html.Node]bool // the content root and its ancestors

	started   bool // the title (or the content root) has been passed
	inContent bool // blocks are kept; always true without a content root
	inLink    bool // inside a link that wraps blocks: a teaser card
	level     int  // level of the last heading emitted, 0 before any

	stamped   bool // a stamp line has been seen
	stampLang string
	items     []item
}

// children walks the sibling list starting at first, gathering runs of
// inline nodes into paragraphs and handing block elements to block.
func (x *extractor) children(first *html.Node) {
	var run []*html.Node
	flush := func() {
		if len(run) > 0 {
			x.leaf(itemParagraph, run...)
			run = nil
		}
	}
	for c := first; c != nil; c = c.NextSibling {
		if !x.started {
			// Walk down to the title, or to a content root that does not
			// hold the title, whichever comes first.
			switch {
			case c == x.title:
				x.started = true
			case x.titlePath[c]:
				x.enter(c, func() { x.children(c.FirstChild) })
			case c == x.content:
				x.started = true
				x.block(c)
			case x.contentPath[c]:
				x.children(c.FirstChild)
			}
			continue
		}
		if c == x.title {
			continue
		}
		if c.Type == html.TextNode || c.Type == html.ElementNode && isInline(c) && !hasBlock(c) && !hasWord(c, "caption") {
			run = append(run, c)
			continue
		}
		flush()
		x.block(c)
	}
	flush()
}

// enter runs fn with inContent set while inside the content root.
func (x *extractor) enter(n *html.Node, fn func()) {
	if n != x.content {
		fn()
		return
	}
	saved := x.inContent
	x.inContent = true
	fn()
	x.inContent = saved
}

func (x *extractor) block(n *html.Node) {
	if n.Type != html.ElementNode || n == x.title {
		return
	}
	x.enter(n, func() {
		switch n.DataAtom {
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			x.heading(n, headingLevel(n))
		case atom.P, atom.Pre, atom.Address, atom.Dt, atom.Dd, atom.Caption:
			if hasBlock(n) {
				// Only repaired markup puts blocks in a paragraph (in quirks
				// mode a <table> does not close an open <p>): walk it.
				x.children(n.FirstChild)
				return
			}
			x.leaf(itemParagraph, n)
		case atom.Figcaption:
			x.caption(n)
		case atom.Ul, atom.Ol, atom.Menu, atom.Dir:
			x.list(n)
		case atom.Table:
			x.table(n)
		case atom.Details:
			x.section(n, x.level)
		case atom.Img:
			x.image(n)
		case atom.Br, atom.Hr:
		case atom.A:
			// A link wrapping whole blocks is a teaser card pointing
			// elsewhere ("Related content"): none of it is this page's text.
			saved := x.inLink
			x.inLink = x.inLink || isLink(n)
			x.children(n.FirstChild)
			x.inLink = saved
		default:
			if hasWord(n, "caption") {
				x.caption(n)
				return
			}
			x.children(n.FirstChild)
		}
	})
}

func (x *extractor) emit(it item) {
	if it.kind == itemHeading {
		x.level = it.level
	}
	x.items = append(x.items, it)
}

func (x *extractor) heading(n *html.Node, level int) {
	t := text(n)
	if t == "" {
		return
	}
	if x.stamp(t) || !x.inContent || x.inLink {
		return
	}
	x.emit(item{kind: itemHeading, level: level, text: t})
}

// leaf emits one paragraph or bullet made of nodes: the images' captions
// first, then the text, unless the text is the update stamp or nothing but
// links (a menu entry, a "print this page").
func (x *extractor) leaf(kind itemKind, nodes ...*html.Node) {
	for _, n := range nodes {
		x.images(n)
	}
	t := text(nodes...)
	if t == "" || x.stamp(t) || !x.inContent || x.inLink {
		return
	}
	if !hasLetterOrDigitIn(true, nodes...) {
		return
	}
	x.emit(item{kind: kind, text: t})
}

// stamp records an update stamp line and reports whether t was one. A line
// with an unknown label ("Обновлено: …", or a label in a language we have
// not seen) counts only near the title: before the first heading and the
// first stamp, so that a bullet like "Founded: 12 May 2010" further down
// stays a bullet.
func (x *extractor) stamp(t string) bool {
	anyLabel := x.level == 0 && !x.stamped
	v, lang, ok := stampLine(t, anyLabel)
	if !ok {
		return false
	}
	x.emit(item{kind: itemStamp, text: v})
	x.stamped = true
	if x.stampLang == "" {
		x.stampLang = lang
	}
	return true
}

func (x *extractor) caption(n *html.Node) {
	x.images(n)
	if t := text(n); t != "" && x.inContent {
		x.emit(item{kind: itemCaption, text: t})
	}
}

func (x *extractor) images(n *html.Node) {
	if n.Type != html.ElementNode {
		return
	}
	if n.DataAtom == atom.Img {
		x.image(n)
		return
	}
	if n.DataAtom == atom.A {
		return // an image in a link is an icon or a button, not a photo
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.images(c)
	}
}

// image takes a photo's alt text as a caption. Alt texts of one word
// ("logo", "photo") or file names say nothing about the page.
func (x *extractor) image(n *html.Node) {
	alt := snapshots.NormalizeText(attr(n, "alt"))
	if !x.inContent || len(strings.Fields(alt)) < 2 {
		return
	}
	lower := strings.ToLower(alt)
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".gif", ".webp"} {
		if strings.HasSuffix(lower, ext) {
			return
		}
	}
	x.emit(item{kind: itemCaption, text: alt})
}

// list emits an ordinary list as bullets, one per item, nested lists
// included in their item's text; and an accordion (every item a title
// followed by a body) as sections.
func (x *extractor) list(n *html.Node) {
	var lis []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			lis = append(lis, c)
		}
	}
	accordion := isAccordion(lis)
	base := x.level
	for _, li := range lis {
		switch {
		case accordion:
			x.section(li, base)
		case li.DataAtom != atom.Li:
			x.block(li) // stray markup directly in the list, e.g. <ul><ul>
		case headedItem(li):
			x.section(li, x.level)
		default:
			x.leaf(itemBullet, li)
		}
	}
}

// section emits an accordion item or a <details>: its title element as a
// heading one level below base (or at its own level if it is a real
// heading), then the rest as content.
func (x *extractor) section(n *html.Node, base int) {
	t := titleChild(n)
	if t == nil {
		x.children(n.FirstChild)
		return
	}
	level := min(max(base+1, 2), 6)
	if h := headingIn(t); h != nil {
		level = headingLevel(h)
	}
	x.images(t)
	x.heading(t, level)
	x.children(t.NextSibling)
}

// table walks a layout table (cells holding paragraphs, lists, headings) as
// containers and turns a data table into one paragraph per row.
func (x *extractor) table(n *html.Node) {
	if hasBlockIn(n, func(c *html.Node) bool {
		switch c.DataAtom {
		case atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Td, atom.Th, atom.Caption, atom.Colgroup, atom.Col:
			return false
		}
		return true
	}) {
		x.children(n.FirstChild)
		return
	}
	var rows func(*html.Node)
	rows = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Tr:
				x.leaf(itemParagraph, c)
			case atom.Caption:
				x.leaf(itemParagraph, c)
			case atom.Tbody, atom.Thead, atom.Tfoot:
				rows(c)
			}
		}
	}
	rows(n)
}

// isAccordion: a list whose every non-empty item starts with a title
// element (a heading, or a short inline-only element) followed by a body of
// block content, at least one body holding paragraphs or headings. A
// bullet with a bold label ("<li><b>Cyber defence:</b> text") has no block
// body and stays a bullet.
func isAccordion(lis []*html.Node) bool {
	prose, n := false, 0
	for _, li := range lis {
		if li.DataAtom != atom.Li {
			return false
		}
		if !hasText(li) {
			continue
		}
		n++
		t := titleChild(li)
		if t == nil {
			return false
		}
		for c := t.NextSibling; c != nil && !prose; c = c.NextSibling {
			prose = c.Type == html.ElementNode && hasBlockIn(c, func(d *html.Node) bool {
				return d.DataAtom == atom.P || isHeading(d)
			})
		}
	}
	return n > 0 && prose
}

// headedItem is a list item that starts with a real heading and has a body:
// a section even in a list that is not an accordion.
func headedItem(li *html.Node) bool {
	t := titleChild(li)
	return t != nil && headingIn(t) != nil
}

// headingIn returns t if it is a heading, or the heading t wraps with
// nothing else around it (<a href="#"><h3>Title</h3></a>), else nil.
func headingIn(t *html.Node) *html.Node {
	if isHeading(t) {
		return t
	}
	var h *html.Node
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && !hasNonSpace(c.Data):
		case c.Type == html.ElementNode && isHeading(c) && h == nil:
			h = c
		default:
			return nil
		}
	}
	return h
}

// titleChild returns n's first child if it is a title: a heading, a
// <summary>, or a short element holding only inline content, and it is
// followed by block content with text. Otherwise nil.
func titleChild(n *html.Node) *html.Node {
	var t *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" {
			continue
		}
		if c.Type == html.ElementNode {
			t = c
		}
		break
	}
	if t == nil || !hasText(t) {
		return nil
	}
	if headingIn(t) == nil && t.DataAtom != atom.Summary {
		switch t.DataAtom {
		case atom.P, atom.Ul, atom.Ol, atom.Table, atom.Img, atom.Br, atom.Figure:
			return nil
		}
		if hasBlock(t) || len(text(t)) > 200 {
			return nil
		}
	}
	body := false
	for c := t.NextSibling; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return nil // inline text after the title: a labelled bullet
		}
		if c.Type == html.ElementNode && !isInline(c) && hasText(c) {
			body = true
		}
	}
	if !body {
		return nil
	}
	return t
}

// snapshot folds the item stream into a snapshot's content fields.
func (x *extractor) snapshot() snapshots.Snapshot {
	s := snapshots.Snapshot{Title: text(x.title)}
	captions := map[string]bool{}
	for _, it := range x.items {
		switch it.kind {
		case itemCaption:
			if !captions[it.text] {
				captions[it.text] = true
				s.Captions = append(s.Captions, it.text)
			}
		case itemStamp:
			if s.UpdatedRaw == "" {
				s.UpdatedRaw = snapshots.NullString(it.text)
			}
		}
	}

	type node struct {
		sec  snapshots.Section
		kids []*node
	}
	first := &node{}
	var top, stack []*node
	seenHeading := false
	for _, it := range x.items {
		switch it.kind {
		case itemHeading:
			seenHeading = true
			for len(stack) > 0 && stack[len(stack)-1].sec.Level >= it.level {
				stack = stack[:len(stack)-1]
			}
			n := &node{sec: snapshots.Section{Heading: it.text, Level: it.level}}
			if len(stack) == 0 {
				top = append(top, n)
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case itemParagraph, itemBullet:
			// Captions printed again as text, and the lead, are not
			// repeated in the sections.
			if captions[it.text] || it.text == s.Lead {
				continue
			}
			if it.kind == itemParagraph && s.Lead == "" && !seenHeading {
				s.Lead = it.text
				continue
			}
			kind := snapshots.Paragraph
			if it.kind == itemBullet {
				kind = snapshots.Bullet
			}
			cur := first
			if len(stack) > 0 {
				cur = stack[len(stack)-1]
			}
			cur.sec.Blocks = append(cur.sec.Blocks, snapshots.Block{Kind: kind, Text: it.text})
		}
	}
	var build func([]*node) []snapshots.Section
	build = func(ns []*node) []snapshots.Section {
		var out []snapshots.Section
		for _, n := range ns {
			sec := n.sec
			sec.Sections = build(n.kids)
			// A heading with nothing under it is what is left of a box of
			// links once the links are gone ("Related topics").
			if len(sec.Blocks) == 0 && len(sec.Sections) == 0 {
				continue
			}
			out = append(out, sec)
		}
		return out
	}
	if len(first.sec.Blocks) > 0 {
		s.Sections = append(s.Sections, first.sec)
	}
	s.Sections = append(s.Sections, build(top)...)
	return s
}

// text is the normalised text of nodes. Block boundaries and <br> become
// spaces, inline elements do not (so "<b>a</b>b" is "ab").
func text(nodes ...*html.Node) string {
	var b strings.Builder
	for _, n := range nodes {
		appendText(&b, n)
	}
	return snapshots.NormalizeText(b.String())
}

func appendText(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
	case html.ElementNode:
		if n.DataAtom == atom.Br {
			b.WriteByte(' ')
			return
		}
		block := !isInline(n)
		if block {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			appendText(b, c)
		}
		if block {
			b.WriteByte(' ')
		}
	}
}

// isLink: an <a> with an href. A bare <a name> is an anchor, not a link.
func isLink(n *html.Node) bool {
	if n.Type != html.ElementNode || n.DataAtom != atom.A {
		return false
	}
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == "href" {
			return true
		}
	}
	return false
}

func hasText(n *html.Node) bool {
	if n.Type == html.TextNode {
		return hasNonSpace(n.Data)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasText(c) {
			return true
		}
	}
	return false
}

// hasNonSpace reports whether s has a rune that is not isSpace
// (strings.TrimFunc(s, isSpace) != ""), ASCII a byte at a time.
func hasNonSpace(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isSpace(r) {
			return true
		}
		i += size
	}
	return false
}

// isSpace matches what NormalizeText folds away, so that a lone &nbsp; is
// no text.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || r == '\u200b' || r == '\u00ad' || r == '\ufeff'
}

func hasLetterOrDigit(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if isASCIIWordByte(c) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
		i += size
	}
	return false
}

// hasLetterOrDigitIn reports whether the text of nodes (as text makes it;
// with skipLinks, leaving out the text inside links) has a letter or a
// digit: what remains without the links tells a sentence containing links
// from a bare list of links. The text is not built: its normalisation
// neither adds nor removes letters and digits (it folds spaces, drops
// invisible and control characters and composes to NFC), nor are the
// spaces it puts between blocks either, so the raw text nodes say as much
// (FuzzHasLetterOrDigit).
func hasLetterOrDigitIn(skipLinks bool, nodes ...*html.Node) bool {
	for _, n := range nodes {
		switch n.Type {
		case html.TextNode:
			if hasLetterOrDigit(n.Data) {
				return true
			}
		case html.ElementNode:
			if n.DataAtom == atom.Br || skipLinks && isLink(n) {
				continue
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if hasLetterOrDigitIn(skipLinks, c) {
					return true
				}
			}
		}
	}
	return false
}

var inlineTags = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.Acronym: true, atom.B: true, atom.Bdi: true,
	atom.Bdo: true, atom.Big: true, atom.Br: true, atom.Cite: true, atom.Code: true,
	atom.Data: true, atom.Del: true, atom.Dfn: true, atom.Em: true, atom.Font: true,
	atom.I: true, atom.Img: true, atom.Ins: true, atom.Kbd: true, atom.Label: true,
	atom.Mark: true, atom.Nobr: true, atom.Q: true, atom.S: true, atom.Samp: true,
	atom.Small: true, atom.Span: true, atom.Strike: true, atom.Strong: true,
	atom.Sub: true, atom.Sup: true, atom.Time: true, atom.Tt: true, atom.U: true,
	atom.Var: true, atom.Wbr: true, atom.Button: true,
}

func isInline(n *html.Node) bool {
	return n.Type == html.TextNode || n.Type == html.ElementNode && inlineTags[n.DataAtom]
}

// hasBlock reports whether n has a block element among its descendants:
// then n is walked as a container even if it is itself inline.
func hasBlock(n *html.Node) bool {
	return hasBlockIn(n, func(*html.Node) bool { return true })
}

// hasBlockIn reports whether a descendant element of n is a block element
// for which ok returns true.
func hasBlockIn(n *html.Node, ok func(*html.Node) bool) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if !inlineTags[c.DataAtom] && ok(c) {
			return true
		}
		if hasBlockIn(c, ok) {
			return true
		}
	}
	return false
}

func isHeading(n *html.Node) bool {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// headingLevel is 2..6 for h2..h6; an h1 other than the title counts as h2.
func headingLevel(n *html.Node) int {
	switch n.DataAtom {
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 2
}
