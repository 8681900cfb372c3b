package policy

import "strings"

// Context holds request condition keys. Keys are case-insensitive (stored lowercased); values are strings
// ("true"/"false" for booleans, decimal for numbers, RFC 3339 for dates).
type Context map[string][]string

// Set replaces the values of key.
func (c Context) Set(key string, values ...string) {
	c[strings.ToLower(key)] = append([]string(nil), values...)
}

// Get returns the values of key and whether it is present.
func (c Context) Get(key string) ([]string, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := c[strings.ToLower(key)]
	return v, ok
}
