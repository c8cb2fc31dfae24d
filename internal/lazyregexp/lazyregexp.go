// Package lazyregexp compiles a package's regular expressions at their
// first use instead of at start-up. A package-level regexp.MustCompile runs
// in every relwatch process, whatever the command: the scraper's stamp
// patterns, the export's file names and the config's references cost a
// `relwatch log` a third of a millisecond and a hundred page faults before
// main began, for patterns it never uses.
package lazyregexp

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called
// (panicking, as regexp.MustCompile does, when expr is not valid) and
// returns the same *regexp.Regexp every time, safe for concurrent use.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
