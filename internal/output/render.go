package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Table is the result of a fleet command: rows of one struct type, the
// failures of the sweep and how to show them by default.
type Table struct {
	// Rows is a slice of structs or of pointers to structs, e.g.
	// []DBInstanceRow. Columns come from the json tags.
	Rows any
	// Failures are the account-regions that could not be swept.
	Failures []Failure
	// Default are the columns of table and CSV output without --columns,
	// e.g. {"account_name", "region", "id", "engine", "version", "status"};
	// empty means every column.
	Default []string
	// Summary, if set, returns the line printed after a table on a
	// terminal, given the rows shown (same slice type as Rows, after
	// filters and sorting), e.g. "42 DB instances in 12 accounts". Render
	// appends "; N failures" when there are failures.
	Summary func(rows any) string
}

// Options say how to render a Table.
type Options struct {
	Format Format // empty means FormatTable
	// Columns (--columns) are the columns shown, by json name or tag:KEY;
	// empty means the Table's Default (table, CSV) or whole rows (JSON,
	// JSON lines, YAML).
	Columns []string
	// Sort (--sort) are the columns to sort by, "-name" for descending.
	// The sort is stable; numbers sort numerically, the rest by text.
	Sort []string
	// Filters (--filter) select the rows shown.
	Filters []Filter
	// TTY says stdout is a terminal: table output is aligned, with "-" for
	// empty values and the summary line. Otherwise it is tab-separated, one
	// row a line after a header line, with nothing else.
	TTY bool
	// Color allows colour in table output on a terminal (bold headers,
	// status values, failures in red). It has no effect without TTY.
	Color bool
	// Width is the terminal's width: on a terminal, the widest columns are
	// shortened (with "…") so that lines fit. 0 means no limit.
	Width int
}

// Render writes t to w in the chosen format, after filters, sorting and
// column selection. Failures, ordered by account name, account and region,
// are written to errW for table and CSV output, one line each plus an
// indented "hint:" line; JSON and YAML documents are {"rows": [...],
// "errors": [...]}, and JSON lines has one object a row, then one
// {"error": {...}} object a failure. Without Columns, JSON and YAML rows are
// the whole structs as encoding/json writes them; with Columns, objects with
// only those members, in that order (tag:KEY columns gathered under "tags").
//
// Unknown formats, columns and filter operators are reported before anything
// is written.
func Render(w, errW io.Writer, t Table, opts Options) error {
	format := opts.Format
	if format == "" {
		format = FormatTable
	}
	if _, err := ParseFormat(string(format)); err != nil {
		return err
	}
	rv := reflect.ValueOf(t.Rows)
	if !rv.IsValid() || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) {
		return fmt.Errorf("output: rows must be a slice of structs, not %T", t.Rows)
	}
	s, err := schemaFor(rv.Type().Elem())
	if err != nil {
		return err
	}
	groups, err := s.filterGroups(opts.Filters)
	if err != nil {
		return err
	}
	keys, err := s.sortKeys(opts.Sort)
	if err != nil {
		return err
	}
	names := opts.Columns
	if len(names) == 0 && (format == FormatTable || format == FormatCSV) {
		names = t.Default
	}
	var cols []Column
	if len(names) > 0 {
		if cols, err = s.resolve(names); err != nil {
			return err
		}
	} else {
		cols = s.cols
	}

	rows := selectRows(rv, groups, keys)
	failures := sortedFailures(t.Failures)
	var out bytes.Buffer
	switch format {
	case FormatTable:
		color := opts.TTY && opts.Color
		if opts.TTY {
			renderAligned(&out, cols, rows, color, opts.Width)
			if t.Summary != nil {
				if line := summaryLine(t.Summary(rowSlice(rv, rows)), len(failures)); line != "" {
					out.WriteString(line + "\n")
				}
			}
		} else {
			renderTSV(&out, cols, rows)
		}
		if _, err := w.Write(out.Bytes()); err != nil {
			return err
		}
		return writeFailures(errW, failures, color)
	case FormatCSV:
		cw := csv.NewWriter(&out)
		header := make([]string, len(cols))
		for i, c := range cols {
			header[i] = c.Name
		}
		cw.Write(header)
		for _, r := range rows {
			rec := make([]string, len(cols))
			for i, c := range cols {
				rec[i] = c.value(r).text
			}
			cw.Write(rec)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if _, err := w.Write(out.Bytes()); err != nil {
			return err
		}
		return writeFailures(errW, failures, false)
	}

	selected := len(opts.Columns) > 0
	objs := make([]json.RawMessage, len(rows))
	for i, r := range rows {
		if objs[i], err = rowJSON(r, cols, selected); err != nil {
			return err
		}
	}
	switch format {
	case FormatJSONL:
		for _, o := range objs {
			out.Write(o)
			out.WriteByte('\n')
		}
		for _, f := range failures {
			b, err := marshal(struct {
				Error Failure `json:"error"`
			}{f})
			if err != nil {
				return err
			}
			out.Write(b)
			out.WriteByte('\n')
		}
	case FormatJSON, FormatYAML:
		doc := struct {
			Rows   []json.RawMessage `json:"rows"`
			Errors []Failure         `json:"errors"`
		}{objs, failures}
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return err
		}
		if format == FormatYAML {
			y, err := jsonToYAML(out.Bytes())
			if err != nil {
				return err
			}
			out.Reset()
			out.Write(y)
		}
	}
	_, err = w.Write(out.Bytes())
	return err
}

// selectRows returns the rows of rv (as struct values; invalid for nil
// pointers) that pass the filters, in sorted order.
func selectRows(rv reflect.Value, groups []filterGroup, keys []sortKey) []reflect.Value {
	type item struct {
		row  reflect.Value
		keys []cell
	}
	var items []item
rows:
	for i := range rv.Len() {
		r := rv.Index(i)
		for r.Kind() == reflect.Pointer || r.Kind() == reflect.Interface {
			if r.IsNil() {
				r = reflect.Value{}
				break
			}
			r = r.Elem()
		}
		for _, g := range groups {
			if !g.keep(r) {
				continue rows
			}
		}
		it := item{row: r}
		for _, k := range keys {
			it.keys = append(it.keys, k.col.value(r))
		}
		items = append(items, it)
	}
	if len(keys) > 0 {
		slices.SortStableFunc(items, func(a, b item) int {
			for i, k := range keys {
				if c := compareCells(a.keys[i], b.keys[i]); c != 0 {
					if k.desc {
						return -c
					}
					return c
				}
			}
			return 0
		})
	}
	out := make([]reflect.Value, len(items))
	for i, it := range items {
		out[i] = it.row
	}
	return out
}

// rowSlice rebuilds a slice of the Rows' element type from the selected
// rows, for the Summary function.
func rowSlice(rv reflect.Value, rows []reflect.Value) any {
	et := rv.Type().Elem()
	out := reflect.MakeSlice(reflect.SliceOf(et), 0, len(rows))
	for _, r := range rows {
		switch {
		case !r.IsValid():
			out = reflect.Append(out, reflect.Zero(et))
		case et.Kind() == reflect.Pointer:
			p := reflect.New(r.Type())
			p.Elem().Set(r)
			out = reflect.Append(out, p)
		default:
			out = reflect.Append(out, r)
		}
	}
	return out.Interface()
}

func summaryLine(summary string, failures int) string {
	if failures == 0 {
		return summary
	}
	f := fmt.Sprintf("%d failures", failures)
	if failures == 1 {
		f = "1 failure"
	}
	if summary == "" {
		return f
	}
	return summary + "; " + f
}

// clean makes a value fit on one table line: control characters (tabs,
// newlines) become spaces.
func clean(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

func renderTSV(out *bytes.Buffer, cols []Column, rows []reflect.Value) {
	line := make([]string, len(cols))
	for i, c := range cols {
		line[i] = c.Header
	}
	out.WriteString(strings.Join(line, "\t") + "\n")
	for _, r := range rows {
		for i, c := range cols {
			line[i] = clean(c.value(r).text)
		}
		out.WriteString(strings.Join(line, "\t") + "\n")
	}
}

const columnGap = "  "

func renderAligned(out *bytes.Buffer, cols []Column, rows []reflect.Value, color bool, width int) {
	cells := make([][]string, 0, len(rows)+1)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.Header
	}
	cells = append(cells, header)
	for _, r := range rows {
		line := make([]string, len(cols))
		for i, c := range cols {
			v := clean(c.value(r).text)
			if v == "" {
				v = "-"
			}
			line[i] = v
		}
		cells = append(cells, line)
	}
	widths := make([]int, len(cols))
	for _, line := range cells {
		for i, v := range line {
			widths[i] = max(widths[i], utf8.RuneCountInString(v))
		}
	}
	fitWidths(widths, width)
	for n, line := range cells {
		for i, v := range line {
			v = truncate(v, widths[i])
			pad := widths[i] - utf8.RuneCountInString(v)
			switch {
			case n == 0 && color:
				v = bold + v + reset
			case n > 0 && color:
				v = colorValue(cols[i], v)
			}
			out.WriteString(v)
			if i < len(line)-1 {
				out.WriteString(strings.Repeat(" ", pad) + columnGap)
			}
		}
		out.WriteByte('\n')
	}
}

// minColumnWidth is how narrow fitWidths makes a column at most.
const minColumnWidth = 8

// fitWidths narrows the widest columns, one rune at a time, until the line
// fits in width or every column is at most minColumnWidth wide.
func fitWidths(widths []int, width int) {
	if width <= 0 || len(widths) == 0 {
		return
	}
	total := len(columnGap) * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	for total > width {
		i := 0
		for j, w := range widths {
			if w > widths[i] {
				i = j
			}
		}
		if widths[i] <= minColumnWidth {
			return
		}
		widths[i]--
		total--
	}
}

// truncate shortens s to n runes, ending it with "…" if it was longer.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func writeFailures(w io.Writer, failures []Failure, color bool) error {
	if len(failures) == 0 {
		return nil
	}
	var b bytes.Buffer
	for _, f := range failures {
		line := f.Error()
		if color {
			line = red + line + reset
		}
		b.WriteString(line + "\n")
		if f.Hint != "" {
			b.WriteString("  hint: " + f.Hint + "\n")
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// marshal is json.Marshal without HTML escaping and without the newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// rowJSON is one row as a JSON object: the whole struct, or with selected
// only the columns, in their order. Map-key columns (tag:KEY) are gathered
// into their map field ({"tags": {"env": "prod"}}) at the place of the first.
func rowJSON(row reflect.Value, cols []Column, selected bool) (json.RawMessage, error) {
	if !selected {
		if !row.IsValid() {
			return json.RawMessage("null"), nil
		}
		return marshal(row.Interface())
	}
	type member struct {
		name  string
		value any
	}
	var members []member
	whole := map[string]bool{}
	for _, c := range cols {
		if c.isMap {
			whole[c.Name] = true
		}
	}
	keys := map[string]map[string]any{}
	for _, c := range cols {
		if !c.isKey {
			var v any
			if f := c.field(row); f.IsValid() {
				v = f.Interface()
			}
			members = append(members, member{c.Name, v})
			continue
		}
		if whole[c.mapName] {
			continue
		}
		m, ok := keys[c.mapName]
		if !ok {
			m = map[string]any{}
			keys[c.mapName] = m
			members = append(members, member{c.mapName, m})
		}
		if f := c.field(row); f.IsValid() && f.Kind() == reflect.Map {
			if v := f.MapIndex(reflect.ValueOf(c.key).Convert(f.Type().Key())); v.IsValid() {
				m[c.key] = v.Interface()
			}
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(m.name)
		if err != nil {
			return nil, err
		}
		v, err := marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsonToYAML re-encodes a JSON document as block-style YAML, keeping the
// order of object members.
func jsonToYAML(doc []byte) ([]byte, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(doc, &n); err != nil {
		return nil, fmt.Errorf("output: converting to YAML: %w", err)
	}
	restyle(&n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return nil, fmt.Errorf("output: converting to YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// restyle drops the flow and quoting styles that parsing JSON gives nodes,
// so the encoder picks block style and quotes only where YAML needs it. It
// keeps strings quoted that YAML 1.1 readers would take for booleans or
// sexagesimal numbers ("no", "on", "1:20"), as yaml.Marshal does.
func restyle(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && (yaml11Bools[n.Value] || base60.MatchString(n.Value)) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		restyle(c)
	}
}

var yaml11Bools = map[string]bool{}

func init() {
	for _, s := range strings.Fields("y yes n no true false on off") {
		yaml11Bools[s] = true
		yaml11Bools[strings.ToUpper(s[:1])+s[1:]] = true
		yaml11Bools[strings.ToUpper(s)] = true
	}
}

var base60 = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)
