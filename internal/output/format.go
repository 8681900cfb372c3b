// Package output renders the rows of a fleet command (one struct type per
// command, described by its json tags) and the failures of the sweep as an
// aligned table, tab-separated text, JSON, JSON lines, CSV or YAML, after
// --filter, --sort and --columns; and draws a progress line on stderr.
package output

import (
	"fmt"
	"strings"
)

// Format is an output format.
type Format string

// The output formats.
const (
	FormatTable Format = "table" // aligned on a terminal, tab-separated otherwise
	FormatJSON  Format = "json"  // {"rows": [...], "errors": [...]}, indented
	FormatJSONL Format = "jsonl" // one object a line: rows, then {"error": {...}}
	FormatCSV   Format = "csv"   // RFC 4180, header of column names
	FormatYAML  Format = "yaml"  // as JSON
)

// Formats lists the output formats, in the order help texts show them.
func Formats() []Format { return []Format{FormatTable, FormatJSON, FormatJSONL, FormatCSV, FormatYAML} }

// ParseFormat parses a --format value, case-insensitively ("yml" is YAML).
func ParseFormat(s string) (Format, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "yml" {
		v = string(FormatYAML)
	}
	for _, f := range Formats() {
		if v == string(f) {
			return f, nil
		}
	}
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown output format %q (valid: %s)", s, strings.Join(names, ", "))
}

// String returns the format's name; it and Set and Type make *Format a
// command-line flag value (pflag.Value).
func (f Format) String() string { return string(f) }

// Set parses s into f.
func (f *Format) Set(s string) error {
	v, err := ParseFormat(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Type names the flag's value type in help texts.
func (f *Format) Type() string { return "format" }
