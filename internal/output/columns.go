package output

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Column is one column of a row type, derived from the struct's json tags.
type Column struct {
	// Name is the json name ("engine"), or "tag:KEY" for one key of a map
	// field (the map field "tags" gives "tag:KEY", "labels" gives "label:KEY").
	Name string
	// Header is the table header: the `header:"..."` struct tag if the
	// field has one, else the name in upper case with underscores as spaces
	// ("ACCOUNT NAME"); for a map key, the prefix in upper case and the key
	// as written ("TAG:env").
	Header string

	index   []int  // field index path in the row struct
	mapName string // json name of the map field, for map-key columns
	key     string // the map key, for map-key columns
	isKey   bool
	isMap   bool
}

// schema is what Render knows about a row type.
type schema struct {
	cols []Column          // field columns, in struct order
	maps map[string]Column // map-key prefix ("tag") -> the map field's column
}

var timeType = reflect.TypeFor[time.Time]()

// Columns returns the columns of a row type: rows is a slice of structs (or
// of pointers to structs), or one struct. Map fields are listed once by their
// name ("tags"); their keys are addressable as "tag:KEY".
func Columns(rows any) ([]Column, error) {
	t := reflect.TypeOf(rows)
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		t = t.Elem()
	}
	s, err := schemaFor(t)
	if err != nil {
		return nil, err
	}
	return slices.Clone(s.cols), nil
}

func schemaFor(t reflect.Type) (*schema, error) {
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("output: rows must be a slice of structs, not %v", t)
	}
	s := &schema{maps: map[string]Column{}}
	seen := map[string]bool{}
	collect(t, nil, s, seen)
	return s, nil
}

func collect(t reflect.Type, index []int, s *schema, seen map[string]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		idx := append(slices.Clone(index), i)
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collect(ft, idx, s, seen)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		c := Column{Name: name, Header: f.Tag.Get("header"), index: idx}
		if c.Header == "" {
			c.Header = strings.ToUpper(strings.ReplaceAll(name, "_", " "))
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String {
			c.isMap = true
			s.maps[strings.ToLower(strings.TrimSuffix(name, "s"))] = c
			s.maps[strings.ToLower(name)] = c
		}
		s.cols = append(s.cols, c)
	}
}

// lookup finds a column by name: a json name (case-insensitively) or
// PREFIX:KEY for a map key (the key is case-sensitive).
func (s *schema) lookup(name string) (Column, bool) {
	name = strings.TrimSpace(name)
	for _, c := range s.cols {
		if c.Name == name {
			return c, true
		}
	}
	for _, c := range s.cols {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	if prefix, key, ok := strings.Cut(name, ":"); ok && key != "" {
		if m, ok := s.maps[strings.ToLower(prefix)]; ok {
			p := strings.TrimSuffix(m.Name, "s")
			return Column{
				Name: p + ":" + key, Header: strings.ToUpper(p) + ":" + key,
				index: m.index, mapName: m.Name, key: key, isKey: true,
			}, true
		}
	}
	return Column{}, false
}

// resolve looks up names, dropping duplicates; an unknown name is an error
// that lists the valid ones.
func (s *schema) resolve(names []string) ([]Column, error) {
	var out []Column
	seen := map[string]bool{}
	for _, n := range names {
		c, ok := s.lookup(n)
		if !ok {
			return nil, s.unknown(n)
		}
		if !seen[c.Name] {
			seen[c.Name] = true
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *schema) unknown(name string) error {
	valid := make([]string, 0, len(s.cols)+1)
	for _, c := range s.cols {
		valid = append(valid, c.Name)
		if c.isMap {
			valid = append(valid, strings.TrimSuffix(c.Name, "s")+":KEY")
		}
	}
	return fmt.Errorf("unknown column %q (valid: %s)", name, strings.Join(valid, ", "))
}

// cell is one value of one row, as text and, for numbers, as a number.
type cell struct {
	text  string
	num   float64
	isNum bool
}

// value returns c's value in row (a struct value, or invalid for a nil row).
func (c Column) value(row reflect.Value) cell {
	v := c.field(row)
	if !v.IsValid() {
		return cell{}
	}
	if c.isKey {
		if v.Kind() != reflect.Map {
			return cell{}
		}
		v = v.MapIndex(reflect.ValueOf(c.key).Convert(v.Type().Key()))
	}
	return cellOf(v)
}

// field returns the struct field of c in row, dereferenced; invalid if it is
// behind a nil pointer.
func (c Column) field(row reflect.Value) reflect.Value {
	if !row.IsValid() {
		return reflect.Value{}
	}
	v, err := row.FieldByIndexErr(c.index)
	if err != nil {
		return reflect.Value{}
	}
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	return v
}

func cellOf(v reflect.Value) cell {
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return cell{}
		}
		v = v.Elem()
	}
	if !v.IsValid() {
		return cell{}
	}
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		if t.IsZero() {
			return cell{}
		}
		return cell{text: t.Format(time.RFC3339)}
	}
	switch v.Kind() {
	case reflect.String:
		return cell{text: v.String()}
	case reflect.Bool:
		return cell{text: strconv.FormatBool(v.Bool())}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cell{text: strconv.FormatInt(v.Int(), 10), num: float64(v.Int()), isNum: true}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cell{text: strconv.FormatUint(v.Uint(), 10), num: float64(v.Uint()), isNum: true}
	case reflect.Float32, reflect.Float64:
		return cell{text: strconv.FormatFloat(v.Float(), 'f', -1, 64), num: v.Float(), isNum: true}
	case reflect.Map:
		parts := make([]string, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			parts = append(parts, cellOf(it.Key()).text+"="+cellOf(it.Value()).text)
		}
		sort.Strings(parts)
		return cell{text: strings.Join(parts, ",")}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return cell{text: string(v.Bytes())}
		}
		parts := make([]string, 0, v.Len())
		for i := range v.Len() {
			parts = append(parts, cellOf(v.Index(i)).text)
		}
		return cell{text: strings.Join(parts, ",")}
	}
	if s, ok := v.Interface().(fmt.Stringer); ok {
		return cell{text: s.String()}
	}
	return cell{text: fmt.Sprint(v.Interface())}
}
