package output

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Filter is one --filter expression: COLUMN=VALUE (equal), COLUMN!=VALUE
// (not equal), COLUMN~TEXT (contains, case-insensitively) or COLUMN!~TEXT
// (does not contain). COLUMN is any column of the row type, including
// tag:KEY; a missing tag has the empty value, so "tag:env=" keeps the rows
// without one.
//
// Filters on different columns must all match. Of several filters on the
// same column, the rows kept are those matching any of its = and ~ filters
// and none of its != and !~ filters: "engine=postgres engine=mysql" keeps
// both engines, "status!=available status!=stopped" drops both states.
type Filter struct {
	Column, Op, Value string
}

// The filter operators.
const (
	OpEqual       = "="
	OpNotEqual    = "!="
	OpContains    = "~"
	OpNotContains = "!~"
)

// ParseFilter parses one --filter expression.
func ParseFilter(s string) (Filter, error) {
	i := strings.IndexAny(s, "=~")
	if i < 0 {
		return Filter{}, filterSyntax(s)
	}
	col, op := s[:i], s[i:i+1]
	if strings.HasSuffix(col, "!") {
		col, op = col[:len(col)-1], "!"+op
	}
	col = strings.TrimSpace(col)
	if col == "" {
		return Filter{}, filterSyntax(s)
	}
	return Filter{Column: col, Op: op, Value: s[i+1:]}, nil
}

func filterSyntax(s string) error {
	return fmt.Errorf("invalid filter %q: want COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT or COLUMN!~TEXT", s)
}

// String returns the filter as it is written on the command line.
func (f Filter) String() string { return f.Column + f.Op + f.Value }

func (f Filter) negated() bool { return strings.HasPrefix(f.Op, "!") }

// matches reports whether text satisfies the filter's condition, ignoring
// negation: = and != test equality, ~ and !~ containment.
func (f Filter) matches(text string) bool {
	if strings.HasSuffix(f.Op, "~") {
		return strings.Contains(strings.ToLower(text), strings.ToLower(f.Value))
	}
	return text == f.Value
}

// filterGroup is the filters on one column.
type filterGroup struct {
	col     Column
	filters []Filter
}

func (s *schema) filterGroups(filters []Filter) ([]filterGroup, error) {
	var groups []filterGroup
	for _, f := range filters {
		switch f.Op {
		case OpEqual, OpNotEqual, OpContains, OpNotContains:
		default:
			return nil, filterSyntax(f.String())
		}
		c, ok := s.lookup(f.Column)
		if !ok {
			return nil, s.unknown(f.Column)
		}
		i := slices.IndexFunc(groups, func(g filterGroup) bool { return g.col.Name == c.Name })
		if i < 0 {
			groups = append(groups, filterGroup{col: c})
			i = len(groups) - 1
		}
		groups[i].filters = append(groups[i].filters, f)
	}
	return groups, nil
}

func (g filterGroup) keep(row reflect.Value) bool {
	text := g.col.value(row).text
	anyPositive, positiveMatched := false, false
	for _, f := range g.filters {
		m := f.matches(text)
		if f.negated() {
			if m {
				return false
			}
			continue
		}
		anyPositive = true
		positiveMatched = positiveMatched || m
	}
	return !anyPositive || positiveMatched
}

// sortKey is one --sort column.
type sortKey struct {
	col  Column
	desc bool
}

func (s *schema) sortKeys(names []string) ([]sortKey, error) {
	var keys []sortKey
	for _, n := range names {
		n = strings.TrimSpace(n)
		desc := strings.HasPrefix(n, "-")
		n = strings.TrimLeft(n, "+-")
		c, ok := s.lookup(n)
		if !ok {
			return nil, s.unknown(n)
		}
		keys = append(keys, sortKey{col: c, desc: desc})
	}
	return keys, nil
}

// compareCells orders numbers numerically, other values by their text;
// empty values come first.
func compareCells(a, b cell) int {
	if a.isNum && b.isNum {
		return cmp.Compare(a.num, b.num)
	}
	if (a.text == "") != (b.text == "") {
		if a.text == "" {
			return -1
		}
		return 1
	}
	return strings.Compare(a.text, b.text)
}
