package sweep

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
)

func fleet() []accounts.Account {
	return []accounts.Account{
		{ID: "111111111111", Name: "b"},
		{ID: "222222222222", Name: "a", Regions: []string{"eu-west-1"}},
		{ID: "333333333333", Name: "c"},
	}
}

func names(ts []Target) string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Account.Name+"/"+t.Region)
	}
	return strings.Join(out, " ")
}

func TestTargetsGoRegionByRegion(t *testing.T) {
	got := names(Targets(fleet(), []string{"us-east-1", "us-west-2"}))
	want := "b/us-east-1 a/eu-west-1 c/us-east-1 b/us-west-2 c/us-west-2"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRunKeepsEveryResultInStableOrder(t *testing.T) {
	targets := Targets(fleet(), []string{"us-east-1", "us-west-2"})
	var inFlight, peak atomic.Int32
	results := Run(context.Background(), targets, Options{Concurrency: 2}, func(ctx context.Context, tg Target, lim *rate.Limiter) (string, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		if tg.Account.Name == "c" && tg.Region == "us-west-2" {
			return "", errors.New("boom")
		}
		return tg.Account.ID, nil
	})
	var got []string
	for _, r := range results {
		got = append(got, fmt.Sprintf("%s/%s=%v", r.Account.Name, r.Region, r.Err))
	}
	want := "a/eu-west-1=<nil> b/us-east-1=<nil> b/us-west-2=<nil> c/us-east-1=<nil> c/us-west-2=boom"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	if peak.Load() > 2 {
		t.Errorf("%d targets ran at once, want at most 2", peak.Load())
	}
}

func TestRunCancelledKeepsWhatFinished(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	targets := Targets(fleet(), []string{"us-east-1", "us-west-2"})
	results := Run(ctx, targets, Options{Concurrency: 1}, func(ctx context.Context, tg Target, lim *rate.Limiter) (int, error) {
		if tg.Account.Name == "b" && tg.Region == "us-east-1" {
			return 1, nil
		}
		cancel() // Ctrl-C while the second target runs
		return 0, ctx.Err()
	})
	done, cancelled := 0, 0
	for _, r := range results {
		switch {
		case r.Err == nil:
			done++
		case errors.Is(r.Err, context.Canceled):
			cancelled++
		}
	}
	if done != 1 || cancelled != len(targets)-1 {
		t.Errorf("done %d, cancelled %d of %d", done, cancelled, len(targets))
	}
}
