package output

import (
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/relwatch/relwatch/archivecopy"
	"github.com/relwatch/relwatch/snapshots"
)

// SafeWriter neutralises what page text could do to a terminal: control
// characters (C0 but tab and newline, DEL, C1) and the bidirectional
// overrides and isolates that make text read in another order than it is
// stored. Each is written as a visible escape (\x1b, \u202e) instead, so
// that a hostile page can neither move the cursor nor fake a table row.
// In JSON output the same escapes are valid inside strings, and the
// encoder has escaped C0 already: the JSON still decodes to the page's
// own text.
type SafeWriter struct {
	w       io.Writer
	partial []byte // the start of a rune split across writes
}

// NewSafeWriter writes to w what is safe to show of what it is given.
func NewSafeWriter(w io.Writer) *SafeWriter { return &SafeWriter{w: w} }

// Unwrap is the writer the SafeWriter writes to (to ask whether it is a
// terminal).
func (s *SafeWriter) Unwrap() io.Writer { return s.w }

// unsafeRune reports whether r must not reach a terminal as it is.
func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func (s *SafeWriter) Write(p []byte) (int, error) {
	n := len(p)
	buf := p
	if len(s.partial) > 0 {
		buf = append(s.partial, p...)
		s.partial = nil
	}
	i := safePrefix(buf)
	if i == len(buf) {
		// Nearly always: nothing to escape, nothing split. Written as it
		// is, without a copy (log writes megabytes through here).
		if _, err := s.w.Write(buf); err != nil {
			return 0, err
		}
		return n, nil
	}
	out := make([]byte, 0, len(buf)+16)
	out = append(out, buf[:i]...)
	for i < len(buf) {
		if !utf8.FullRune(buf[i:]) {
			s.partial = append([]byte(nil), buf[i:]...)
			break
		}
		r, size := utf8.DecodeRune(buf[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out = append(out, buf[i]) // not UTF-8: passed on as it is
		case unsafeRune(r) && r < 0x80:
			out = fmt.Appendf(out, `\x%02x`, r)
		case unsafeRune(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, buf[i:i+size]...)
		}
		i += size
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return n, nil
}

// safePrefix is how many bytes at the start of buf go out as they are:
// up to the first rune to escape, or a rune cut off at the end.
func safePrefix(buf []byte) int {
	for i := 0; i < len(buf); {
		// Thirty-two, then eight bytes at once while they are plain ASCII
		// text: nearly all of what relwatch prints (log writes megabytes
		// through here).
		if i+32 <= len(buf) && plainASCII32(buf[i:i+32]) {
			i += 32
			continue
		}
		if i+8 <= len(buf) && plainASCII(binary.LittleEndian.Uint64(buf[i:])) {
			i += 8
			continue
		}
		c := buf[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				return i
			}
			i++
			continue
		}
		if !utf8.FullRune(buf[i:]) {
			return i
		}
		r, size := utf8.DecodeRune(buf[i:])
		if unsafeRune(r) && !(r == utf8.RuneError && size == 1) {
			return i
		}
		i += size
	}
	return len(buf)
}

// plainASCII reports whether each of w's eight bytes is printable ASCII
// (0x20 to 0x7e), a tab or a newline.
func plainASCII(w uint64) bool { return notPlain(w)&0x8080808080808080 == 0 }

// plainASCII32 reports whether each of b's 32 bytes is printable ASCII, a
// tab or a newline: four words tested at once.
func plainASCII32(b []byte) bool {
	_ = b[31]
	le := binary.LittleEndian
	return (notPlain(le.Uint64(b))|notPlain(le.Uint64(b[8:]))|notPlain(le.Uint64(b[16:]))|notPlain(le.Uint64(b[24:])))&0x8080808080808080 == 0
}

// notPlain sets the top bit of some byte of w when one is not printable
// ASCII, a tab or a newline, and of none when all are. Adding to a byte
// below 0x80 sets its top bit exactly when the byte is at least 0x80
// less what was added, and carries nothing into the next byte; a byte
// with its top bit set shows through w itself (what it carries then does
// not matter: the answer is "not plain" already).
func notPlain(w uint64) uint64 {
	const ones = 0x0101010101010101
	control := ^(w + (0x80-0x20)*ones)                                 // below 0x20
	tabOrNewline := (w + (0x80-'\t')*ones) &^ (w + (0x80-'\n'-1)*ones) // 0x09 or 0x0a
	deleteOrHigh := w + (0x80-0x7f)*ones | w                           // 0x7f and above
	return control&^tabOrNewline | deleteOrHigh
}

// CopyProgress shows archive copy's progress on a terminal: one line,
// rewritten after each page, ended once the last page is copied.
func CopyProgress(w io.Writer) archivecopy.Progress {
	return func(done, total int, page snapshots.PageKey) {
		fmt.Fprintf(w, "\rcopied %d/%d pages (%s)\x1b[K", done, total, page)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
