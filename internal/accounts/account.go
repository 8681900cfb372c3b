// Package accounts resolves the fleet: which AWS accounts rdsfleet works on,
// where that list comes from (AWS config profiles, AWS Organizations, an
// inventory file) and how each account is reached.
package accounts

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Account is one AWS account of the fleet and how to reach it.
type Account struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Source string `json:"source"` // "profile", "organizations" or "inventory"
	// Profile is the AWS config profile the account comes from (profiles
	// source); its source credentials are resolved by the SDK.
	Profile     string        `json:"profile,omitempty"`
	RoleARN     string        `json:"role_arn"`
	ExternalID  string        `json:"-"` // not printed: it is a shared secret of sorts
	SessionName string        `json:"session_name,omitempty"`
	Duration    time.Duration `json:"-"`
	MFASerial   string        `json:"mfa_serial,omitempty"`
	// Regions overrides the fleet's regions for this account; empty means
	// the fleet's.
	Regions []string `json:"regions,omitempty"`
	// HomeRegion is the profile's own region: the default for the fleet's
	// regions when nothing else names them, and where its STS calls go.
	HomeRegion string            `json:"home_region,omitempty"`
	OU         string            `json:"ou,omitempty"` // OU path, e.g. "Workloads/Prod"
	Tags       map[string]string `json:"tags,omitempty"`
}

// HasExternalID says whether an external ID is configured, for display.
func (a Account) HasExternalID() bool { return a.ExternalID != "" }

// Partition returns the partition of the account's role ARN ("aws").
func (a Account) Partition() string {
	parts := strings.SplitN(a.RoleARN, ":", 3)
	if len(parts) < 2 {
		return "aws"
	}
	return parts[1]
}

// RoleTemplate builds role ARNs from a template with ${partition} and
// ${account} (and ${name}) placeholders.
type RoleTemplate string

// DefaultRoleTemplate is the role AWS's walkthrough creates in each
// application account.
const DefaultRoleTemplate RoleTemplate = "arn:${partition}:iam::${account}:role/DB-Management-Host-Access-Role"

// Expand fills the template for one account.
func (t RoleTemplate) Expand(partition, accountID, name string) string {
	r := strings.NewReplacer("${partition}", partition, "${account}", accountID, "${name}", name)
	return r.Replace(string(t))
}

// Validate checks the template names an IAM role and uses ${account}.
func (t RoleTemplate) Validate() error {
	s := string(t)
	if !strings.Contains(s, "${account}") {
		return fmt.Errorf("role template %q must contain ${account}", s)
	}
	if !strings.HasPrefix(s, "arn:") || !strings.Contains(s, ":role/") {
		return fmt.Errorf("role template %q must be a role ARN like %s", s, DefaultRoleTemplate)
	}
	return nil
}

// Sort orders accounts by name, then ID, so every listing is stable.
func Sort(accts []Account) {
	sort.SliceStable(accts, func(i, j int) bool {
		if accts[i].Name != accts[j].Name {
			return accts[i].Name < accts[j].Name
		}
		return accts[i].ID < accts[j].ID
	})
}

// isAccountID reports whether s is a 12-digit account ID.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// accountOfRoleARN returns the account ID of arn:PARTITION:iam::ACCOUNT:role/NAME.
func accountOfRoleARN(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !isAccountID(parts[4]) || !strings.HasPrefix(parts[5], "role/") {
		return "", fmt.Errorf("role_arn %q is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)", arn)
	}
	return parts[4], nil
}
