package accounts

import (
	"fmt"
	"path"
	"strings"
)

// Selector is the account selection every fleet command takes:
// --account (IDs, names, globs), --tag k=v, --ou, --exclude.
type Selector struct {
	Accounts []string          // any of: ID, name or glob on either; empty = all
	Tags     map[string]string // all must match
	OUs      []string          // OU path or glob, matching the OU or anything under it
	Exclude  []string          // IDs, names or globs to leave out
}

// ParseTags turns k=v flags into a map; a bare k matches any value.
func ParseTags(flags []string) (map[string]string, error) {
	m := map[string]string{}
	for _, f := range flags {
		k, v, ok := strings.Cut(f, "=")
		if k == "" {
			return nil, fmt.Errorf("--tag %q: want KEY=VALUE", f)
		}
		if !ok {
			v = "*"
		}
		m[k] = v
	}
	return m, nil
}

// Validate checks the globs are well formed.
func (s Selector) Validate() error {
	for _, list := range [][]string{s.Accounts, s.OUs, s.Exclude} {
		for _, p := range list {
			if _, err := path.Match(p, ""); err != nil {
				return fmt.Errorf("bad pattern %q: %v", p, err)
			}
		}
	}
	return nil
}

func matchAny(patterns []string, values ...string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if v == "" {
				continue
			}
			if ok, _ := path.Match(p, v); ok || p == v {
				return true
			}
		}
	}
	return false
}

// Match reports whether the selector keeps a.
func (s Selector) Match(a Account) bool {
	if len(s.Accounts) > 0 && !matchAny(s.Accounts, a.ID, a.Name) {
		return false
	}
	if matchAny(s.Exclude, a.ID, a.Name) {
		return false
	}
	for k, want := range s.Tags {
		got, ok := a.Tags[k]
		if !ok {
			return false
		}
		if m, _ := path.Match(want, got); !m && want != got {
			return false
		}
	}
	if len(s.OUs) > 0 {
		ok := false
		for _, p := range s.OUs {
			if m, _ := path.Match(p, a.OU); m || a.OU == p || strings.HasPrefix(a.OU, strings.TrimSuffix(p, "/")+"/") {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// Filter keeps the accounts the selector matches.
func (s Selector) Filter(accts []Account) []Account {
	var out []Account
	for _, a := range accts {
		if s.Match(a) {
			out = append(out, a)
		}
	}
	return out
}
