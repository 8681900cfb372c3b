package policy

import (
	"math/big"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// setQualifier is the ForAnyValue:/ForAllValues: prefix of an operator.
type setQualifier int

const (
	setNone setQualifier = iota
	setAny
	setAll
)

// opInfo describes a base operator: the positive comparison it uses and
// whether the operator negates it (StringNotEquals is !StringEquals).
type opInfo struct {
	positive string
	negated  bool
}

var operators = map[string]opInfo{
	"StringEquals":              {"StringEquals", false},
	"StringNotEquals":           {"StringEquals", true},
	"StringEqualsIgnoreCase":    {"StringEqualsIgnoreCase", false},
	"StringNotEqualsIgnoreCase": {"StringEqualsIgnoreCase", true},
	"StringLike":                {"StringLike", false},
	"StringNotLike":             {"StringLike", true},
	"NumericEquals":             {"NumericEquals", false},
	"NumericNotEquals":          {"NumericEquals", true},
	"NumericLessThan":           {"NumericLessThan", false},
	"NumericLessThanEquals":     {"NumericLessThanEquals", false},
	"NumericGreaterThan":        {"NumericGreaterThan", false},
	"NumericGreaterThanEquals":  {"NumericGreaterThanEquals", false},
	"DateEquals":                {"DateEquals", false},
	"DateNotEquals":             {"DateEquals", true},
	"DateLessThan":              {"DateLessThan", false},
	"DateLessThanEquals":        {"DateLessThanEquals", false},
	"DateGreaterThan":           {"DateGreaterThan", false},
	"DateGreaterThanEquals":     {"DateGreaterThanEquals", false},
	"Bool":                      {"Bool", false},
	"BinaryEquals":              {"BinaryEquals", false},
	"IpAddress":                 {"IpAddress", false},
	"NotIpAddress":              {"IpAddress", true},
	"ArnEquals":                 {"ArnLike", false},
	"ArnLike":                   {"ArnLike", false},
	"ArnNotEquals":              {"ArnLike", true},
	"ArnNotLike":                {"ArnLike", true},
	"Null":                      {"Null", false},
}

// operator is a parsed condition operator.
type operator struct {
	set      setQualifier
	base     string // key into operators
	ifExists bool
	info     opInfo
}

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its parts.
// ok is false for operators AWS does not know.
func parseOperator(s string) (operator, bool) {
	var op operator
	switch {
	case strings.HasPrefix(s, "ForAnyValue:"):
		op.set, s = setAny, strings.TrimPrefix(s, "ForAnyValue:")
	case strings.HasPrefix(s, "ForAllValues:"):
		op.set, s = setAll, strings.TrimPrefix(s, "ForAllValues:")
	}
	if strings.HasSuffix(s, "IfExists") {
		op.ifExists, s = true, strings.TrimSuffix(s, "IfExists")
	}
	info, ok := operators[s]
	if !ok {
		return op, false
	}
	// Null has no IfExists or set form: it is itself an existence test.
	if s == "Null" && (op.ifExists || op.set != setNone) {
		return op, false
	}
	op.base, op.info = s, info
	return op, true
}

// evalCondition evaluates one operator/key pair against the request context.
func evalCondition(c *Condition, ctx Context, vars bool) bool {
	op, ok := parseOperator(c.Operator)
	if !ok {
		return false // Parse rejects these; a hand-built Document just never matches.
	}
	reqVals, present := ctx.Get(c.Key)
	absent := !present || len(reqVals) == 0

	if op.base == "Null" {
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") && absent {
				return true
			}
			if strings.EqualFold(v, "false") && !absent {
				return true
			}
		}
		return false
	}

	// Policy values whose variables cannot be resolved are dropped: they
	// match nothing.
	polVals := make([]string, 0, len(c.Values))
	for _, v := range c.Values {
		if ev, ok := expandOperand(op.info.positive, v, vars, ctx); ok {
			polVals = append(polVals, ev)
		}
	}
	// matchesAny: does request value rv satisfy the positive comparison
	// against at least one policy value?
	matchesAny := func(rv string) bool {
		for _, pv := range polVals {
			if compare(op.info.positive, rv, pv, vars, ctx) {
				return true
			}
		}
		return false
	}
	// satisfies applies the operator (including negation) to one request value.
	satisfies := func(rv string) bool { return matchesAny(rv) != op.info.negated }

	switch op.set {
	case setAll:
		// ForAllValues is vacuously true for a missing or empty key.
		for _, rv := range reqVals {
			if !satisfies(rv) {
				return false
			}
		}
		return true
	case setAny:
		if absent {
			return op.ifExists
		}
		for _, rv := range reqVals {
			if satisfies(rv) {
				return true
			}
		}
		return false
	default:
		if absent {
			// AWS: a missing key fails positive operators but satisfies
			// negated ones (StringNotEquals etc.); IfExists makes it true.
			return op.ifExists || op.info.negated
		}
		found := false
		for _, rv := range reqVals {
			if matchesAny(rv) {
				found = true
				break
			}
		}
		return found != op.info.negated
	}
}

// expandOperand substitutes variables into a policy value. StringLike and
// ArnLike values are compiled as globs at comparison time instead, so that
// ${*} stays a literal star there.
func expandOperand(positive, v string, vars bool, ctx Context) (string, bool) {
	switch positive {
	case "StringLike", "ArnLike":
		if _, ok := compileWithVars(v, vars, ctx); !ok {
			return "", false
		}
		return v, true
	}
	return expandVars(v, vars, ctx)
}

// compare applies a positive base comparison: request value rv against
// policy value pv.
func compare(positive, rv, pv string, vars bool, ctx Context) bool {
	switch positive {
	case "StringEquals", "BinaryEquals":
		return rv == pv
	case "StringEqualsIgnoreCase":
		return strings.EqualFold(rv, pv)
	case "StringLike":
		g, ok := compileWithVars(pv, vars, ctx)
		return ok && g.match(rv)
	case "Bool":
		return strings.EqualFold(rv, pv)
	case "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		a, ok1 := parseNumber(rv)
		b, ok2 := parseNumber(pv)
		if !ok1 || !ok2 {
			return false
		}
		return ordered(positive, a.Cmp(b))
	case "DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals":
		a, ok1 := parseDate(rv)
		b, ok2 := parseDate(pv)
		if !ok1 || !ok2 {
			return false
		}
		return ordered(positive, a.Compare(b))
	case "IpAddress":
		return ipMatch(rv, pv)
	case "ArnLike":
		return arnMatch(rv, pv, vars, ctx)
	}
	return false
}

// ordered maps a three-way comparison result onto a Numeric*/Date* operator.
func ordered(op string, c int) bool {
	switch {
	case strings.HasSuffix(op, "LessThanEquals"):
		return c <= 0
	case strings.HasSuffix(op, "LessThan"):
		return c < 0
	case strings.HasSuffix(op, "GreaterThanEquals"):
		return c >= 0
	case strings.HasSuffix(op, "GreaterThan"):
		return c > 0
	default: // Equals
		return c == 0
	}
}

// parseNumber parses integers and decimals exactly (big.Rat), so large
// integers such as account IDs compare correctly.
func parseNumber(s string) (*big.Rat, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return nil, false
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// dateLayouts are the ISO 8601 shapes AWS accepts in Date conditions.
var dateLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04",
	"2006-01-02T15Z07:00",
	"2006-01-02T15",
	"2006-01-02Z07:00",
	"2006-01-02",
	"2006-01",
}

// parseDate accepts ISO 8601 dates/times (any of dateLayouts, 't'/'z' in
// either case) or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	if isEpoch(s) {
		secs, frac, _ := strings.Cut(s, ".")
		n, err := strconv.ParseInt(secs, 10, 64)
		if err != nil || n > 1<<40 {
			return time.Time{}, false
		}
		var nanos int64
		if frac != "" {
			f := (frac + "000000000")[:9]
			nanos, _ = strconv.ParseInt(f, 10, 64)
		}
		return time.Unix(n, nanos).UTC(), true
	}
	u := strings.ToUpper(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, u); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isEpoch reports whether s is digits with an optional fraction.
func isEpoch(s string) bool {
	dot := false
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return true
}

// ipMatch reports whether request address rv lies in the policy CIDR pv; a
// bare address is a /32 (or /128).
func ipMatch(rv, pv string) bool {
	addr, err := netip.ParseAddr(strings.TrimSpace(rv))
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	pv = strings.TrimSpace(pv)
	var pfx netip.Prefix
	if strings.Contains(pv, "/") {
		pfx, err = netip.ParsePrefix(pv)
		if err != nil {
			return false
		}
	} else {
		a, err := netip.ParseAddr(pv)
		if err != nil {
			return false
		}
		a = a.Unmap()
		pfx = netip.PrefixFrom(a, a.BitLen())
	}
	if pfx.Addr().Is4In6() {
		pfx = netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()-96)
	}
	return pfx.Masked().Contains(addr)
}

// arnMatch implements ArnEquals/ArnLike: each colon-separated component is
// matched on its own, so a wildcard never spans a component boundary except
// in the final resource part (which may itself contain colons).
func arnMatch(rv, pv string, vars bool, ctx Context) bool {
	// Expand variables first: ${aws:PrincipalAccount} itself contains a colon.
	g, ok := compileWithVars(pv, vars, ctx)
	if !ok {
		return false
	}
	pparts := g.splitN(':', 6)
	rparts := strings.SplitN(rv, ":", len(pparts))
	if len(rparts) != len(pparts) {
		return false
	}
	for i := range pparts {
		if !pparts[i].match(rparts[i]) {
			return false
		}
	}
	return true
}
