package accounts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// InventoryEntry is one account in an inventory file. Keys other than the
// known ones are free metadata (env, team, owner, oracle_sids …) and become
// the account's tags.
type InventoryEntry struct {
	ID          string            `yaml:"id"`
	Name        string            `yaml:"name"`
	Role        string            `yaml:"role,omitempty"` // role ARN or role name; empty: the fleet's role template
	ExternalID  string            `yaml:"external_id,omitempty"`
	SessionName string            `yaml:"session_name,omitempty"`
	Duration    int               `yaml:"duration_seconds,omitempty"`
	Regions     []string          `yaml:"regions,omitempty"`
	OU          string            `yaml:"ou,omitempty"`
	Meta        map[string]string `yaml:",inline"`
}

type inventoryFile struct {
	Accounts []InventoryEntry `yaml:"accounts"`
}

// LoadInventory reads an inventory file: YAML (accounts: [...]) or CSV
// (a header row; columns id, name, role, external_id, regions (space or
// ';' separated), ou, and any others as metadata). Roles given as names or
// left out are built with tmpl.
func LoadInventory(file string, tmpl RoleTemplate) ([]Account, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	var entries []InventoryEntry
	var lines []int
	switch strings.ToLower(filepath.Ext(file)) {
	case ".csv":
		entries, lines, err = parseInventoryCSV(data)
	case ".yaml", ".yml":
		entries, lines, err = parseInventoryYAML(data)
	default:
		return nil, fmt.Errorf("inventory %s: use a .yaml, .yml or .csv file", file)
	}
	if err != nil {
		return nil, fmt.Errorf("inventory %s: %v", file, err)
	}
	seen := map[string]int{}
	var out []Account
	for i, e := range entries {
		at := fmt.Sprintf("inventory %s:%d", file, lines[i])
		if !isAccountID(e.ID) {
			return nil, fmt.Errorf("%s: account id %q must be 12 digits (quote it in YAML)", at, e.ID)
		}
		if prev, dup := seen[e.ID]; dup {
			return nil, fmt.Errorf("%s: account %s is already listed at line %d", at, e.ID, prev)
		}
		seen[e.ID] = lines[i]
		name := e.Name
		if name == "" {
			name = e.ID
		}
		role := e.Role
		switch {
		case role == "":
			role = tmpl.Expand("aws", e.ID, name)
		case !strings.HasPrefix(role, "arn:"):
			role = "arn:aws:iam::" + e.ID + ":role/" + strings.TrimPrefix(role, "/")
		}
		if id, err := accountOfRoleARN(role); err != nil {
			return nil, fmt.Errorf("%s: %v", at, err)
		} else if id != e.ID {
			return nil, fmt.Errorf("%s: role %s is in account %s, not %s", at, role, id, e.ID)
		}
		if e.Duration != 0 && (e.Duration < 900 || e.Duration > 43200) {
			return nil, fmt.Errorf("%s: duration_seconds %d must be from 900 to 43200", at, e.Duration)
		}
		out = append(out, Account{
			ID: e.ID, Name: name, Source: "inventory", RoleARN: role, ExternalID: e.ExternalID,
			SessionName: e.SessionName, Duration: time.Duration(e.Duration) * time.Second,
			Regions: e.Regions, OU: e.OU, Tags: e.Meta,
		})
	}
	return out, nil
}

func parseInventoryYAML(data []byte) ([]InventoryEntry, []int, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var f inventoryFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, errors.New(strings.ReplaceAll(strings.TrimPrefix(err.Error(), "yaml: unmarshal errors:\n  "), "\n", " "))
	}
	lines := make([]int, len(f.Accounts))
	if len(root.Content) > 0 {
		doc := root.Content[0]
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "accounts" {
				for j, item := range doc.Content[i+1].Content {
					if j < len(lines) {
						lines[j] = item.Line
					}
				}
			}
		}
	}
	for i := range f.Accounts {
		for k, v := range f.Accounts[i].Meta {
			if v == "" {
				delete(f.Accounts[i].Meta, k)
			}
		}
	}
	return f.Accounts, lines, nil
}

func parseInventoryCSV(data []byte) ([]InventoryEntry, []int, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("line 1: a header row is required (id,name,role,…): %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["id"]; !ok {
		return nil, nil, errors.New("line 1: the header has no id column")
	}
	var entries []InventoryEntry
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return nil, nil, err
		}
		get := func(k string) string {
			if i, ok := col[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		e := InventoryEntry{ID: get("id"), Name: get("name"), Role: get("role"), ExternalID: get("external_id"), SessionName: get("session_name"), OU: get("ou"), Meta: map[string]string{}}
		if rs := get("regions"); rs != "" {
			e.Regions = strings.FieldsFunc(rs, func(r rune) bool { return r == ' ' || r == ';' || r == '|' })
		}
		if d := get("duration_seconds"); d != "" {
			fmt.Sscan(d, &e.Duration)
		}
		for h, i := range col {
			switch h {
			case "id", "name", "role", "external_id", "session_name", "ou", "regions", "duration_seconds":
				continue
			}
			if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				e.Meta[h] = strings.TrimSpace(rec[i])
			}
		}
		entries = append(entries, e)
		lines = append(lines, line)
	}
	return entries, lines, nil
}
