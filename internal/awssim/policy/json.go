package policy

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// jkind is the JSON type of a decoded value.
type jkind int

const (
	jString jkind = iota
	jNumber
	jBool
	jNull
	jArray
	jObject
)

// jvalue is a JSON value that keeps object members in document order, so
// conditions come out in the order they were written and repeated keys are
// visible (encoding/json maps would lose both).
type jvalue struct {
	kind jkind
	str  string // string text, number literal, or "true"/"false"
	arr  []*jvalue
	obj  []jmember
}

type jmember struct {
	key string
	val *jvalue
}

// get returns the last member named key (last one wins, as in most JSON
// parsers), or nil.
func (v *jvalue) get(key string) *jvalue {
	if v == nil || v.kind != jObject {
		return nil
	}
	var found *jvalue
	for _, m := range v.obj {
		if m.key == key {
			found = m.val
		}
	}
	return found
}

// maxDepth bounds nesting; real policies are a handful of levels deep and the
// bound keeps hostile input from growing the stack.
const maxDepth = 64

var errJSON = errors.New("invalid json")

// decodeJSON parses exactly one JSON value from s.
func decodeJSON(s string) (*jvalue, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errJSON
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (*jvalue, error) {
	if depth > maxDepth {
		return nil, errJSON
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, errJSON
	}
	switch t := tok.(type) {
	case string:
		return &jvalue{kind: jString, str: t}, nil
	case json.Number:
		return &jvalue{kind: jNumber, str: t.String()}, nil
	case bool:
		if t {
			return &jvalue{kind: jBool, str: "true"}, nil
		}
		return &jvalue{kind: jBool, str: "false"}, nil
	case nil:
		return &jvalue{kind: jNull}, nil
	case json.Delim:
		switch t {
		case '[':
			v := &jvalue{kind: jArray}
			for dec.More() {
				e, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.arr = append(v.arr, e)
			}
			if _, err := dec.Token(); err != nil {
				return nil, errJSON
			}
			return v, nil
		case '{':
			v := &jvalue{kind: jObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, errJSON
				}
				key, ok := kt.(string)
				if !ok {
					return nil, errJSON
				}
				e, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.obj = append(v.obj, jmember{key: key, val: e})
			}
			if _, err := dec.Token(); err != nil {
				return nil, errJSON
			}
			return v, nil
		}
	}
	return nil, errJSON
}
