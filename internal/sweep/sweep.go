// Package sweep runs one function over every account and region of a fleet
// concurrently, and returns one result per target, in a stable order, with
// each failure kept beside the successes: one account failing never hides
// the others.
package sweep

import (
	"context"
	"sort"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
)

// Target is one account in one region.
type Target struct {
	Account accounts.Account
	Region  string
}

// Result is what a target's function returned.
type Result[T any] struct {
	Target
	Value    T
	Err      error
	Duration time.Duration
}

// Options tune a sweep.
type Options struct {
	// Concurrency is how many targets run at once; zero means
	// DefaultConcurrency.
	Concurrency int
	// Progress is told of every finished target; nil means nothing.
	Progress func(failed bool)
	// PerTargetRate paces the calls one target makes (RDS throttles per
	// account and region); zero means DefaultRate.
	PerTargetRate rate.Limit
}

// DefaultConcurrency keeps enough requests in flight to hide API latency
// without tripping per-account limits or exhausting file descriptors.
const DefaultConcurrency = 64

// DefaultRate stays below RDS's sustained describe limit per account and
// region, leaving room for other tools using the same accounts.
const DefaultRate = rate.Limit(8)

// Func is the work for one target; lim paces its API calls.
type Func[T any] func(ctx context.Context, t Target, lim *rate.Limiter) (T, error)

// Targets is every account × region pair: an account's own regions if it
// has them, else the fleet's. They come region by region (every account's
// first region, then every account's second …) so an account's later
// regions start once its role is assumed, instead of holding a slot while
// its first region waits for the same AssumeRole.
func Targets(accts []accounts.Account, regions []string) []Target {
	var out []Target
	for i := 0; ; i++ {
		added := false
		for _, a := range accts {
			rs := regions
			if len(a.Regions) > 0 {
				rs = a.Regions
			}
			if i < len(rs) {
				out = append(out, Target{Account: a, Region: rs[i]})
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

// Run calls fn for every target with bounded concurrency. Cancelling ctx
// stops starting new targets; targets not run get ctx's error. Results come
// back in account-name, account, region order.
func Run[T any](ctx context.Context, targets []Target, opts Options, fn Func[T]) []Result[T] {
	n := opts.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	perTarget := opts.PerTargetRate
	if perTarget == 0 {
		perTarget = DefaultRate
	}
	results := make([]Result[T], len(targets))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, t := range targets {
		results[i].Target = t
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			results[i].Err = ctx.Err()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			lim := rate.NewLimiter(perTarget, int(perTarget)+1)
			v, err := fn(ctx, t, lim)
			results[i].Value, results[i].Err, results[i].Duration = v, err, time.Since(start)
			if opts.Progress != nil {
				opts.Progress(err != nil)
			}
		}()
	}
	wg.Wait()
	sort.SliceStable(results, func(i, j int) bool {
		a, b := results[i].Target, results[j].Target
		if a.Account.Name != b.Account.Name {
			return a.Account.Name < b.Account.Name
		}
		if a.Account.ID != b.Account.ID {
			return a.Account.ID < b.Account.ID
		}
		return a.Region < b.Region
	})
	return results
}
