package snapshots

// Walk calls fn for every section of secs, depth first in page order, with
// the path of headings from the top down to and including that section.
// The path slice is reused between calls: copy it to keep it.
func Walk(secs []Section, fn func(path []string, s *Section)) {
	var walk func(path []string, secs []Section)
	walk = func(path []string, secs []Section) {
		for i := range secs {
			p := append(path, secs[i].Heading)
			fn(p, &secs[i])
			walk(p, secs[i].Sections)
		}
	}
	walk(nil, secs)
}

// TextLen is the number of bytes of text in the snapshot's content: title,
// stamp, lead, captions, headings and blocks. The scraper compares it across
// versions to flag a page that suddenly shrank.
func (s *Snapshot) TextLen() int {
	n := len(s.Title) + len(s.UpdatedRaw) + len(s.Lead)
	for _, c := range s.Captions {
		n += len(c)
	}
	Walk(s.Sections, func(_ []string, sec *Section) {
		n += len(sec.Heading)
		for _, b := range sec.Blocks {
			n += len(b.Text)
		}
	})
	return n
}
