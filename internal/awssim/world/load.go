package world

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads and validates a world file.
func Load(path string) (*World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("world file: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a world file's contents; name is used in
// errors. Every error is one line of the form "NAME:LINE: PATH: problem"
// (for example "world.yaml:12: accounts[1].roles[0].trust_policy: ..."),
// or "NAME: problem" when no line applies.
func Parse(name string, data []byte) (*World, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s%s", name, syntaxError(err))
	}
	if root.Kind == 0 || (root.Kind == yaml.DocumentNode && len(root.Content) == 0) {
		return nil, fmt.Errorf("%s: the world file is empty; see docs/simulator.md for an example", name)
	}
	if top := docRoot(&root); top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: a world file is a mapping with organization, regions and accounts; see docs/simulator.md", name, top.Line)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var w World
	if err := dec.Decode(&w); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the world file is empty; see docs/simulator.md for an example", name)
		}
		return nil, fmt.Errorf("%s%s", name, decodeError(&root, err))
	}
	if err := Validate(&w); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			msg := fe.Msg
			if n := nodeAt(&root, fe.Path); n != nil && n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!float") {
				if last, ok := fe.Path[len(fe.Path)-1].(string); ok && (last == "id" || strings.HasSuffix(last, "account")) {
					msg = strings.TrimSuffix(msg, quoteHint) + "; YAML read an unquoted number here: write account ids as quoted strings, e.g. \"012345678901\""
				}
			}
			if line := lineOf(&root, fe.Path); line > 0 {
				return nil, fmt.Errorf("%s:%d: %s: %s", name, line, fe.PathString(), msg)
			}
			return nil, fmt.Errorf("%s: %s: %s", name, fe.PathString(), msg)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &w, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// parserProblems are yaml.v3's parser (not scanner) errors, whose line
// numbers it reports 0-based.
var parserProblems = []string{
	"did not find expected", "found duplicate %", "found incompatible YAML document", "found undefined tag handle",
}

// syntaxError renders a YAML syntax error as ":LINE: problem".
func syntaxError(err error) string {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		msg = strings.TrimPrefix(msg, m[0])
		line, _ := strconv.Atoi(m[1])
		for _, p := range parserProblems {
			if strings.HasPrefix(msg, p) {
				line++
				break
			}
		}
		return ":" + strconv.Itoa(line) + ": YAML syntax error: " + msg
	}
	return ": YAML syntax error: " + msg
}

var (
	reUnknownField = regexp.MustCompile(`^field (\S+) not found in type world\.(\w+)$`)
	reCannot       = regexp.MustCompile("^cannot unmarshal !!(\\w+) (?:`(.*)` )?into (.+)$")
)

// decodeError turns yaml.v3's decoding errors (several, multi-line) into
// ":LINE: PATH: problem" for the first one.
func decodeError(root *yaml.Node, err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		// An UnmarshalYAML error (policy documents): "line N: problem".
		msg := strings.ReplaceAll(strings.TrimPrefix(err.Error(), "yaml: "), "\n", " ")
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			path := ""
			if p, ok := findValue(root, line, yaml.MappingNode); ok {
				path = (&FieldError{Path: p}).PathString() + ": "
			}
			return ":" + m[1] + ": " + path + strings.TrimPrefix(msg, m[0])
		}
		return ": " + msg
	}
	more := ""
	if len(te.Errors) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(te.Errors)-1)
	}
	msg := te.Errors[0]
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimPrefix(msg, m[0])
	}
	where := ""
	if line > 0 {
		where = ":" + strconv.Itoa(line)
	}
	if m := reUnknownField.FindStringSubmatch(msg); m != nil {
		field, typ := m[1], m[2]
		parent := ""
		if p, ok := findKey(root, line, field); ok {
			parent = (&FieldError{Path: p}).PathString()
		}
		if parent != "" {
			parent += ": "
		}
		known := knownFields(typ)
		hint := ""
		if s := closest(field, known); s != "" {
			hint = fmt.Sprintf("did you mean %q? ", s)
		}
		return fmt.Sprintf("%s: %sunknown field %q in %s (%sknown fields: %s)%s", where, parent, field, describeType(typ), hint, strings.Join(known, ", "), more)
	}
	if m := reCannot.FindStringSubmatch(msg); m != nil {
		got := map[string]string{"seq": "a list", "map": "a mapping", "null": "nothing"}[m[1]]
		if got == "" {
			got = strconv.Quote(m[2])
		}
		kind := yaml.ScalarNode
		switch m[1] {
		case "seq":
			kind = yaml.SequenceNode
		case "map":
			kind = yaml.MappingNode
		}
		path := ""
		if p, ok := findValue(root, line, kind); ok {
			path = (&FieldError{Path: p}).PathString() + ": "
		}
		return fmt.Sprintf("%s: %swant %s, got %s%s", where, path, goTypeWords(m[3]), got, more)
	}
	return fmt.Sprintf("%s: %s%s", where, strings.ReplaceAll(msg, "\n", " "), more)
}

// worldTypes are the schema's struct types by Go name, for error messages.
var worldTypes = map[string]reflect.Type{}

func init() {
	for _, v := range []any{
		World{}, Organization{}, OU{}, Account{}, User{}, Role{}, ManagedPolicy{}, InstanceProfile{}, MFADevice{},
		EC2Instance{}, VPC{}, Subnet{}, SecurityGroup{}, IngressRule{}, Route{}, VPCPeering{}, KMSKey{}, Secret{},
		DBInstance{}, DBCluster{}, DBSnapshot{}, MaintenanceItem{},
	} {
		t := reflect.TypeOf(v)
		worldTypes[t.Name()] = t
	}
}

// knownFields lists the YAML keys of a schema type.
func knownFields(typ string) []string {
	t, ok := worldTypes[typ]
	if !ok {
		return nil
	}
	var out []string
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	return out
}

var typeWords = map[string]string{
	"World": "the world file's top level", "Organization": "organization", "OU": "an organizational unit",
	"Account": "an account", "User": "a user", "Role": "a role", "ManagedPolicy": "a policy",
	"InstanceProfile": "an instance profile", "MFADevice": "an MFA device", "EC2Instance": "an EC2 instance",
	"VPC": "a VPC", "Subnet": "a subnet", "SecurityGroup": "a security group", "IngressRule": "an ingress rule",
	"Route": "a route", "VPCPeering": "a VPC peering", "KMSKey": "a KMS key", "Secret": "a secret",
	"DBInstance": "a DB instance", "DBCluster": "a DB cluster", "DBSnapshot": "a DB snapshot",
	"MaintenanceItem": "a pending maintenance item",
}

func describeType(typ string) string {
	if s, ok := typeWords[typ]; ok {
		return s
	}
	return typ
}

func goTypeWords(t string) string {
	switch {
	case t == "string" || t == "world.Policy":
		return "a string"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint") || t == "*int32":
		return "a whole number"
	case t == "bool" || t == "*bool":
		return "true or false"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping"
	case strings.HasPrefix(t, "world.") || strings.HasPrefix(t, "*world."):
		return describeType(strings.TrimPrefix(strings.TrimPrefix(t, "*"), "world.")) + " (a mapping)"
	}
	return t
}

// closest is the known name nearest to s, if it is near enough to be a typo.
func closest(s string, known []string) string {
	best, bestD := "", len(s)/3+2
	for _, k := range known {
		if d := editDistance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// FieldError is a validation failure at a path in the world
// ("accounts", 2, "roles", 0, "trust_policy").
type FieldError struct {
	Path []any
	Msg  string
}

func (e *FieldError) Error() string { return e.PathString() + ": " + e.Msg }

// PathString renders the path as accounts[2].roles[0].trust_policy.
func (e *FieldError) PathString() string {
	var b strings.Builder
	for _, p := range e.Path {
		switch v := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

func docRoot(root *yaml.Node) *yaml.Node {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	return n
}

// step moves from n along one path element; key is the mapping key node
// when the step was a string.
func step(n *yaml.Node, p any) (next, key *yaml.Node) {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil {
		return nil, nil
	}
	switch v := p.(type) {
	case string:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == v {
					return n.Content[i+1], n.Content[i]
				}
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && v >= 0 && v < len(n.Content) {
			return n.Content[v], nil
		}
	}
	return nil, nil
}

// nodeAt is the node at path exactly, or nil.
func nodeAt(root *yaml.Node, path []any) *yaml.Node {
	n := docRoot(root)
	for _, p := range path {
		if n, _ = step(n, p); n == nil {
			return nil
		}
	}
	return n
}

// lineOf finds the line of the node at path, or of its nearest ancestor.
// A scalar value is reported at its key's line: that is where a reader
// looks.
func lineOf(root *yaml.Node, path []any) int {
	n := docRoot(root)
	line := n.Line
	for _, p := range path {
		next, key := step(n, p)
		if next == nil {
			break
		}
		n = next
		line = n.Line
		if key != nil && n.Kind == yaml.ScalarNode {
			line = key.Line
		}
	}
	return line
}

// findKey finds the mapping that holds key name at line and returns that
// mapping's path.
func findKey(root *yaml.Node, line int, name string) ([]any, bool) {
	var walk func(n *yaml.Node, path []any, depth int) ([]any, bool)
	walk = func(n *yaml.Node, path []any, depth int) ([]any, bool) {
		if depth > 200 || n.Line > line {
			return nil, false
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Line == line && k.Value == name {
					return slices.Clone(path), true
				}
				if p, ok := walk(n.Content[i+1], append(path, k.Value), depth+1); ok {
					return p, true
				}
			}
		case yaml.SequenceNode:
			for i, e := range n.Content {
				if p, ok := walk(e, append(path, i), depth+1); ok {
					return p, true
				}
			}
		}
		return nil, false
	}
	return walk(docRoot(root), nil, 0)
}

// findValue finds the deepest mapping value or list item of this kind
// starting at line and returns its path.
func findValue(root *yaml.Node, line int, kind yaml.Kind) ([]any, bool) {
	var walk func(n *yaml.Node, path []any, depth int) ([]any, bool)
	walk = func(n *yaml.Node, path []any, depth int) ([]any, bool) {
		if depth > 200 {
			return nil, false
		}
		var best []any
		found := false
		visit := func(child *yaml.Node, p []any) bool {
			if q, ok := walk(child, p, depth+1); ok {
				best, found = q, true
				return true
			}
			if child.Line == line && child.Kind == kind {
				best, found = slices.Clone(p), true
			}
			return false
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if visit(n.Content[i+1], append(path, n.Content[i].Value)) {
					return best, true
				}
			}
		case yaml.SequenceNode:
			for i, e := range n.Content {
				if visit(e, append(path, i)) {
					return best, true
				}
			}
		}
		return best, found
	}
	return walk(docRoot(root), nil, 0)
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// IsAccountID reports whether s is a 12-digit AWS account ID.
func IsAccountID(s string) bool { return accountIDPattern.MatchString(s) }
