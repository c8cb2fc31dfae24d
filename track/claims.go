package track

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/relwatch/relwatch"
)

// RunClaimed is Run for a store that several runs write at once (a
// relwatch.Claimer): it claims the pages' hosts, in a random order so that
// runs started together spread over the hosts, and checks only the pages of
// the hosts it holds, which no other run then fetches; a page whose host
// another run holds, or that another run checked since this one started,
// is skipped, saying so. Pages keep their order in the results. The claims
// are released when it returns.
func RunClaimed(ctx context.Context, arc Archive, claims relwatch.Claimer, pages []Page, opts RunOptions) ([]Result, error) {
	mark, err := claims.RoundMark(ctx)
	if err != nil {
		return nil, err
	}
	byHost := map[string][]int{}
	var hosts []string
	for i, p := range pages {
		h := hostOf(p.URL)
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], i)
	}
	rand.Shuffle(len(hosts), func(i, j int) { hosts[i], hosts[j] = hosts[j], hosts[i] })

	results := make([]Result, len(pages))
	var mine []int
	var releases []func() error
	defer func() {
		for _, release := range releases {
			release()
		}
	}()
	for _, h := range hosts {
		release, err := claims.ClaimHost(ctx, h)
		if errors.Is(err, relwatch.ErrClaimed) {
			for _, i := range byHost[h] {
				results[i] = skipped(pages[i], err.Error())
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		releases = append(releases, release)
		for _, i := range byHost[h] {
			done, err := claims.CheckedSince(ctx, pages[i].Key, mark)
			if err != nil {
				return nil, err
			}
			if done {
				results[i] = skipped(pages[i], "checked by another run since this one started")
				continue
			}
			mine = append(mine, i)
		}
	}
	// Run in the pages' own order.
	slices.Sort(mine)
	todo := make([]Page, len(mine))
	for j, i := range mine {
		todo[j] = pages[i]
	}
	got, err := Run(ctx, arc, todo, opts)
	if err != nil {
		return nil, err
	}
	for j, i := range mine {
		results[i] = got[j]
	}
	return results, nil
}

// skipped is the result of a page this run leaves to another.
func skipped(p Page, why string) Result {
	return Result{Page: p.Key.String(), URL: p.ShownURL(), Status: relwatch.StatusSkipped, ErrorKind: relwatch.KindClaimed, Error: why}
}

// hostOf is the host:port a page is fetched from, as the scraper groups
// requests (scheme default port when none is given).
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}
