package awssim

import (
	"encoding/json"
	"net/http"
	"sort"
	"sync"
)

// Stats counts the calls the simulator served, by account, region and
// action, so tests and benchmarks can check what a client did.
type Stats struct {
	mu    sync.Mutex
	calls map[statKey]*statCount
}

type statKey struct{ account, region, service, action string }

type statCount struct{ calls, errors, throttled int64 }

// StatRow is one line of the stats: calls of one action by one account in
// one region.
type StatRow struct {
	Account   string `json:"account"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	Action    string `json:"action"`
	Calls     int64  `json:"calls"`
	Errors    int64  `json:"errors"`
	Throttled int64  `json:"throttled"`
}

// StatsSnapshot is what GET /_sim/stats answers.
type StatsSnapshot struct {
	Total     int64            `json:"total"`
	Errors    int64            `json:"errors"`
	Throttled int64            `json:"throttled"`
	ByAction  map[string]int64 `json:"by_action"` // "sts:AssumeRole" → calls
	Rows      []StatRow        `json:"rows"`
}

func newStats() *Stats { return &Stats{calls: map[statKey]*statCount{}} }

func (st *Stats) record(c *call, account string, failed, throttled bool) {
	k := statKey{account, c.region, c.svc.name, c.action}
	st.mu.Lock()
	n := st.calls[k]
	if n == nil {
		n = &statCount{}
		st.calls[k] = n
	}
	n.calls++
	if failed {
		n.errors++
	}
	if throttled {
		n.throttled++
	}
	st.mu.Unlock()
}

// Snapshot returns the counts so far.
func (st *Stats) Snapshot() StatsSnapshot {
	st.mu.Lock()
	defer st.mu.Unlock()
	snap := StatsSnapshot{ByAction: map[string]int64{}, Rows: make([]StatRow, 0, len(st.calls))}
	for k, n := range st.calls {
		snap.Rows = append(snap.Rows, StatRow{k.account, k.region, k.service, k.action, n.calls, n.errors, n.throttled})
		snap.Total += n.calls
		snap.Errors += n.errors
		snap.Throttled += n.throttled
		snap.ByAction[k.service+":"+k.action] += n.calls
	}
	sort.Slice(snap.Rows, func(i, j int) bool {
		a, b := snap.Rows[i], snap.Rows[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		return a.Action < b.Action
	})
	return snap
}

// Reset zeroes the counts.
func (st *Stats) Reset() {
	st.mu.Lock()
	st.calls = map[statKey]*statCount{}
	st.mu.Unlock()
}

// Stats is the simulator's call counter.
func (s *Server) Stats() *Stats { return s.stats }

// serveControl serves the simulator's own endpoints: GET /_sim/stats,
// POST /_sim/stats/reset, GET /_sim/health.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/_sim/stats" && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(s.stats.Snapshot())
	case r.URL.Path == "/_sim/stats/reset" && r.Method == http.MethodPost:
		s.stats.Reset()
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/_sim/health":
		w.Write([]byte("ok\n"))
	default:
		http.NotFound(w, r)
	}
}
