package world

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Policy is a policy document written in a world file either as a JSON
// string or as YAML; it always holds the JSON text.
type Policy string

// UnmarshalYAML accepts a JSON string or a YAML mapping. A mapping is
// turned into JSON keeping its key order; scalars keep their text, so an
// unquoted Version: 2012-10-17 stays the string "2012-10-17" rather than
// becoming a timestamp.
func (p *Policy) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			*p = ""
			return nil
		}
		*p = Policy(n.Value)
		return nil
	case yaml.MappingNode:
		var b strings.Builder
		budget := maxPolicyNodes
		if err := nodeJSON(&b, n, 0, &budget); err != nil {
			// Report at the document's first line, where the decoder's
			// error path finds the field.
			return fmt.Errorf("line %d: %s", n.Line, yamlLine.ReplaceAllString(err.Error(), ""))
		}
		*p = Policy(b.String())
		return nil
	default:
		return fmt.Errorf("line %d: a policy document must be a JSON string or a mapping (Version, Statement)", n.Line)
	}
}

// MarshalYAML writes the document as its JSON text.
func (p Policy) MarshalYAML() (any, error) { return string(p), nil }

// maxPolicyNodes bounds a policy document's size after YAML aliases are
// expanded (AWS's own limits are a few thousand characters).
const maxPolicyNodes = 100_000

// nodeJSON writes a YAML node as JSON.
func nodeJSON(b *strings.Builder, n *yaml.Node, depth int, budget *int) error {
	if depth > 64 {
		return fmt.Errorf("line %d: policy document nests too deeply", n.Line)
	}
	if *budget--; *budget < 0 {
		return fmt.Errorf("line %d: policy document is too large (are YAML aliases expanding it?)", n.Line)
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return fmt.Errorf("line %d: policy document: unresolved alias", n.Line)
		}
		return nodeJSON(b, n.Alias, depth+1, budget)
	case yaml.MappingNode:
		b.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: policy document: a key must be a plain string", k.Line)
			}
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k.Value)
			b.WriteByte(':')
			if err := nodeJSON(b, n.Content[i+1], depth+1, budget); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, e := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := nodeJSON(b, e, depth+1, budget); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			b.WriteString("null")
		case "!!bool":
			v, err := strconv.ParseBool(strings.ToLower(n.Value))
			if err != nil {
				writeJSONString(b, n.Value)
				return nil
			}
			b.WriteString(strconv.FormatBool(v))
		case "!!int":
			if v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
				b.WriteString(strconv.FormatInt(v, 10))
			} else {
				writeJSONString(b, n.Value)
			}
		case "!!float":
			if v, err := strconv.ParseFloat(n.Value, 64); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
				b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			} else {
				writeJSONString(b, n.Value)
			}
		default: // !!str, !!timestamp, !!binary, custom tags: the text as written
			writeJSONString(b, n.Value)
		}
	default:
		return fmt.Errorf("line %d: policy document: unexpected YAML node", n.Line)
	}
	return nil
}

func writeJSONString(b *strings.Builder, s string) {
	q, _ := json.Marshal(s) // never fails for a string
	b.Write(q)
}
