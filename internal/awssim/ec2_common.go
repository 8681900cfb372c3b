package awssim

import (
	"encoding/base64"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ec2Tag is a tag in a tagSet.
type ec2Tag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

func ec2TagSet(m map[string]string) []ec2Tag {
	out := make([]ec2Tag, 0, len(m))
	for k, v := range m {
		out = append(out, ec2Tag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// ec2Filter is one Filter.N of a Describe call.
type ec2Filter struct {
	name   string
	values []string
}

// ec2Filters reads Filter.N.Name/Value.M, refusing names the resource type
// does not know. tag:KEY, tag-key and tag-value are always known.
func (c *call) ec2Filters(known ...string) ([]ec2Filter, error) {
	var out []ec2Filter
	for _, f := range c.params.structs("Filter") {
		name := f.get("Name")
		ok := strings.HasPrefix(name, "tag:") || name == "tag-key" || name == "tag-value"
		for _, k := range known {
			ok = ok || k == name
		}
		if !ok {
			return nil, badRequest("InvalidParameterValue", "The filter '%s' is invalid", name)
		}
		out = append(out, ec2Filter{name: name, values: f.list("Value")})
	}
	return out, nil
}

// ec2Match applies filters to a resource: attrs gives the resource's values
// for a filter name. All filters must match; within one, any value.
func ec2Match(filters []ec2Filter, tags map[string]string, attrs func(name string) []string) bool {
	for _, f := range filters {
		var have []string
		switch {
		case strings.HasPrefix(f.name, "tag:"):
			if v, ok := tags[f.name[4:]]; ok {
				have = []string{v}
			}
		case f.name == "tag-key":
			for k := range tags {
				have = append(have, k)
			}
		case f.name == "tag-value":
			for _, v := range tags {
				have = append(have, v)
			}
		default:
			have = attrs(f.name)
		}
		if !anyGlob(f.values, have) {
			return false
		}
	}
	return true
}

func anyGlob(patterns, values []string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if glob(p, v) {
				return true
			}
		}
	}
	return false
}

// glob matches EC2 filter wildcards: * any run, ? one character. It
// backtracks only to the last star, so no pattern takes more than
// len(pattern)*len(s) steps.
func glob(pattern, s string) bool {
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// ec2Page reads MaxResults/NextToken and returns the [start, end) window of
// n items and the token for the next page ("" at the end).
func (c *call) ec2Page(n int) (start, end int, next string, err error) {
	max, err := c.params.int32("MaxResults", 0)
	if err != nil {
		return 0, 0, "", err
	}
	if c.params.has("MaxResults") && (max < 5 || max > 1000) {
		return 0, 0, "", badRequest("InvalidParameterValue", "Value ( %d ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", max)
	}
	if tok := c.params.get("NextToken"); tok != "" {
		b, derr := base64.RawURLEncoding.DecodeString(tok)
		i, aerr := strconv.Atoi(strings.TrimPrefix(string(b), "ec2:"))
		if derr != nil || aerr != nil || !strings.HasPrefix(string(b), "ec2:") || i < 0 || i > n {
			return 0, 0, "", badRequest("InvalidPaginationToken", "The specified pagination token is not valid or is expired.")
		}
		start = i
	}
	end = n
	if max > 0 && start+int(max) < n {
		end = start + int(max)
		next = base64.RawURLEncoding.EncodeToString([]byte("ec2:" + strconv.Itoa(end)))
	}
	return start, end, next, nil
}

// ec2IDsNotFound is EC2's error for IDs that don't exist: "The vpc ID 'x'
// does not exist", "The vpc IDs 'x, y' do not exist".
func ec2IDsNotFound(code, what string, ids []string) error {
	if len(ids) == 1 {
		return badRequest(code, "The %s ID '%s' does not exist", what, ids[0])
	}
	return badRequest(code, "The %s IDs '%s' do not exist", what, strings.Join(ids, ", "))
}

var ec2IDPattern = regexp.MustCompile(`^[a-z]+(-[a-z]+)*-([0-9a-f]{8}|[0-9a-f]{17})$`)

// ec2Malformed is the .Malformed error for the first ID that is not shaped
// like prefix-hex, or nil.
func ec2Malformed(code, prefix string, ids []string) error {
	for _, id := range ids {
		if !strings.HasPrefix(id, prefix) || !ec2IDPattern.MatchString(id) {
			return badRequest(code, "Invalid id: \"%s\"", id)
		}
	}
	return nil
}

// ec2TagSpecs reads TagSpecification.N for one resource type.
func (c *call) ec2TagSpecs(resourceType string) (map[string]string, error) {
	tags := map[string]string{}
	for _, spec := range c.params.structs("TagSpecification") {
		rt := spec.get("ResourceType")
		if rt == "" {
			return nil, badRequest("InvalidParameterValue", "Tag specification resource type must have a value")
		}
		if rt != resourceType {
			continue
		}
		t, err := ec2TagList(spec, "Tag")
		if err != nil {
			return nil, err
		}
		for k, v := range t {
			tags[k] = v
		}
	}
	return tags, nil
}

// ec2TagList reads Tag.N.Key/Value, refusing reserved keys.
func ec2TagList(p params, prefix string) (map[string]string, error) {
	tags := map[string]string{}
	for _, t := range p.structs(prefix) {
		k := t.get("Key")
		if k == "" {
			return nil, badRequest("InvalidParameterValue", "Tag key must have a value")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return nil, badRequest("InvalidParameterValue", "Value ( %s ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use", k)
		}
		if len(k) > 128 || len(t.get("Value")) > 256 {
			return nil, badRequest("InvalidParameterValue", "Tag key or value exceeds the maximum length")
		}
		tags[k] = t.get("Value")
	}
	return tags, nil
}
