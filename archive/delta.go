package archive

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// A raw body may be stored as a delta against an earlier body of the same
// page, its base (raw_bodies.compression 'delta', base_id): consecutive
// versions of a page are nearly the same bytes, and gzip alone cannot see
// that. The base is always a whole body (compression 'gzip'), so reading
// a body never takes more than two rows.
//
// The delta is a sequence of operations, gzip-compressed:
//
//	uvarint(n<<1)              then n literal bytes
//	uvarint(n<<1 | 1) uvarint(off) copy n bytes of the base from off
//
// encodeDelta matches whole lines (HTML is written in lines): a line that
// continues the current copy extends it, a line found elsewhere in the
// base starts a new copy, anything else is literal. A body without line
// breaks gives a delta no smaller than the body, and is stored whole.

// minJump is the shortest line worth a copy from elsewhere in the base;
// shorter lines ("</div>") are common everywhere and cheaper as literals.
const minJump = 16

func encodeDelta(base, body []byte) []byte {
	index := map[string]int{}
	for off := 0; off < len(base); {
		line := nextLine(base[off:])
		if len(line) >= minJump {
			if _, ok := index[string(line)]; !ok {
				index[string(line)] = off
			}
		}
		off += len(line)
	}
	var out, literal []byte
	copyOff, copyLen := 0, 0
	flushCopy := func() {
		if copyLen > 0 {
			out = binary.AppendUvarint(out, uint64(copyLen)<<1|1)
			out = binary.AppendUvarint(out, uint64(copyOff))
			copyLen = 0
		}
	}
	flushLiteral := func() {
		if len(literal) > 0 {
			out = binary.AppendUvarint(out, uint64(len(literal))<<1)
			out = append(out, literal...)
			literal = literal[:0]
		}
	}
	for off := 0; off < len(body); {
		line := nextLine(body[off:])
		off += len(line)
		next := copyOff + copyLen
		if copyLen > 0 && bytes.HasPrefix(base[next:], line) {
			copyLen += len(line)
			continue
		}
		if at, ok := index[string(line)]; ok {
			flushLiteral()
			flushCopy()
			copyOff, copyLen = at, len(line)
			continue
		}
		flushCopy()
		literal = append(literal, line...)
	}
	flushCopy()
	flushLiteral()
	return out
}

// nextLine is b up to and including its first newline, or all of b.
func nextLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

var errBadDelta = errors.New("bad delta")

// applyDelta rebuilds a body of size bytes from its base and delta.
func applyDelta(base, delta []byte, size int) ([]byte, error) {
	out := make([]byte, 0, size)
	for len(delta) > 0 {
		op, n := binary.Uvarint(delta)
		if n <= 0 {
			return nil, errBadDelta
		}
		delta = delta[n:]
		length := op >> 1
		if length > uint64(size-len(out)) {
			return nil, fmt.Errorf("%w: longer than the body", errBadDelta)
		}
		if op&1 == 0 {
			if length > uint64(len(delta)) {
				return nil, fmt.Errorf("%w: literal past the end", errBadDelta)
			}
			out = append(out, delta[:length]...)
			delta = delta[length:]
			continue
		}
		off, n := binary.Uvarint(delta)
		if n <= 0 || off > uint64(len(base)) || length > uint64(len(base))-off {
			return nil, fmt.Errorf("%w: copy outside the base", errBadDelta)
		}
		delta = delta[n:]
		out = append(out, base[off:off+length]...)
	}
	return out, nil
}
