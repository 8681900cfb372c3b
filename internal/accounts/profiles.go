package accounts

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/ini.v1"
)

// ProfileConfig is what rdsfleet reads of the AWS config file itself: the
// profile list and each profile's role settings. Source credentials
// (credential_source, source_profile, SSO, credential_process …) are left
// to the SDK's own shared-config loading, once per distinct source.
//
// Reading the file once matters: the SDK re-parses the whole file for each
// profile it loads (about 3 ms per profile for a 1,000-profile file).
type ProfileConfig struct {
	Path     string
	Profiles map[string]Profile
}

// Profile is one [profile NAME] section.
type Profile struct {
	Name             string
	Region           string
	RoleARN          string
	SourceProfile    string
	CredentialSource string
	ExternalID       string
	MFASerial        string
	RoleSessionName  string
	Duration         time.Duration
}

// DefaultConfigPath is where the AWS CLI and SDKs look: AWS_CONFIG_FILE, or
// ~/.aws/config.
func DefaultConfigPath() string {
	if p := os.Getenv("AWS_CONFIG_FILE"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".aws", "config")
	}
	return filepath.Join(home, ".aws", "config")
}

var credentialSources = []string{"Ec2InstanceMetadata", "Environment", "EcsContainer"}

// LoadProfileConfig reads an AWS config file. A missing file is an empty
// config.
func LoadProfileConfig(path string) (*ProfileConfig, error) {
	pc := &ProfileConfig{Path: path, Profiles: map[string]Profile{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return pc, nil
	}
	if err != nil {
		return nil, fmt.Errorf("aws config %s: %w", path, err)
	}
	f, err := ini.LoadSources(ini.LoadOptions{AllowPythonMultilineValues: true, SpaceBeforeInlineComment: true, Insensitive: false}, data)
	if err != nil {
		return nil, fmt.Errorf("aws config %s: %v", path, err)
	}
	for _, sec := range f.Sections() {
		name, ok := profileName(sec.Name())
		if !ok {
			continue
		}
		p := Profile{
			Name:             name,
			Region:           sec.Key("region").String(),
			RoleARN:          sec.Key("role_arn").String(),
			SourceProfile:    sec.Key("source_profile").String(),
			CredentialSource: sec.Key("credential_source").String(),
			ExternalID:       sec.Key("external_id").String(),
			MFASerial:        sec.Key("mfa_serial").String(),
			RoleSessionName:  sec.Key("role_session_name").String(),
		}
		if d := sec.Key("duration_seconds").String(); d != "" {
			secs, err := strconv.Atoi(d)
			if err != nil || secs < 900 || secs > 43200 {
				return nil, fmt.Errorf("aws config %s: profile %s: duration_seconds %q must be a number of seconds from 900 to 43200", path, name, d)
			}
			p.Duration = time.Duration(secs) * time.Second
		}
		pc.Profiles[name] = p
	}
	return pc, nil
}

// profileName maps a section name to a profile name: "default", or
// "profile NAME". Other sections (sso-session, services) are not profiles.
func profileName(section string) (string, bool) {
	if section == "default" {
		return "default", true
	}
	if rest, ok := strings.CutPrefix(section, "profile "); ok {
		return strings.TrimSpace(rest), true
	}
	return "", false
}

// Check finds the mistakes the SDK would otherwise report one account at
// a time, deep in a sweep: a role profile with two sources or none, an
// unknown source_profile, a cycle of source profiles.
func (pc *ProfileConfig) Check(name string) error {
	p, ok := pc.Profiles[name]
	if !ok {
		return fmt.Errorf("aws config %s: profile %q does not exist", pc.Path, name)
	}
	seen := map[string]bool{}
	for cur := p; ; {
		if seen[cur.Name] {
			return fmt.Errorf("aws config %s: profile %s: source_profile chain loops back to %s", pc.Path, name, cur.Name)
		}
		seen[cur.Name] = true
		if cur.RoleARN == "" {
			return nil
		}
		if _, err := accountOfRoleARN(cur.RoleARN); err != nil {
			return fmt.Errorf("aws config %s: profile %s: %v", pc.Path, cur.Name, err)
		}
		switch {
		case cur.SourceProfile != "" && cur.CredentialSource != "":
			return fmt.Errorf("aws config %s: profile %s has both source_profile and credential_source; keep one", pc.Path, cur.Name)
		case cur.SourceProfile == "" && cur.CredentialSource == "":
			return fmt.Errorf("aws config %s: profile %s has role_arn but neither source_profile nor credential_source", pc.Path, cur.Name)
		case cur.CredentialSource != "":
			if !contains(credentialSources, cur.CredentialSource) {
				return fmt.Errorf("aws config %s: profile %s: credential_source %q must be one of %s", pc.Path, cur.Name, cur.CredentialSource, strings.Join(credentialSources, ", "))
			}
			return nil
		}
		next, ok := pc.Profiles[cur.SourceProfile]
		if !ok {
			return fmt.Errorf("aws config %s: profile %s: source_profile %q does not exist", pc.Path, cur.Name, cur.SourceProfile)
		}
		cur = next
	}
}

// SourceKey groups profiles that share source credentials: the same
// source_profile, or the same credential_source.
func (p Profile) SourceKey() string {
	if p.SourceProfile != "" {
		return "profile:" + p.SourceProfile
	}
	return "source:" + p.CredentialSource
}

// Accounts are the profiles that have a role_arn: with no rdsfleet config,
// exactly the centralized config of AWS's walkthrough. Profiles named in
// skip (e.g. an Organizations management profile) are left out.
func (pc *ProfileConfig) Accounts() ([]Account, error) {
	names := make([]string, 0, len(pc.Profiles))
	for n, p := range pc.Profiles {
		if p.RoleARN != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []Account
	for _, n := range names {
		if err := pc.Check(n); err != nil {
			return nil, err
		}
		p := pc.Profiles[n]
		id, _ := accountOfRoleARN(p.RoleARN)
		a := Account{
			ID: id, Name: n, Source: "profile", Profile: n, RoleARN: p.RoleARN,
			ExternalID: p.ExternalID, SessionName: p.RoleSessionName, Duration: p.Duration, MFASerial: p.MFASerial,
		}
		a.HomeRegion = p.Region
		out = append(out, a)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
