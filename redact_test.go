package relwatch

import (
	"net/url"
	"testing"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://www.nato.int/cps/en/natohq/topics_49598.htm":    "https://www.nato.int/cps/en/natohq/topics_49598.htm",
		"http://user:s3cret@host/x":                              "http://user:xxxxx@host/x",
		"http://TOKEN@host/x":                                    "http://xxxxx@host/x",
		"http://p%40ss@host/x":                                   "http://xxxxx@host/x",
		"http://:pw@host/x":                                      "http://:xxxxx@host/x",
		"http://host/x?selectedLocale=fr&token=abc":              "http://host/x?selectedLocale=fr&token=xxxxx",
		"http://host/x?b=2&API_KEY=k1&a=1&Sig=s&signature=z":     "http://host/x?b=2&API_KEY=xxxxx&a=1&Sig=xxxxx&signature=xxxxx",
		"http://host/x?key=1&apikey=2&access_token=3&password=4": "http://host/x?key=xxxxx&apikey=xxxxx&access_token=xxxxx&password=xxxxx",
		"http://host/x?tokens=keep&monkey=keep&token":            "http://host/x?tokens=keep&monkey=keep&token",
		"http://host/x?q=a%20b&acc%65ss_token=t":                 "http://host/x?q=a%20b&acc%65ss_token=xxxxx",
		"http://host/cb#access_token=abc&state=1":                "http://host/cb#access_token=xxxxx&state=1",
		"http://host/x#section-2":                                "http://host/x#section-2",
		"http://u:pw@host/x?token=t":                             "http://u:xxxxx@host/x?token=xxxxx",
		"http://host/x?a=1&&b=2":                                 "http://host/x?a=1&&b=2",
		"http://[::1]:8080/x?sig=1":                              "http://[::1]:8080/x?sig=xxxxx",
		"%zz":                                                    "<unparsable URL>",
		"http://user:s3cret/pw@127.0.0.1:1/x":                    "<unparsable URL>",
	}
	for in, want := range cases {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactorExtraParams(t *testing.T) {
	t.Parallel()
	r := Redactor{Extra: []string{"Session", " auth "}}
	in := "http://host/x?session=abc&AUTH=def&token=ghi&lang=fr"
	if got, want := r.URL(in), "http://host/x?session=xxxxx&AUTH=xxxxx&token=xxxxx&lang=fr"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	if got := RedactURL(in); got != "http://host/x?session=abc&AUTH=def&token=xxxxx&lang=fr" {
		t.Errorf("default redactor uses the extra names: %q", got)
	}
}

func TestRedactorParsedNil(t *testing.T) {
	t.Parallel()
	if got := (Redactor{}).Parsed(nil); got != "" {
		t.Errorf("Parsed(nil) = %q", got)
	}
}

func TestScrub(t *testing.T) {
	t.Parallel()
	cases := []struct{ url, msg, want string }{
		{"http://user:p%40ss%2Fword@example.org/",
			`Get "http://user:p%40ss%2Fword@example.org/": also p@ss/word`,
			`Get "http://user:xxxxx@example.org/": also xxxxx`},
		{"http://TOKEN123@example.org/x",
			`Get "http://TOKEN123@example.org/x": dial tcp: connection refused (TOKEN123)`,
			`Get "http://xxxxx@example.org/x": dial tcp: connection refused (xxxxx)`},
		{"http://example.org/x?key=en&token=a%2Fb",
			`Get "http://example.org/x?key=en&token=a%2Fb": token=a/b; the endpoint sent`,
			`Get "http://example.org/x?key=xxxxx&token=xxxxx": token=xxxxx; the endpoint sent`},
		{"http://example.org/x", "nothing to hide", "nothing to hide"},
	}
	for _, c := range cases {
		u, err := url.Parse(c.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := (Redactor{}).Scrub(c.msg, u); got != c.want {
			t.Errorf("Scrub(%q)\n got %q\nwant %q", c.msg, got, c.want)
		}
	}
	if got := (Redactor{}).Scrub("x", nil); got != "x" {
		t.Errorf("Scrub with a nil URL = %q", got)
	}
}

func TestWithoutUserinfo(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("http://u:p@host/x?token=t")
	if got := WithoutUserinfo(u).String(); got != "http://host/x?token=t" {
		t.Errorf("WithoutUserinfo = %q", got)
	}
	if u.User == nil {
		t.Error("WithoutUserinfo changed its argument")
	}
}
