package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// GenerateRarePhrase appears in exactly one version of one page of a
// generated archive (the middle page, halfway through its history), so that
// a search for it has one hit to find in a haystack.
const GenerateRarePhrase = "Baikonur tramway timetable"

// GenerateOptions shape a synthetic archive.
type GenerateOptions struct {
	Pages    int    // page series, "topic-000/en" and on
	Versions int    // versions per page
	Seed     uint64 // the same seed gives the same archive, byte for byte in its content
	// Start is the time of the first check (default 2016-01-04 06:00 UTC);
	// Interval the time between two checks of a page (default 6h).
	Start    time.Time
	Interval time.Duration
	// MaxChecks is the most unchanged checks between two versions; each
	// gap draws 1..MaxChecks (default 2). Checks are what `log` counts and
	// what RecordUnchanged costs.
	MaxChecks int
	// Compare, when set, diffs each version against the one before and its
	// result is stored as the change, as a live scrape would. Without it the
	// change row carries the generator's own summary and a null diff.
	Compare relwatch.CompareFunc
}

// GenerateStats says what Generate wrote.
type GenerateStats struct {
	Pages, Versions, Captures int
}

// Generate writes a synthetic archive at path, which must not exist yet:
// opts.Pages pages with opts.Versions versions each. Every page starts
// from a realistic relations page (title, stamp, lead, caption, a dozen
// bullets and paragraphs under h2/h3 headings, about 4 KB of text) and
// each version rewords, adds or removes a bullet, or only moves the stamp;
// the stamp moves with every version. Between versions come 1..MaxChecks
// unchanged checks. Checks of all pages are interleaved in time, as a
// scheduled scrape would leave them. Each version stores a small HTML body
// rendering its snapshot; unchanged checks reuse it.
//
// The result passes Check: content hashes, the search index and the
// references are exactly what RecordVersion and RecordUnchanged would have
// written. Only the way it is written differs: many captures per
// transaction, prepared statements, and synchronous=OFF on the generating
// connection. A crash halfway leaves a torn file, which is fine for a
// benchmark fixture and never acceptable for a real archive; the final
// Close checkpoints the WAL into the main file.
func Generate(ctx context.Context, path string, opts GenerateOptions) (GenerateStats, error) {
	if opts.Pages <= 0 || opts.Versions <= 0 {
		return GenerateStats{}, fmt.Errorf("generate archive: need at least one page and one version (got %d pages, %d versions)", opts.Pages, opts.Versions)
	}
	if opts.Start.IsZero() {
		opts.Start = time.Date(2016, 1, 4, 6, 0, 0, 0, time.UTC)
	}
	if opts.Interval <= 0 {
		opts.Interval = 6 * time.Hour
	}
	if opts.MaxChecks <= 0 {
		opts.MaxChecks = 2
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return GenerateStats{}, fmt.Errorf("generate archive: %s already exists (or cannot be checked: %v); the generator only writes new files", path, err)
	}
	a, err := Open(ctx, path, ReadWrite)
	if err != nil {
		return GenerateStats{}, err
	}
	stats, err := a.generate(ctx, opts)
	return stats, errors.Join(err, a.Close())
}

func (a *Archive) generate(ctx context.Context, opts GenerateOptions) (GenerateStats, error) {
	conn, err := a.db.Conn(ctx)
	if err != nil {
		return GenerateStats{}, a.wrap("generate archive", err)
	}
	defer conn.Close()
	// Durability is relaxed for this connection only, and restored before
	// it goes back to the pool. Foreign keys hold by construction (and
	// Check verifies them); not looking them up for every search-index row
	// saves a third of the writing time.
	for _, p := range []string{"PRAGMA synchronous = OFF", "PRAGMA foreign_keys = OFF", "PRAGMA cache_size = -131072"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return GenerateStats{}, a.wrap("generate archive", err)
		}
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON")

	w := &genWriter{conn: conn, nextCapture: 1, nextBlock: 1}
	pages := make([]*genPage, opts.Pages)
	for i := range pages {
		pages[i] = newGenPage(i, opts)
		if err := conn.QueryRowContext(ctx, `INSERT INTO pages (id, lang, url, canonical_url) VALUES (?, ?, ?, ?) RETURNING page_pk`,
			pages[i].key.ID, pages[i].key.Lang, pages[i].url, pages[i].url).Scan(&pages[i].pk); err != nil {
			return GenerateStats{}, a.wrap("generate archive: add page", err)
		}
		// Every check of a page gets the same response but for its Date
		// (captures.http_date), as from a real server.
		if err := conn.QueryRowContext(ctx, `INSERT INTO responses (status, final_url, canonical_url, content_type, headers)
			VALUES (200, ?, '', ?, ?) RETURNING response_id`, pages[i].url, genContentType,
			`{"Content-Type":"`+genContentType+`"}`).Scan(&pages[i].response); err != nil {
			return GenerateStats{}, a.wrap("generate archive: add response", err)
		}
	}

	// Ticks are produced (snapshots edited, sealed, encoded, diffed,
	// bodies compressed: the CPU work) by parallel workers one tick ahead
	// of the writer, which only inserts.
	ticks := make(chan []genEvent, 4)
	genCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(ticks)
		for tick := 0; ; tick++ {
			evs := produceTick(pages, tick, opts)
			if len(evs) == 0 {
				return
			}
			select {
			case ticks <- evs:
			case <-genCtx.Done():
				return
			}
		}
	}()

	const batch = 20_000 // captures per transaction
	var stats GenerateStats
	stats.Pages = opts.Pages
	for {
		n, versions, done, err := w.writeBatch(ctx, ticks, batch)
		stats.Captures += n
		stats.Versions += versions
		if err != nil {
			return stats, a.wrap("generate archive", err)
		}
		if done {
			return stats, nil
		}
	}
}

// genEvent is one capture of one page, ready to insert.
type genEvent struct {
	page    *genPage
	at      time.Time
	version int
	changed bool // a new version (else an unchanged check)

	// For a new version only.
	snapGz   []byte // gzip-compressed snapshot JSON, as stored
	snap     *snapshots.Snapshot
	body     *body
	change   relwatch.ChangeRecord
	window   string // last_seen of the previous version
	stampWas string
	blocks   []textBlock
}

// produceTick makes every page's capture at one tick, in page order,
// spreading the pages over the CPUs.
func produceTick(pages []*genPage, tick int, opts GenerateOptions) []genEvent {
	evs := make([]genEvent, len(pages))
	active := make([]bool, len(pages))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(pages); i += workers {
				evs[i], active[i] = pages[i].next(tick, opts)
			}
		})
	}
	wg.Wait()
	out := evs[:0]
	for i, e := range evs {
		if active[i] {
			out = append(out, e)
		}
	}
	return out
}

// genPage is one page's history in the making.
type genPage struct {
	index    int
	key      snapshots.PageKey
	url      string
	pk       int64
	response int64 // in responses
	rng      *rand.Rand
	snap     snapshots.Snapshot
	version  int // latest version so far
	wait     int // unchanged checks still due before the next version
	seen     string
	body     *body
	bodyID   int64
	blocks   map[[16]byte]int64 // the page's search blocks ever written, by hash of path and text
}

func newGenPage(i int, opts GenerateOptions) *genPage {
	p := &genPage{
		index:  i,
		key:    snapshots.PageKey{ID: fmt.Sprintf("topic-%03d", i), Lang: "en"},
		url:    fmt.Sprintf("https://www.example.org/cps/en/topics_%d.htm", 50000+i),
		rng:    rand.New(rand.NewPCG(opts.Seed, uint64(i))),
		blocks: map[[16]byte]int64{},
	}
	p.snap = basePage(p.rng, i)
	p.snap.Page, p.snap.Lang, p.snap.URL, p.snap.FinalURL, p.snap.CanonicalURL = p.key.String(), p.key.Lang, p.url, p.url, p.url
	return p
}

// next is the page's capture at a tick; false once its history is done.
// Pages check in at the same ticks, a few seconds apart.
func (p *genPage) next(tick int, opts GenerateOptions) (genEvent, bool) {
	if p.version == opts.Versions && p.wait == 0 {
		return genEvent{}, false
	}
	at := opts.Start.Add(time.Duration(tick)*opts.Interval + time.Duration(p.index)*2*time.Second)
	e := genEvent{page: p, at: at}
	if p.version > 0 && p.wait > 0 {
		p.wait--
		e.version = p.version
		p.seen = fmtTime(at)
		return e, true
	}
	prev := p.snap
	kind := p.edit(at, opts)
	p.snap.Seal()
	snap := p.snap
	e.changed, e.version, e.snap = true, p.version+1, &snap
	stored := snap
	stored.ParserVersion = 1
	e.snapGz = gzipPooled(snapshots.Marshal(stored))
	e.body = genBody(&snap)
	e.blocks = blocksOf(&snap)
	if p.version > 0 {
		e.window, e.stampWas = p.seen, string(prev.UpdatedRaw)
		if opts.Compare != nil {
			e.change = opts.Compare(prev, snap)
		} else {
			e.change = relwatch.ChangeRecord{Summary: map[string]int{"stamp_changed": 1}, StampOnly: kind == ""}
			if kind != "" {
				e.change.Summary[kind] = 1
			}
		}
	}
	p.version++
	p.wait = 1 + p.rng.IntN(opts.MaxChecks)
	p.seen = fmtTime(at)
	return e, true
}

// edit turns the page into its next version, edited shortly before at, and
// says which kind of block change it made ("" when only the stamp moved).
func (p *genPage) edit(at time.Time, opts GenerateOptions) string {
	edited := at.Add(-time.Duration(1+p.rng.IntN(300)) * time.Minute)
	p.snap.UpdatedRaw = snapshots.NullString(edited.Format("02 Jan. 2006 15:04"))
	p.snap.UpdatedOn = snapshots.NullString(edited.Format(time.DateOnly))
	p.snap.UpdatedAt = snapshots.NullString(edited.Format(time.RFC3339))
	if p.version == 0 {
		return ""
	}
	p.snap.Sections = cloneSections(p.snap.Sections)
	lists := bulletLists(p.snap.Sections)
	mid := opts.Versions / 2
	switch {
	case p.index == opts.Pages/2 && p.version == mid:
		// The rare phrase, added for exactly one version.
		l := lists[0]
		*l = append(*l, snapshots.Block{Kind: snapshots.Bullet, Text: "Transport: the " + GenerateRarePhrase + " was agreed with the partner."})
		return "block_added"
	case p.index == opts.Pages/2 && p.version == mid+1:
		l := lists[0]
		*l = (*l)[:len(*l)-1]
		return "block_removed"
	}
	total := 0
	for _, l := range lists {
		total += len(*l)
	}
	switch r := p.rng.IntN(100); {
	case r < 10:
		return ""
	case r < 25 && total < 20:
		l := lists[p.rng.IntN(len(lists))]
		i := p.rng.IntN(len(*l) + 1)
		*l = append((*l)[:i], append([]snapshots.Block{{Kind: snapshots.Bullet, Text: sentence(p.rng, 15+p.rng.IntN(30))}}, (*l)[i:]...)...)
		return "block_added"
	case r < 40 && total > 6:
		l := lists[p.rng.IntN(len(lists))]
		if len(*l) < 2 {
			return p.reword(lists)
		}
		i := p.rng.IntN(len(*l))
		*l = append((*l)[:i], (*l)[i+1:]...)
		return "block_removed"
	}
	return p.reword(lists)
}

// reword replaces one to three words of one bullet.
func (p *genPage) reword(lists []*[]snapshots.Block) string {
	l := lists[p.rng.IntN(len(lists))]
	b := &(*l)[p.rng.IntN(len(*l))]
	old := b.Text
	words := strings.Fields(strings.TrimSuffix(old, "."))
	for range 1 + p.rng.IntN(3) {
		i := 1 + p.rng.IntN(len(words)-1) // keep the leading word and its capital
		words[i] = genWords[p.rng.IntN(len(genWords))]
	}
	b.Text = strings.Join(words, " ") + "."
	if b.Text == old {
		b.Text = strings.TrimSuffix(old, ".") + " again."
	}
	return "block_changed"
}

// bulletLists are the editable lists of a page: the untitled first
// section's and each h3's.
func bulletLists(secs []snapshots.Section) []*[]snapshots.Block {
	var out []*[]snapshots.Block
	snapshots.Walk(secs, func(_ []string, s *snapshots.Section) {
		if len(s.Blocks) > 0 && s.Blocks[0].Kind == snapshots.Bullet {
			out = append(out, &s.Blocks)
		}
	})
	return out
}

func cloneSections(secs []snapshots.Section) []snapshots.Section {
	out := make([]snapshots.Section, len(secs))
	for i, s := range secs {
		out[i] = s
		out[i].Blocks = append([]snapshots.Block(nil), s.Blocks...)
		out[i].Sections = cloneSections(s.Sections)
	}
	return out
}

// basePage is a relations page shaped like NATO's: an untitled list of
// highlights, a political dialogue paragraph, and the areas of cooperation
// as two h3 lists.
func basePage(rng *rand.Rand, i int) snapshots.Snapshot {
	partner := genPartners[i%len(genPartners)]
	if i >= len(genPartners) {
		partner += fmt.Sprintf(" %d", i/len(genPartners)+1)
	}
	bullets := func(n int) []snapshots.Block {
		bs := make([]snapshots.Block, n)
		for j := range bs {
			bs[j] = snapshots.Block{Kind: snapshots.Bullet, Text: sentence(rng, 20+rng.IntN(40))}
		}
		return bs
	}
	para := func() []snapshots.Block {
		return []snapshots.Block{{Kind: snapshots.Paragraph, Text: sentence(rng, 25+rng.IntN(20))}}
	}
	return snapshots.Snapshot{
		Title:    "Relations with " + partner,
		Lead:     "NATO and " + partner + " cooperate on " + strings.ToLower(sentence(rng, 18)),
		Captions: []string{"Views of the capital of " + partner},
		Sections: []snapshots.Section{
			{Blocks: bullets(4)},
			{Heading: "Political dialogue", Level: 2, Blocks: para()},
			{Heading: "Key areas of cooperation", Level: 2, Blocks: para(), Sections: []snapshots.Section{
				{Heading: "Building capabilities and interoperability", Level: 3, Blocks: bullets(4)},
				{Heading: "Other areas of cooperation", Level: 3, Blocks: bullets(4)},
			}},
		},
	}
}

// sentence draws n words from the vocabulary, capitalised, with a stop.
func sentence(rng *rand.Rand, n int) string {
	var b strings.Builder
	for j := range n {
		w := genWords[rng.IntN(len(genWords))]
		if j == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

// genBody renders a snapshot as a small HTML page, the raw body of its
// captures: about the text's size, a tenth of a real page with its chrome.
func genBody(s *snapshots.Snapshot) *body {
	var h bytes.Buffer
	esc := html.EscapeString
	fmt.Fprintf(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body><main>\n<h1>%s</h1>\n", esc(s.Title), esc(s.Title))
	fmt.Fprintf(&h, "<p class=\"date\">Last updated: %s</p>\n<p class=\"lead\">%s</p>\n", esc(string(s.UpdatedRaw)), esc(s.Lead))
	for _, c := range s.Captions {
		fmt.Fprintf(&h, "<figure><figcaption>%s</figcaption></figure>\n", esc(c))
	}
	snapshots.Walk(s.Sections, func(_ []string, sec *snapshots.Section) {
		if sec.Heading != "" {
			fmt.Fprintf(&h, "<h%d>%s</h%d>\n", sec.Level, esc(sec.Heading), sec.Level)
		}
		for _, b := range sec.Blocks {
			tag := "p"
			if b.Kind == snapshots.Bullet {
				tag = "li"
			}
			fmt.Fprintf(&h, "<%s>%s</%s>\n", tag, esc(b.Text), tag)
		}
	})
	h.WriteString("</main></body></html>\n")
	raw := h.Bytes()
	sum := sha256.Sum256(raw)
	return &body{digest: "sha256:" + hex.EncodeToString(sum[:]), size: len(raw), gz: gzipPooled(raw)}
}

// gzipPooled compresses at BestSpeed, with a compressor from the pool. The
// generator favours its own speed over the default level RecordVersion
// uses; readers take either.
func gzipPooled(raw []byte) []byte {
	var gz bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&gz)
	zw.Write(raw)
	zw.Close()
	gzipWriters.Put(zw)
	return gz.Bytes()
}

const genContentType = "text/html; charset=utf-8"

// gzipWriters saves allocating a compressor (a megabyte) per body.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// genWriter inserts events through prepared statements on one connection.
type genWriter struct {
	conn        *sql.Conn
	nextCapture int64
	nextBlock   int64
}

var genStatements = [...]string{
	`INSERT INTO raw_bodies (digest, size, compression, data) VALUES (?, ?, 'gzip', ?) ON CONFLICT DO NOTHING`,
	`SELECT body_id FROM raw_bodies WHERE digest = ?`,
	`INSERT INTO captures (capture_id, page_pk, source, started, duration, response_id, http_date, body_id, outcome, version)
		VALUES (?, ?, 'live', ?, 0, ?, ?, ?, ?, ?)`,
	`INSERT INTO versions (page_pk, version, content_hash, snapshot, parser_version,
		capture_id, first_seen, last_seen, checks, updated_raw, updated_on, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, 1, ?, ?, ?)`,
	`INSERT INTO changes (page_pk, from_version, to_version, diff, summary, stamp_only, parser_change,
		observed, window_start, stamp_before, stamp_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	`UPDATE versions SET checks = checks + 1, last_seen = ? WHERE page_pk = ? AND version = ?`,
	`INSERT INTO text_blocks (block_id, page_pk, kind, path, text) VALUES (?, ?, ?, ?, ?)`,
	`INSERT INTO text_fts (rowid, text) VALUES (?, ?)`,
	`INSERT INTO block_versions (block_id, page_pk, version) VALUES (?, ?, ?)`,
}

const (
	stBody = iota
	stBodyID
	stCapture
	stVersion
	stChange
	stCheck
	stBlock
	stFTS
	stBlockVersion
)

// writeBatch writes at least max captures (whole ticks) in one
// transaction, or what is left. done is true when nothing is left.
func (w *genWriter) writeBatch(ctx context.Context, ticks <-chan []genEvent, max int) (captures, versions int, done bool, err error) {
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, false, err
	}
	defer tx.Rollback()
	var st [len(genStatements)]*sql.Stmt
	for i, q := range genStatements {
		if st[i], err = tx.PrepareContext(ctx, q); err != nil {
			return 0, 0, false, err
		}
		defer st[i].Close()
	}
	for captures < max {
		evs, ok := <-ticks
		if !ok {
			done = true
			break
		}
		for i := range evs {
			if err := w.write(ctx, &st, &evs[i]); err != nil {
				return 0, 0, false, fmt.Errorf("%s at %s: %w", evs[i].page.key, fmtTime(evs[i].at), err)
			}
			if evs[i].changed {
				versions++
			}
		}
		captures += len(evs)
	}
	return captures, versions, done, tx.Commit()
}

func (w *genWriter) write(ctx context.Context, st *[len(genStatements)]*sql.Stmt, e *genEvent) error {
	p := e.page
	at := fmtTime(e.at)
	started, date := e.at.UnixNano(), e.at.Unix() // Date: e.at in IMF-fixdate
	id := w.nextCapture
	w.nextCapture++
	if !e.changed {
		if _, err := st[stCapture].ExecContext(ctx, id, p.pk, started, p.response, date, p.bodyID, relwatch.OutcomeUnchanged, e.version); err != nil {
			return err
		}
		_, err := st[stCheck].ExecContext(ctx, at, p.pk, e.version)
		return err
	}
	p.body = e.body
	if _, err := st[stBody].ExecContext(ctx, e.body.digest, e.body.size, e.body.gz); err != nil {
		return err
	}
	if err := st[stBodyID].QueryRowContext(ctx, e.body.digest).Scan(&p.bodyID); err != nil {
		return err
	}
	outcome := relwatch.OutcomeNew
	if e.version > 1 {
		outcome = relwatch.OutcomeChanged
	}
	if _, err := st[stCapture].ExecContext(ctx, id, p.pk, started, p.response, date, p.bodyID, outcome, e.version); err != nil {
		return err
	}
	s := e.snap
	if _, err := st[stVersion].ExecContext(ctx, p.pk, e.version, s.ContentHash, e.snapGz, id, at, at,
		nullable(string(s.UpdatedRaw)), nullable(string(s.UpdatedOn)), nullable(string(s.UpdatedAt))); err != nil {
		return err
	}
	if e.version > 1 {
		summary, err := json.Marshal(e.change.Summary)
		if err != nil {
			return err
		}
		diff := e.change.DiffJSON
		if diff == nil {
			diff = []byte("null")
		}
		if _, err := st[stChange].ExecContext(ctx, p.pk, e.version-1, e.version, string(diff), string(summary),
			e.change.StampOnly, e.change.ParserChange, at, e.window, nullable(e.stampWas), nullable(string(s.UpdatedRaw))); err != nil {
			return err
		}
	}
	for _, b := range e.blocks {
		key := blockKey(b)
		bid, ok := p.blocks[key]
		if !ok {
			bid = w.nextBlock
			w.nextBlock++
			p.blocks[key] = bid
			if _, err := st[stBlock].ExecContext(ctx, bid, p.pk, b.kind, b.path, b.text); err != nil {
				return err
			}
			if _, err := st[stFTS].ExecContext(ctx, bid, b.text); err != nil {
				return err
			}
		}
		if _, err := st[stBlockVersion].ExecContext(ctx, bid, p.pk, e.version); err != nil {
			return err
		}
	}
	return nil
}

func blockKey(b textBlock) [16]byte {
	h := sha256.New()
	h.Write([]byte(b.kind))
	h.Write([]byte{0})
	h.Write([]byte(b.path))
	h.Write([]byte{0})
	h.Write([]byte(b.text))
	var k [16]byte
	copy(k[:], h.Sum(nil))
	return k
}

var genPartners = []string{
	"Kazakhstan", "Armenia", "Azerbaijan", "Georgia", "Kyrgyzstan", "Mongolia", "Tajikistan",
	"Turkmenistan", "Uzbekistan", "Moldova", "Ukraine", "Serbia", "Bosnia and Herzegovina",
	"Austria", "Ireland", "Malta", "Switzerland", "Japan", "Australia", "New Zealand",
	"the Republic of Korea", "Colombia", "Iraq", "Jordan", "Mauritania", "Morocco", "Tunisia",
}

// genWords is the vocabulary of generated text: the words of partnership
// pages, so that searches and diffs see realistic tokens.
var genWords = strings.Fields(`
the the the of of of and and and to to in in a a with with for for on by as its has have
is are was were that this which through since under within between also both including
NATO Allies Alliance partner partners partnership cooperation dialogue political practical
security defence defense reform reforms institutional democratic civil military armed forces
training education exercises interoperability capabilities capability planning review process
programme programmes activities activity participation participated contribute contributes
contributed support supports supported develop developed development enhance enhanced areas
area key regular visits meetings meeting high-level Secretary General Special Representative
Council Euro-Atlantic Individual Plan Action Tailored Partnership Peace Science Cyber crisis
management emergency disaster preparedness border energy terrorism counter-terrorism mines
explosive ordnance disposal destruction stockpiles weapons trust fund project projects centre
Training Education courses officers staff personnel peacekeeping operations mission missions
Afghanistan Kosovo Balkans Caucasus Central Asia region regional stability information public
diplomacy awareness benefits framework agreed signed year years two-year period annual
national authorities government ministry Ministry Defence Foreign Affairs parliament experts
assistance advice expertise standards procedures doctrine logistics medical engineering
communication communications networks research scientists universities environmental water
security-related challenges threats hybrid resilience gender women Women, Peace and Security
building integrity transparency accountability oversight budget procurement language English
`)
