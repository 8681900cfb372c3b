package world

import (
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Policy is a policy document written in a world file either as a JSON
// string or as YAML; it always holds the JSON text.
type Policy string

// UnmarshalYAML accepts a JSON string or a YAML mapping.
func (p *Policy) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*p = Policy(n.Value)
		return nil
	case yaml.MappingNode:
		var v any
		if err := n.Decode(&v); err != nil {
			return err
		}
		b, err := json.Marshal(jsonable(v))
		if err != nil {
			return fmt.Errorf("line %d: policy document: %v", n.Line, err)
		}
		*p = Policy(b)
		return nil
	default:
		return fmt.Errorf("line %d: a policy document must be a JSON string or a mapping", n.Line)
	}
}

// MarshalYAML writes the document as its JSON text.
func (p Policy) MarshalYAML() (any, error) { return string(p), nil }

// jsonable turns yaml.v3's decoded values into ones encoding/json accepts
// (yaml gives map[string]any already, but nested maps may carry non-string
// keys such as numbers).
func jsonable(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = jsonable(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = jsonable(e)
		}
		return t
	default:
		return v
	}
}
