package awssim

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// params are the flattened parameters of a query-protocol (and EC2) request:
// "Tags.member.1.Key=k" and the like.
type params url.Values

func (p params) get(name string) string { return url.Values(p).Get(name) }

func (p params) has(name string) bool { _, ok := p[name]; return ok }

func (p params) required(name string) (string, error) {
	v := p.get(name)
	if v == "" {
		return "", missingParam(name)
	}
	return v, nil
}

func (p params) int32(name string, def int32) (int32, error) {
	s := p.get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, invalidParam("Value (%s) for parameter %s is invalid. Expected an integer.", s, name)
	}
	return int32(n), nil
}

func (p params) bool(name string) (value, set bool, err error) {
	s := p.get(name)
	switch strings.ToLower(s) {
	case "":
		return false, false, nil
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, true, invalidParam("Value (%s) for parameter %s is invalid. Expected a boolean.", s, name)
}

// list returns the values of a flattened list: for prefix "InstanceId" it
// reads InstanceId.1, InstanceId.2, ... in index order.
func (p params) list(prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := p[prefix+"."+strconv.Itoa(i)]
		if !ok {
			break
		}
		out = append(out, v[0])
	}
	return out
}

// structs returns the members of a flattened list of structures: for
// prefix "Tags.member" it returns one params per Tags.member.N, with keys
// relative to it ("Key", "Value"). Indexes need not be contiguous.
func (p params) structs(prefix string) []params {
	groups := map[int]params{}
	pre := prefix + "."
	for k, v := range p {
		if !strings.HasPrefix(k, pre) {
			continue
		}
		rest := k[len(pre):]
		idx, field, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(idx)
		if err != nil || n < 1 {
			continue
		}
		g := groups[n]
		if g == nil {
			g = params{}
			groups[n] = g
		}
		g[field] = v
	}
	keys := make([]int, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	out := make([]params, 0, len(keys))
	for _, k := range keys {
		out = append(out, groups[k])
	}
	return out
}

// tags reads a flattened tag list such as Tags.member.N.Key/Value (IAM, STS)
// or Tags.Tag.N.Key/Value (RDS).
func (p params) tags(prefix string) map[string]string {
	m := map[string]string{}
	for _, t := range p.structs(prefix) {
		m[t.get("Key")] = t.get("Value")
	}
	return m
}
