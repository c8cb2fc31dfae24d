package track

// SetGroupMax sets how many checks a group holds at most, for a
// test, and returns what puts it back.
func SetGroupMax(n int) (restore func()) {
	old := groupMax
	groupMax = n
	return func() { groupMax = old }
}

// SetGroupBytes sets groupBytes for a test and returns what puts it back.
func SetGroupBytes(n int) func() {
	old := groupBytes
	groupBytes = n
	return func() { groupBytes = old }
}
