package archive

import (
	"database/sql"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

// TestWriteFixtureV4 wrote testdata/schema4.db (WRITE_FIXTURE_V4=1) at
// commit 00292e6, the last to write schema 4; later code writes a newer
// schema, so it is kept only to say what the fixture holds: two pages,
// live captures with nanosecond times and varied headers (a Date in
// IMF-fixdate, one in RFC 1123 with "UTC", none), a 304 without a body, a
// failure with an error page, one without a response, a redirect with a
// suspect flag, and a Wayback capture placed first.
func TestWriteFixtureV4(t *testing.T) {
	if os.Getenv("WRITE_FIXTURE_V4") == "" {
		t.Skip()
	}
	path := tempPath(t)
	a := openRW(t, path)
	// Live captures with the headers a server sends (IMF-fixdate Date),
	// nanosecond times, a redirect, a failure with an error page, a 304.
	c := capture(kzEN, 0, "<html>en 1</html>")
	c.Started = at(0).Add(123456789 * time.Nanosecond)
	c.Finished = c.Started.Add(321987654 * time.Nanosecond)
	c.Header["Date"] = c.Started.Format(http.TimeFormat)
	c.Header["Server"] = "Apache"
	c.CanonicalURL = c.FinalURL
	mustVersion(t, a, c, snap(kzEN, "12 Dec. 2017", "Partnership for Peace."), nil)
	for n := 1; n <= 3; n++ {
		c := capture(kzEN, n, "<html>en 1</html>")
		c.Started = at(n).Add(time.Duration(n) * time.Millisecond)
		c.Finished = c.Started.Add(250 * time.Millisecond)
		c.Header = map[string]string{"ETag": `"e0"`, "Server": "Apache", "Date": c.Started.Format(http.TimeFormat)}
		if n == 2 {
			c.Header["Date"] = c.Started.Format(time.RFC1123) // not IMF-fixdate: "UTC"
			c.Body = nil                                      // a 304
			c.Status = 304
		}
		mustUnchanged(t, a, c, 1)
	}
	f := capture(kzEN, 4, "<html>503 maintenance</html>")
	f.Status, f.ErrorKind, f.ErrorMessage = 503, "http", "HTTP 503"
	f.Header = map[string]string{"Retry-After": "120", "Date": f.Started.Format(http.TimeFormat)}
	if err := a.RecordFailure(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	f = capture(kzEN, 5, "")
	f.Status, f.FinalURL, f.Header, f.ContentType, f.ErrorKind, f.ErrorMessage = 0, "", nil, "", "network", "connection refused"
	if err := a.RecordFailure(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	c = capture(kzEN, 6, "<html>en 2</html>")
	c.FinalURL = "https://www.nato.int/cps/en/natohq/topics_49598.htm?selectedLocale=en"
	c.CanonicalURL = "https://www.nato.int/cps/en/natohq/topics_49598.htm"
	c.Suspect = "shrank by 90%"
	mustVersion(t, a, c, snap(kzEN, "13 Feb. 2018", "Partnership for Peace.", "Security."),
		&relwatch.ChangeRecord{DiffJSON: []byte(`[]`), Summary: map[string]int{"added": 1}})
	recordPast(t, a, -5, "<html>wayback</html>", snap(kzEN, "1 Jan. 2016", "Old."))
	mustVersion(t, a, capture(kzFR, 0, "<html>fr 1</html>"), snap(kzFR, "12 déc. 2017", "Le partenariat pour la paix."), nil)
	mustUnchanged(t, a, capture(kzFR, 1, "<html>fr 1 again</html>"), 1)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PRAGMA journal_mode = DELETE", "VACUUM"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	data, _ := os.ReadFile(path)
	if err := os.WriteFile("testdata/schema4.db", data, 0o644); err != nil {
		t.Fatal(err)
	}
}
