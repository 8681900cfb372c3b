package world

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
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
// errors ("world.yaml:12: ...").
func Parse(name string, data []byte) (*World, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", name, oneLine(err))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var w World
	if err := dec.Decode(&w); err != nil {
		if errors.Is(err, errEOF) || err.Error() == "EOF" {
			return nil, fmt.Errorf("%s: the world file is empty; see docs/simulator.md for an example", name)
		}
		return nil, fmt.Errorf("%s: %s", name, oneLine(err))
	}
	if err := Validate(&w); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			if line := lineOf(&root, fe.Path); line > 0 {
				return nil, fmt.Errorf("%s:%d: %s: %s", name, line, fe.PathString(), fe.Msg)
			}
			return nil, fmt.Errorf("%s: %s: %s", name, fe.PathString(), fe.Msg)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &w, nil
}

var errEOF = errors.New("EOF")

var yamlLine = regexp.MustCompile(`^line (\d+): `)

// oneLine turns yaml.v3's multi-line errors into "LINE: first problem".
func oneLine(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg := te.Errors[0]
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			msg = m[1] + ": " + strings.TrimPrefix(msg, m[0])
		}
		msg = strings.Replace(msg, "not found in type world.", "is not a known field of ", 1)
		if len(te.Errors) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(te.Errors)-1)
		}
		return msg
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		msg = m[1] + ": " + strings.TrimPrefix(msg, m[0])
	}
	return strings.ReplaceAll(msg, "\n", " ")
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

// lineOf finds the line of the node at path, or of its nearest ancestor.
func lineOf(root *yaml.Node, path []any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch v := p.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == v {
						next = n.Content[i+1]
						if next.Kind == yaml.ScalarNode {
							// Point at the key's line: that is where a reader looks.
							next = &yaml.Node{Kind: yaml.ScalarNode, Line: n.Content[i].Line}
						}
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && v < len(n.Content) {
				next = n.Content[v]
			}
		}
		if next == nil {
			break
		}
		n = next
		line = n.Line
	}
	return line
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// IsAccountID reports whether s is a 12-digit AWS account ID.
func IsAccountID(s string) bool { return accountIDPattern.MatchString(s) }
