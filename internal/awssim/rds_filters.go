package awssim

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// rdsFilters are the Filters.Filter.N of a Describe call: name to values.
type rdsFilters map[string][]string

func (f rdsFilters) has(name string) bool { _, ok := f[name]; return ok }

// match reports whether any of values passes the named filter (true when
// the filter is absent). RDS compares filter values exactly.
func (f rdsFilters) match(name string, values ...string) bool {
	want, ok := f[name]
	if !ok {
		return true
	}
	for _, v := range values {
		if v != "" && slices.Contains(want, v) {
			return true
		}
	}
	return false
}

// rdsIDFilters take identifiers or ARNs, compared without case.
var rdsIDFilters = map[string]bool{"db-instance-id": true, "db-cluster-id": true, "db-snapshot-id": true, "db-cluster-snapshot-id": true}

// rdsParseFilters reads Filters.Filter.N.Name / Values.Value.M, refusing
// names the action does not know, as RDS does.
func rdsParseFilters(p params, known ...string) (rdsFilters, error) {
	f := rdsFilters{}
	for _, g := range p.structs("Filters.Filter") {
		name := g.get("Name")
		if name == "" {
			return nil, missingParam("Filters.Filter.Name")
		}
		if !slices.Contains(known, name) {
			return nil, invalidParam("Unrecognized filter name: %s.", name)
		}
		values := g.list("Values.Value")
		if len(values) == 0 {
			return nil, invalidParam("The parameter Filter.Values must be provided and must not be empty.")
		}
		if rdsIDFilters[name] {
			// Identifiers are stored in lower case; ARNs are lower case too.
			for i := range values {
				values[i] = strings.ToLower(values[i])
			}
		}
		f[name] = append(f[name], values...)
	}
	return f, nil
}

// rdsMaxRecords reads MaxRecords: 20 to 100, default 100.
func rdsMaxRecords(p params) (int, error) {
	s := p.get("MaxRecords")
	if s == "" {
		return 100, nil
	}
	n, err := p.int32("MaxRecords", 100)
	if err != nil {
		return 0, err
	}
	if n < 20 || n > 100 {
		return 0, invalidParam("Invalid value %d for MaxRecords. Must be between 20 and 100", n)
	}
	return int(n), nil
}

// rdsPage picks one page from keys (sorted ascending): the items from the
// marker on, at most max of them. The marker is the key of the first item
// of the next page, so pages stay stable while items come and go.
func rdsPage(keys []string, marker string, max int) (start, end int, next string) {
	if marker != "" {
		start = sort.SearchStrings(keys, marker)
	}
	end = min(start+max, len(keys))
	if end < len(keys) {
		next = keys[end]
	}
	return start, end, next
}

// rdsIndexKey makes a sortable key from a position in a fixed list.
func rdsIndexKey(i int) string { return fmt.Sprintf("%06d", i) }
