package history

import "github.com/relwatch/relwatch"

// Reverts finds the versions that brought a page back to earlier content:
// for each such version (oldest first in versions), the newest earlier
// version with the same content hash. "The page came back to version N."
func Reverts(versions []relwatch.VersionInfo) map[int]int {
	out := map[int]int{}
	last := make(map[string]int, len(versions)) // content hash → newest version seen so far
	for _, v := range versions {
		if n, ok := last[v.ContentHash]; ok {
			out[v.Version] = n
		}
		last[v.ContentHash] = v.Version
	}
	return out
}
