package policy

import "strings"

// glob is a compiled wildcard pattern. wild[i] marks r[i] as a wildcard
// ('*' or '?'); a '*' or '?' that came from a ${*} / ${?} escape or from a
// substituted variable is a plain character.
type glob struct {
	r    []rune
	wild []bool
}

// literalGlob compiles s treating every '*' and '?' as a wildcard.
func literalGlob(s string) glob {
	g := glob{r: make([]rune, 0, len(s)), wild: make([]bool, 0, len(s))}
	for _, c := range s {
		g.r = append(g.r, c)
		g.wild = append(g.wild, c == '*' || c == '?')
	}
	return g
}

func (g *glob) addLiteral(s string) {
	for _, c := range s {
		g.r = append(g.r, c)
		g.wild = append(g.wild, false)
	}
}

// match reports whether s matches the whole pattern. It is the classic
// greedy-star algorithm with single backtrack point: O(len(s)*len(pattern)).
func (g glob) match(s string) bool {
	in := []rune(s)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(in) {
		if pi < len(g.r) && g.wild[pi] && g.r[pi] == '*' {
			star, mark = pi, si
			pi++
			continue
		}
		if pi < len(g.r) && ((g.wild[pi] && g.r[pi] == '?') || (!g.wild[pi] && g.r[pi] == in[si])) {
			pi++
			si++
			continue
		}
		if star >= 0 {
			pi = star + 1
			mark++
			si = mark
			continue
		}
		return false
	}
	for pi < len(g.r) && g.wild[pi] && g.r[pi] == '*' {
		pi++
	}
	return pi == len(g.r)
}

// splitN splits the pattern at sep into at most n parts, like strings.SplitN.
func (g glob) splitN(sep rune, n int) []glob {
	var parts []glob
	start := 0
	for i := 0; i < len(g.r) && len(parts) < n-1; i++ {
		if g.r[i] == sep && !g.wild[i] {
			parts = append(parts, glob{r: g.r[start:i], wild: g.wild[start:i]})
			start = i + 1
		}
	}
	return append(parts, glob{r: g.r[start:], wild: g.wild[start:]})
}

// matchAction matches an Action/NotAction pattern against "service:Action",
// case-insensitively.
func matchAction(pattern, action string) bool {
	if pattern == "*" {
		return true
	}
	return literalGlob(strings.ToLower(pattern)).match(strings.ToLower(action))
}

// matchResource matches a Resource/NotResource pattern, case-sensitively,
// substituting policy variables when vars is set. A pattern whose variable
// cannot be resolved matches nothing.
func matchResource(pattern, resource string, vars bool, ctx Context) bool {
	if pattern == "*" {
		return true
	}
	g, ok := compileWithVars(pattern, vars, ctx)
	return ok && g.match(resource)
}

// compileWithVars turns a policy string into a glob, expanding ${...}
// variables when vars is set (Version 2012-10-17). ok is false when a
// variable has no value in the request and no default.
func compileWithVars(s string, vars bool, ctx Context) (glob, bool) {
	if !vars || !strings.Contains(s, "${") {
		return literalGlob(s), true
	}
	g := glob{}
	for len(s) > 0 {
		i := strings.Index(s, "${")
		if i < 0 {
			appendWild(&g, s)
			break
		}
		appendWild(&g, s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			// An unterminated "${" is plain text.
			appendWild(&g, s[i:])
			break
		}
		val, ok := resolveVar(rest[:j], ctx)
		if !ok {
			return glob{}, false
		}
		g.addLiteral(val)
		s = rest[j+1:]
	}
	return g, true
}

func appendWild(g *glob, s string) {
	lg := literalGlob(s)
	g.r = append(g.r, lg.r...)
	g.wild = append(g.wild, lg.wild...)
}

// expandVars substitutes variables into a condition value and returns it as
// a plain string; escapes become their literal characters.
func expandVars(s string, vars bool, ctx Context) (string, bool) {
	if !vars || !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for len(s) > 0 {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		val, ok := resolveVar(rest[:j], ctx)
		if !ok {
			return "", false
		}
		b.WriteString(val)
		s = rest[j+1:]
	}
	return b.String(), true
}

// resolveVar resolves the inside of ${...}: the escapes *, ? and $, or a
// context key with an optional default: ${aws:PrincipalTag/team, 'none'}.
func resolveVar(body string, ctx Context) (string, bool) {
	switch body {
	case "*", "?", "$":
		return body, true
	}
	key, def, hasDef := body, "", false
	if k, d, found := strings.Cut(body, ","); found {
		d = strings.TrimSpace(d)
		if len(d) >= 2 && d[0] == '\'' && d[len(d)-1] == '\'' {
			key, def, hasDef = k, d[1:len(d)-1], true
		}
	}
	key = strings.TrimSpace(key)
	if vals, ok := ctx.Get(key); ok && len(vals) == 1 {
		return vals[0], true
	}
	// Multi-valued keys cannot be used as variables; treat them like missing ones.
	if hasDef {
		return def, true
	}
	return "", false
}
