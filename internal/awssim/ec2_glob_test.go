package awssim

import (
	"strings"
	"testing"
)

func TestEC2FilterGlob(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"web-*", "web-1", true}, {"web-?", "web-12", false}, {"*", "", true}, {"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false}, {"exact", "exact", true}, {"", "x", false}, {"?", "", false},
		{strings.Repeat("*a", 30) + "b", strings.Repeat("a", 200), false},
	}
	for _, tc := range cases {
		if got := glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}
