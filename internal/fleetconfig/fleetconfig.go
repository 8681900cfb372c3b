// Package fleetconfig reads rdsfleet's own configuration file: where the
// fleet's accounts come from, which regions to sweep, and how roles are
// assumed. Flags override it; it overrides the defaults.
package fleetconfig

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/rdsfleet/rdsfleet/internal/accounts"
)

// Config is the rdsfleet configuration file.
type Config struct {
	// Sources are where accounts come from; empty means the AWS config's
	// role profiles.
	Sources []Source `yaml:"sources,omitempty"`
	// Regions to sweep: names, or ["all"] for every region the base
	// identity's account has enabled (EC2 DescribeRegions). Empty: the
	// regions of the AWS config profiles, else the SDK's default region.
	Regions      []string              `yaml:"regions,omitempty"`
	RoleTemplate accounts.RoleTemplate `yaml:"role_template,omitempty"`
	ExternalID   string                `yaml:"external_id,omitempty"`
	SessionName  string                `yaml:"session_name,omitempty"`
	Concurrency  int                   `yaml:"concurrency,omitempty"`
	// BaseProfile is the AWS profile whose credentials assume the roles of
	// Organizations and inventory accounts; empty means the SDK's default
	// chain (on the management host: its instance profile).
	BaseProfile string `yaml:"base_profile,omitempty"`

	// Path is where the config was read from ("" for defaults).
	Path string `yaml:"-"`
}

// Source is one place accounts come from.
type Source struct {
	Type string `yaml:"type"` // profiles, organizations or inventory
	// Match keeps profiles whose names match one of these globs (profiles).
	Match []string `yaml:"match,omitempty"`
	// Profile is the management or delegated-admin profile to list the
	// organization with (organizations); empty means BaseProfile.
	Profile string `yaml:"profile,omitempty"`
	// CacheTTL is how long the organization's account list is reused
	// (organizations); zero means DefaultOrgCacheTTL, "0s" is not allowed:
	// use --refresh to bypass.
	CacheTTL Duration `yaml:"cache_ttl,omitempty"`
	// File is the inventory file (inventory), relative to the config file.
	File string `yaml:"file,omitempty"`
}

// Duration is a time.Duration written as "1h30m" in YAML.
type Duration time.Duration

// UnmarshalYAML parses Go duration syntax.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 30m or 1h", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// DefaultOrgCacheTTL is how long an organization's account list is reused.
const DefaultOrgCacheTTL = time.Hour

// DefaultPath is config.yaml under the user's config dir (~/.config/rdsfleet).
func DefaultPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "rdsfleet", "config.yaml")
}

// Resolve finds the config file: the flag, else RDSFLEET_CONFIG, else the
// default path. explicit says whether the user named it (then it must exist).
func Resolve(flag string) (path string, explicit bool) {
	if flag != "" {
		return flag, true
	}
	if env := os.Getenv("RDSFLEET_CONFIG"); env != "" {
		return env, true
	}
	return DefaultPath(), false
}

// Load reads the config at path. A missing default file is the empty config.
func Load(path string, explicit bool) (*Config, error) {
	if path == "" {
		return &Config{}, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	return c, nil
}

var lineRE = regexp.MustCompile(`line (\d+): `)

// Parse decodes and validates config text; errors name the file and line.
func Parse(path string, data []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
		if i := strings.Index(msg, "\n"); i >= 0 {
			msg = msg[:i]
		}
		msg = strings.Replace(msg, "not found in type fleetconfig.Config", "is not a key of the rdsfleet config (see the README)", 1)
		msg = strings.Replace(msg, "not found in type fleetconfig.Source", "is not a key of a source (type, match, profile, cache_ttl, file)", 1)
		if m := lineRE.FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("config %s:%s: %s", path, m[1], strings.Replace(msg, m[0], "", 1))
		}
		return nil, fmt.Errorf("config %s: %s", path, msg)
	}
	c.Path = path
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &c, nil
}

func (c *Config) validate() error {
	for i, s := range c.Sources {
		switch s.Type {
		case "profiles", "organizations":
		case "inventory":
			if s.File == "" {
				return fmt.Errorf("sources[%d]: an inventory source needs a file", i)
			}
		default:
			return fmt.Errorf("sources[%d]: type %q must be profiles, organizations or inventory", i, s.Type)
		}
		if s.CacheTTL < 0 {
			return fmt.Errorf("sources[%d]: cache_ttl must be positive", i)
		}
	}
	if c.RoleTemplate != "" {
		if err := c.RoleTemplate.Validate(); err != nil {
			return fmt.Errorf("role_template: %w", err)
		}
	}
	if c.Concurrency < 0 || c.Concurrency > 1024 {
		return errors.New("concurrency must be between 1 and 1024")
	}
	return nil
}

// InventoryPath resolves an inventory file relative to the config file.
func (c *Config) InventoryPath(file string) string {
	if filepath.IsAbs(file) || c.Path == "" {
		return file
	}
	return filepath.Join(filepath.Dir(c.Path), file)
}
