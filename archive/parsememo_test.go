package archive

import "testing"

func TestParseMemo(t *testing.T) {
	ctx := t.Context()
	a := TestArchive(t)
	memo := func(key string) (int, bool) {
		t.Helper()
		v, ok, err := a.ParseMemo(ctx, kzEN, key)
		if err != nil {
			t.Fatalf("ParseMemo(%q): %v", key, err)
		}
		return v, ok
	}
	if _, ok := memo("k1"); ok {
		t.Error("a page with no version has a memo")
	}
	withKey := func(c Capture, key string) Capture { c.ParseKey = key; return c }

	mustVersion(t, a, withKey(capture(kzEN, 0, "b1"), "k1"), snap(kzEN, "", "1"), nil)
	if v, ok := memo("k1"); !ok || v != 1 {
		t.Errorf("after v1 with k1: memo(k1) = %d, %v; want 1, true", v, ok)
	}
	if _, ok := memo("k2"); ok {
		t.Error("another key matches")
	}
	if _, ok := memo(""); ok {
		t.Error("the empty key matches")
	}

	// An unchanged check with another body (say, a new token in the
	// chrome) moves the memo to that body's key.
	mustUnchanged(t, a, withKey(capture(kzEN, 1, "b1'"), "k1b"), 1)
	if _, ok := memo("k1"); ok {
		t.Error("the memo kept the older key")
	}
	if v, ok := memo("k1b"); !ok || v != 1 {
		t.Errorf("memo(k1b) = %d, %v", v, ok)
	}

	// A version recorded without a key (an import, a backfill) leaves the
	// memo pointing at content that is no longer the latest: no match.
	mustVersion(t, a, capture(kzEN, 2, "b2"), snap(kzEN, "", "2"), nil)
	if _, ok := memo("k1b"); ok {
		t.Error("the memo matches although the latest version has other content")
	}

	// The page reverts to v1's content as v3: the memo names the content,
	// not the number, so a key remembered for it matches v3.
	mustVersion(t, a, withKey(capture(kzEN, 3, "b1"), "k1"), snap(kzEN, "", "1"), nil)
	if v, ok := memo("k1"); !ok || v != 3 {
		t.Errorf("after the revert: memo(k1) = %d, %v; want 3, true", v, ok)
	}
	mustCheckClean(t, a)
}
