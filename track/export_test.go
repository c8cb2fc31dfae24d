package track

// SetGroupMax sets how many unchanged checks a group holds at most, for a
// test, and returns what puts it back.
func SetGroupMax(n int) (restore func()) {
	old := groupMax
	groupMax = n
	return func() { groupMax = old }
}
