package inventory

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// The summaries are the line shown after a table on a terminal
// (output.Table.Summary). Each takes the rows shown: a []Row or a []*Row of
// its own row type (nil pointers are skipped); anything else gives "".

// InstanceSummary summarises DB instance rows, e.g. "13 DB instances in 3
// accounts, 2 regions: postgres 5, mysql 3, aurora-postgresql 2; status:
// available 11, stopped 1, storage-full 1".
func InstanceSummary(rows any) string {
	rs, ok := rowsOf[DBInstanceRow](rows)
	if !ok {
		return ""
	}
	var s summary
	for _, r := range rs {
		s.add(r.Account, r.Region)
		s.count(0, r.Engine)
		s.count(1, r.Status)
	}
	return s.line("DB instance", "DB instances", "", "status: ")
}

// ClusterSummary summarises DB cluster rows, e.g. "3 DB clusters in 2
// accounts, 1 region: aurora-postgresql 2, aurora-mysql 1; status:
// available 3; 7 members".
func ClusterSummary(rows any) string {
	rs, ok := rowsOf[DBClusterRow](rows)
	if !ok {
		return ""
	}
	var s summary
	members := 0
	for _, r := range rs {
		s.add(r.Account, r.Region)
		s.count(0, r.Engine)
		s.count(1, r.Status)
		members += r.Members
	}
	line := s.line("DB cluster", "DB clusters", "", "status: ")
	if len(rs) > 0 {
		line += "; " + plural(members, "member", "members")
	}
	return line
}

// SnapshotSummary summarises snapshot rows, e.g. "133 snapshots in 1
// account, 1 region: automated 130, manual 3; instance 131, cluster 2;
// 2600 GB".
func SnapshotSummary(rows any) string {
	rs, ok := rowsOf[SnapshotRow](rows)
	if !ok {
		return ""
	}
	var s summary
	gb := 0
	for _, r := range rs {
		s.add(r.Account, r.Region)
		s.count(0, r.Type)
		s.count(1, r.Kind)
		gb += r.AllocatedGB
	}
	line := s.line("snapshot", "snapshots", "", "")
	if len(rs) > 0 {
		line += fmt.Sprintf("; %d GB", gb)
	}
	return line
}

// MaintenanceSummary summarises pending maintenance rows, e.g. "5 pending
// maintenance actions on 4 resources in 2 accounts, 1 region:
// system-update 3, db-upgrade 2; opt-in: none 4, next-maintenance 1".
func MaintenanceSummary(rows any) string {
	rs, ok := rowsOf[MaintenanceRow](rows)
	if !ok {
		return ""
	}
	var s summary
	resources := map[string]bool{}
	for _, r := range rs {
		s.add(r.Account, r.Region)
		s.count(0, r.Action)
		opt := r.OptInStatus
		if opt == "" {
			opt = "none"
		}
		s.count(1, opt)
		resources[r.Account+"/"+r.Region+"/"+r.ResourceARN] = true
	}
	on := ""
	if len(rs) > 0 {
		on = " on " + plural(len(resources), "resource", "resources")
	}
	return s.line("pending maintenance action", "pending maintenance actions", on, "opt-in: ")
}

// rowsOf accepts a []T or a []*T.
func rowsOf[T any](rows any) ([]T, bool) {
	switch rs := rows.(type) {
	case []T:
		return rs, true
	case []*T:
		out := make([]T, 0, len(rs))
		for _, r := range rs {
			if r != nil {
				out = append(out, *r)
			}
		}
		return out, true
	}
	return nil, false
}

// maxShown is how many values of a breakdown are named; the rest are
// counted as "other N".
const maxShown = 6

// summary counts rows, their accounts and regions, and two breakdowns by
// value.
type summary struct {
	n        int
	accounts map[string]bool
	regions  map[string]bool
	by       [2]map[string]int
}

func (s *summary) add(account, region string) {
	if s.accounts == nil {
		s.accounts, s.regions = map[string]bool{}, map[string]bool{}
	}
	s.n++
	s.accounts[account] = true
	s.regions[region] = true
}

func (s *summary) count(i int, value string) {
	if s.by[i] == nil {
		s.by[i] = map[string]int{}
	}
	if value == "" {
		value = "unknown"
	}
	s.by[i][value]++
}

// line is "N things<on> in A accounts, R regions: <by 0>; <label1><by 1>".
func (s *summary) line(one, many, on, label1 string) string {
	if s.n == 0 {
		return "no " + many
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s in %s, %s", plural(s.n, one, many), on,
		plural(len(s.accounts), "account", "accounts"), plural(len(s.regions), "region", "regions"))
	b.WriteString(": " + breakdown(s.by[0]))
	b.WriteString("; " + label1 + breakdown(s.by[1]))
	return b.String()
}

// breakdown lists values by count, most first (ties by name): "postgres 5,
// mysql 3", ending with "other N" when there are more than maxShown.
func breakdown(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	list := make([]kv, 0, len(m))
	for k, v := range m {
		list = append(list, kv{k, v})
	}
	slices.SortFunc(list, func(a, b kv) int { return cmp.Or(cmp.Compare(b.v, a.v), cmp.Compare(a.k, b.k)) })
	parts := make([]string, 0, maxShown)
	other := 0
	for i, e := range list {
		if len(list) > maxShown && i >= maxShown-1 {
			other += e.v
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %d", e.k, e.v))
	}
	if other > 0 {
		parts = append(parts, fmt.Sprintf("other %d", other))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
