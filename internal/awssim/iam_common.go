package awssim

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IAM's error answers, with the codes and statuses of the service model.

func iamNoSuchEntity(format string, args ...any) *APIError {
	return apiErr(http.StatusNotFound, "NoSuchEntity", format, args...)
}

func iamAlreadyExists(format string, args ...any) *APIError {
	return apiErr(http.StatusConflict, "EntityAlreadyExists", format, args...)
}

func iamDeleteConflict(format string, args ...any) *APIError {
	return apiErr(http.StatusConflict, "DeleteConflict", format, args...)
}

func iamLimitExceeded(format string, args ...any) *APIError {
	return apiErr(http.StatusConflict, "LimitExceeded", format, args...)
}

func iamInvalidInput(format string, args ...any) *APIError {
	return badRequest("InvalidInput", format, args...)
}

func iamMalformed(err error) *APIError {
	return badRequest("MalformedPolicyDocument", "%s", err.Error())
}

func iamRoleNotFound(name string) *APIError {
	return iamNoSuchEntity("The role with name %s cannot be found.", name)
}

func iamUserNotFound(name string) *APIError {
	return iamNoSuchEntity("The user with name %s cannot be found.", name)
}

// lowerFirst turns a parameter name into the member name IAM's validation
// messages use ("RoleName" → "roleName").
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// iamRequired reads a required parameter; IAM reports a missing one as a
// validation error rather than MissingParameter.
func iamRequired(c *call, name string) (string, error) {
	if !c.params.has(name) {
		return "", validationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", lowerFirst(name))
	}
	return c.params.get(name), nil
}

var iamNamePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)

// iamName reads and checks a required entity name (user, role, policy ...).
func iamName(c *call, param string, max int) (string, error) {
	v, err := iamRequired(c, param)
	if err != nil {
		return "", err
	}
	return v, iamCheckName(param, v, max)
}

func iamCheckName(param, v string, max int) error {
	field := lowerFirst(param)
	switch {
	case v == "":
		return validationError("1 validation error detected: Value '' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 1", field)
	case utf8.RuneCountInString(v) > max:
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", v, field, max)
	case !iamNamePattern.MatchString(v):
		return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", v, field)
	}
	return nil
}

// iamOptionalName reads an optional name parameter ("" when absent).
func iamOptionalName(c *call, param string, max int) (string, error) {
	if !c.params.has(param) {
		return "", nil
	}
	v := c.params.get(param)
	return v, iamCheckName(param, v, max)
}

var (
	iamPathPattern       = regexp.MustCompile(`^(/|/[\x21-\x7f]+/)$`)
	iamPolicyPathPattern = regexp.MustCompile(`^(/[A-Za-z0-9.,+@=_-]+)*/$`)
)

// iamPath reads an optional Path ("/" when absent). Managed policies allow
// a narrower set of characters than users and roles.
func iamPath(c *call, forPolicy bool) (string, error) {
	if !c.params.has("Path") {
		return "/", nil
	}
	p := c.params.get("Path")
	if len(p) > 512 {
		return "", validationError("1 validation error detected: Value '%s' at 'path' failed to satisfy constraint: Member must have length less than or equal to 512", p)
	}
	re := iamPathPattern
	if forPolicy {
		re = iamPolicyPathPattern
	}
	if !re.MatchString(p) || strings.Contains(p, "//") {
		return "", validationError("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	return p, nil
}

// iamPathPrefix reads an optional PathPrefix filter ("/" when absent).
func iamPathPrefix(c *call) (string, error) {
	if !c.params.has("PathPrefix") {
		return "/", nil
	}
	p := c.params.get("PathPrefix")
	if p == "" || p[0] != '/' || len(p) > 512 {
		return "", validationError("1 validation error detected: Value '%s' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*", p)
	}
	return p, nil
}

// iamTag is one tag, in request order.
type iamTag struct{ key, value string }

func iamValidTagText(s string) bool {
	for _, r := range s {
		if !(unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Z, r) || strings.ContainsRune("_.:/=+-@", r)) {
			return false
		}
	}
	return true
}

// iamTags reads Tags.member.N, checking what IAM checks: at most 50, keys
// 1–128 and values up to 256 characters of the allowed set, no key twice
// (keys compare case-insensitively).
func iamTags(c *call) ([]iamTag, error) {
	members := c.params.structs("Tags.member")
	if len(members) > 50 {
		return nil, validationError("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	seen := map[string]bool{}
	out := make([]iamTag, 0, len(members))
	for i, m := range members {
		k, v := m.get("Key"), m.get("Value")
		switch {
		case !m.has("Key"):
			return nil, validationError("1 validation error detected: Value null at 'tags.%d.member.key' failed to satisfy constraint: Member must not be null", i+1)
		case k == "" || utf8.RuneCountInString(k) > 128:
			return nil, validationError("1 validation error detected: Value '%s' at 'tags.%d.member.key' failed to satisfy constraint: Member must have length less than or equal to 128", k, i+1)
		case utf8.RuneCountInString(v) > 256:
			return nil, validationError("1 validation error detected: Value '%s' at 'tags.%d.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", v, i+1)
		case !iamValidTagText(k):
			return nil, validationError("1 validation error detected: Value '%s' at 'tags.%d.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", k, i+1)
		case !iamValidTagText(v):
			return nil, validationError("1 validation error detected: Value '%s' at 'tags.%d.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*", v, i+1)
		}
		if seen[strings.ToLower(k)] {
			return nil, iamInvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(k)] = true
		out = append(out, iamTag{k, v})
	}
	return out, nil
}

// iamApplyTags merges tags into an entity's tag map, replacing values of
// keys it has (case-insensitively, as IAM compares tag keys), and refuses
// to grow past IAM's 50 tags per entity.
func iamApplyTags(dst map[string]string, tags []iamTag) error {
	merged := copyTags(dst)
	for _, t := range tags {
		for k := range merged {
			if strings.EqualFold(k, t.key) {
				delete(merged, k)
			}
		}
		merged[t.key] = t.value
	}
	if len(merged) > 50 {
		return iamLimitExceeded("The number of tags has reached the maximum limit.")
	}
	for k := range dst {
		delete(dst, k)
	}
	for k, v := range merged {
		dst[k] = v
	}
	return nil
}

// iamTagKeys reads TagKeys.member.N for the Untag actions.
func iamTagKeys(c *call) ([]string, error) {
	keys := c.params.list("TagKeys.member")
	if len(keys) == 0 && !c.params.has("TagKeys") {
		return nil, validationError("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	if len(keys) > 50 {
		return nil, validationError("1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	return keys, nil
}

func iamRemoveTags(dst map[string]string, keys []string) {
	for _, key := range keys {
		for k := range dst {
			if strings.EqualFold(k, key) {
				delete(dst, k)
			}
		}
	}
}

// iamTagList renders tags sorted by key; nil (no element) when there are none.
func iamTagList(m map[string]string) *iamList[iamTagXML] {
	if len(m) == 0 {
		return nil
	}
	return &iamList[iamTagXML]{Members: iamSortedTags(m)}
}

func iamSortedTags(m map[string]string) []iamTagXML {
	out := make([]iamTagXML, 0, len(m))
	for k, v := range m {
		out = append(out, iamTagXML{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// iamURLEncode percent-encodes a policy document as IAM returns it in
// responses: RFC 3986, every byte but the unreserved characters escaped.
func iamURLEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 2)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '-' || ch == '.' || ch == '_' || ch == '~' {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&0xf])
	}
	return b.String()
}

// iamPolicySize is a policy's size as IAM counts it against its quotas:
// characters, white space excluded.
func iamPolicySize(text string) int {
	n := 0
	for _, r := range text {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// iamPage is one page of a list answer.
type iamPage struct {
	truncated bool
	marker    string
}

// iamPaginate cuts a list sorted by key into the page the request's
// Marker and MaxItems (1–1000, default 100) select. The marker names the
// first item of the next page, so items deleted between calls don't make
// the next page skip others.
func iamPaginate[T any](c *call, items []T, key func(T) string) ([]T, iamPage, error) {
	max, err := c.params.int32("MaxItems", 100)
	if err != nil {
		return nil, iamPage{}, err
	}
	if max < 1 {
		return nil, iamPage{}, validationError("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", max)
	}
	if max > 1000 {
		return nil, iamPage{}, validationError("1 validation error detected: Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000", max)
	}
	start := 0
	if c.params.has("Marker") {
		raw, derr := base64.RawURLEncoding.DecodeString(c.params.get("Marker"))
		if derr != nil || len(raw) == 0 {
			return nil, iamPage{}, validationError("Invalid Marker.")
		}
		from := string(raw)
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) >= from })
	}
	end := start + int(max)
	if end >= len(items) {
		return items[start:], iamPage{}, nil
	}
	return items[start:end], iamPage{truncated: true, marker: base64.RawURLEncoding.EncodeToString([]byte(key(items[end])))}, nil
}

// iamSorted returns a map's values sorted by key.
func iamSorted[T any](m map[string]T) []T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

// iamCallerUser is the user an action without UserName applies to: the
// caller, when it is a user.
func iamCallerUser(c *call) (string, error) {
	if c.caller.kind != kindUser {
		return "", validationError("Must specify userName when calling with non-User credentials")
	}
	return c.caller.userName, nil
}
