package world

import (
	"encoding/base32"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

// Validate checks a world for the mistakes that would otherwise surface as
// confusing behaviour later: duplicate IDs, dangling references, unknown
// managed policies and malformed policy documents. The first problem is
// returned as a *FieldError.
func Validate(w *World) error {
	v := validator{w: w, regions: map[string]bool{}, accounts: map[string]*Account{}, keys: map[string][]any{},
		docs: map[docKey]*docProblem{}, acctIndex: map[string]int{}}
	return v.run()
}

type validator struct {
	w          *World
	regions    map[string]bool
	regionList []string
	accounts   map[string]*Account
	acctIndex  map[string]int
	keys       map[string][]any
	// docs memoizes policy checks by text: generated worlds share one
	// document among thousands of roles.
	docs map[docKey]*docProblem
}

type docKey struct {
	kind policy.Kind
	doc  Policy
}

// quoteHint ends the account id message: YAML turns unquoted digits into
// numbers, which lose leading zeros in most YAML readers.
const quoteHint = ` (write it in quotes: "012345678901")`

func fail(msg string, path ...any) error { return &FieldError{Path: path, Msg: msg} }

func (v *validator) run() error {
	regions := v.w.Regions
	if len(regions) == 0 {
		regions = DefaultRegions
	}
	for i, r := range v.w.Regions {
		if !regionPattern(r) {
			return fail(fmt.Sprintf("%q is not a region name like us-east-1", r), "regions", i)
		}
	}
	for _, r := range regions {
		v.regions[r] = true
	}
	v.regionList = regions
	if len(v.w.Accounts) == 0 {
		return fail("a world needs at least one account", "accounts")
	}
	for i := range v.w.Accounts {
		a := &v.w.Accounts[i]
		if !IsAccountID(a.ID) {
			return fail(fmt.Sprintf("account id %q must be 12 digits", a.ID)+quoteHint, "accounts", i, "id")
		}
		if first, dup := v.acctIndex[a.ID]; dup {
			return fail(fmt.Sprintf("account %s is declared twice (first at accounts[%d])", a.ID, first), "accounts", i, "id")
		}
		v.accounts[a.ID] = a
		v.acctIndex[a.ID] = i
		if a.Name == "" {
			return fail("every account needs a name", "accounts", i)
		}
		switch a.Status {
		case "", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE":
		default:
			return fail(fmt.Sprintf("status %q must be ACTIVE, SUSPENDED or PENDING_CLOSURE", a.Status), "accounts", i, "status")
		}
	}
	if o := v.w.Organization; o != nil {
		if _, ok := v.accounts[o.ManagementAccount]; !ok {
			return fail(fmt.Sprintf("management account %q is not one of the accounts", o.ManagementAccount), "organization", "management_account")
		}
		if o.ID != "" && !strings.HasPrefix(o.ID, "o-") {
			return fail("an organization id starts with o-", "organization", "id")
		}
		ous := ouPaths(o.OrganizationalUnits, "")
		for i, a := range v.w.Accounts {
			if a.OU != "" && !ous[a.OU] {
				return fail(fmt.Sprintf("ou %q is not declared under organization.organizational_units", a.OU), "accounts", i, "ou")
			}
		}
	}
	for i := range v.w.Accounts {
		if err := v.account(i); err != nil {
			return err
		}
	}
	return nil
}

func ouPaths(ous []OU, prefix string) map[string]bool {
	m := map[string]bool{}
	for _, ou := range ous {
		p := ou.Name
		if prefix != "" {
			p = prefix + "/" + ou.Name
		}
		m[p] = true
		for k := range ouPaths(ou.Children, p) {
			m[k] = true
		}
	}
	return m
}

func regionPattern(r string) bool {
	parts := strings.Split(r, "-")
	return len(parts) >= 3 && len(parts[0]) == 2 && r == strings.ToLower(r)
}

func (v *validator) region(r string, path ...any) error {
	if r == "" {
		return fail("region is required", path...)
	}
	if !v.regions[r] {
		return fail(fmt.Sprintf("region %q is not one of the world's regions (%s); list it under the top-level regions", r, strings.Join(v.regionList, ", ")), path...)
	}
	return nil
}

func (v *validator) policyDoc(doc Policy, kind policy.Kind, path ...any) error {
	k := docKey{kind, doc}
	p, seen := v.docs[k]
	if !seen {
		p = checkPolicy(string(doc), kind)
		v.docs[k] = p
	}
	if p == nil {
		return nil
	}
	return fail("malformed policy document: "+p.msg, append(slices.Clone(path), p.sub...)...)
}

func (v *validator) managed(acct *Account, arns []string, path ...any) error {
	for j, arn := range arns {
		if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
			if _, ok := policy.AWSManaged(arn); !ok {
				return fail(fmt.Sprintf("unknown AWS managed policy %s (known: %s)", arn, strings.Join(policy.AWSManagedARNs(), ", ")), append(path, j)...)
			}
			continue
		}
		found := false
		for _, p := range acct.Policies {
			if ManagedPolicyARN(acct.ID, p.Path, p.Name) == arn {
				found = true
			}
		}
		if !found {
			return fail(fmt.Sprintf("managed policy %s is neither an AWS managed policy nor declared under this account's policies (a customer managed policy named N is arn:aws:iam::%s:policy/N)", arn, acct.ID), append(path, j)...)
		}
	}
	return nil
}

// ManagedPolicyARN is the ARN of a customer managed policy.
func ManagedPolicyARN(account, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + account + ":policy" + path + name
}

func (v *validator) account(i int) error {
	a := &v.w.Accounts[i]
	at := func(rest ...any) []any { return append([]any{"accounts", i}, rest...) }
	for j, r := range a.DisabledRegions {
		if err := v.region(r, at("disabled_regions", j)...); err != nil {
			return err
		}
	}
	names := map[string]bool{}
	for j, p := range a.Policies {
		if p.Name == "" || names[p.Name] {
			return fail(fmt.Sprintf("policy name %q is empty or declared twice", p.Name), at("policies", j)...)
		}
		names[p.Name] = true
		if err := v.policyDoc(p.Document, policy.KindIdentity, at("policies", j, "document")...); err != nil {
			return err
		}
	}
	users := map[string]bool{}
	for j, u := range a.Users {
		if u.Name == "" || users[u.Name] {
			return fail(fmt.Sprintf("user name %q is empty or declared twice", u.Name), at("users", j, "name")...)
		}
		users[u.Name] = true
		if (u.AccessKeyID == "") != (u.SecretAccessKey == "") {
			return fail("access_key_id and secret_access_key go together", at("users", j)...)
		}
		if u.AccessKeyID != "" {
			if !strings.HasPrefix(u.AccessKeyID, "AKIA") || len(u.AccessKeyID) < 16 {
				return fail(fmt.Sprintf("access key id %q must start with AKIA and have at least 16 characters", u.AccessKeyID), at("users", j, "access_key_id")...)
			}
			if prev, dup := v.keys[u.AccessKeyID]; dup {
				return fail(fmt.Sprintf("access key %s is already used at %s", u.AccessKeyID, (&FieldError{Path: prev}).PathString()), at("users", j, "access_key_id")...)
			}
			v.keys[u.AccessKeyID] = at("users", j, "access_key_id")
		}
		if err := v.managed(a, u.ManagedPolicies, at("users", j, "managed_policies")...); err != nil {
			return err
		}
		for _, name := range sortedKeys(u.InlinePolicies) {
			if err := v.policyDoc(u.InlinePolicies[name], policy.KindIdentity, at("users", j, "inline_policies", name)...); err != nil {
				return err
			}
		}
	}
	roles := map[string]bool{}
	for j, r := range a.Roles {
		if r.Name == "" || roles[r.Name] {
			return fail(fmt.Sprintf("role name %q is empty or declared twice", r.Name), at("roles", j, "name")...)
		}
		roles[r.Name] = true
		if r.TrustPolicy == "" {
			return fail("a role needs a trust_policy", at("roles", j)...)
		}
		if err := v.policyDoc(r.TrustPolicy, policy.KindTrust, at("roles", j, "trust_policy")...); err != nil {
			return err
		}
		if err := v.managed(a, r.ManagedPolicies, at("roles", j, "managed_policies")...); err != nil {
			return err
		}
		for _, name := range sortedKeys(r.InlinePolicies) {
			if err := v.policyDoc(r.InlinePolicies[name], policy.KindIdentity, at("roles", j, "inline_policies", name)...); err != nil {
				return err
			}
		}
		if d := r.MaxSessionDuration; d != 0 && (d < 3600 || d > 43200) {
			return fail("max_session_duration must be between 3600 and 43200 seconds", at("roles", j, "max_session_duration")...)
		}
	}
	profiles := map[string]bool{}
	for j, p := range a.InstanceProfiles {
		if p.Name == "" || profiles[p.Name] {
			return fail(fmt.Sprintf("instance profile name %q is empty or declared twice", p.Name), at("instance_profiles", j, "name")...)
		}
		profiles[p.Name] = true
		if len(p.Roles) > 1 {
			return fail("an instance profile holds at most one role", at("instance_profiles", j, "roles")...)
		}
		for k, r := range p.Roles {
			if !roles[r] {
				return fail(fmt.Sprintf("role %q is not declared in this account", r), at("instance_profiles", j, "roles", k)...)
			}
		}
	}
	for j, m := range a.MFADevices {
		if !users[m.User] {
			return fail(fmt.Sprintf("user %q is not declared in this account", m.User), at("mfa_devices", j, "user")...)
		}
		if m.Name == "" || m.Seed == "" {
			return fail("an MFA device needs a name and a base32 seed", at("mfa_devices", j)...)
		}
		if !validBase32(m.Seed) {
			return fail(fmt.Sprintf("seed %q is not base32 (letters A-Z and digits 2-7, e.g. JBSWY3DPEHPK3PXP)", m.Seed), at("mfa_devices", j, "seed")...)
		}
	}
	ids := map[string]bool{}
	unique := func(id, what string, path ...any) error {
		if id == "" {
			return fail(what+" id is required", path...)
		}
		if ids[what+id] {
			return fail(fmt.Sprintf("%s %s is declared twice", what, id), path...)
		}
		ids[what+id] = true
		return nil
	}
	vpcs := map[string]bool{}
	for j, vpc := range a.VPCs {
		if err := unique(vpc.ID, "vpc", at("vpcs", j, "id")...); err != nil {
			return err
		}
		if err := v.region(vpc.Region, at("vpcs", j, "region")...); err != nil {
			return err
		}
		if _, _, err := net.ParseCIDR(vpc.CIDR); err != nil {
			return fail(fmt.Sprintf("cidr %q is not a CIDR block", vpc.CIDR), at("vpcs", j, "cidr")...)
		}
		vpcs[vpc.ID] = true
		for k, s := range vpc.Subnets {
			if _, _, err := net.ParseCIDR(s.CIDR); err != nil {
				return fail(fmt.Sprintf("cidr %q is not a CIDR block", s.CIDR), at("vpcs", j, "subnets", k, "cidr")...)
			}
		}
	}
	for j, inst := range a.EC2Instances {
		if err := unique(inst.ID, "instance", at("ec2_instances", j, "id")...); err != nil {
			return err
		}
		if err := v.region(inst.Region, at("ec2_instances", j, "region")...); err != nil {
			return err
		}
		if inst.InstanceProfile != "" && !profiles[inst.InstanceProfile] {
			return fail(fmt.Sprintf("instance profile %q is not declared in this account", inst.InstanceProfile), at("ec2_instances", j, "instance_profile")...)
		}
		if inst.VPC != "" && !vpcs[inst.VPC] {
			return fail(fmt.Sprintf("vpc %q is not declared in this account", inst.VPC), at("ec2_instances", j, "vpc")...)
		}
	}
	for j, p := range a.VPCPeerings {
		if err := unique(p.ID, "peering", at("vpc_peerings", j, "id")...); err != nil {
			return err
		}
		if err := v.region(p.Region, at("vpc_peerings", j, "region")...); err != nil {
			return err
		}
		if !vpcs[p.VPC] {
			return fail(fmt.Sprintf("vpc %q is not declared in this account", p.VPC), at("vpc_peerings", j, "vpc")...)
		}
		if p.PeerAccount != "" {
			if _, ok := v.accounts[p.PeerAccount]; !ok {
				return fail(fmt.Sprintf("peer account %q is not one of the accounts", p.PeerAccount), at("vpc_peerings", j, "peer_account")...)
			}
		}
	}
	keys := map[string]bool{}
	for j, k := range a.KMSKeys {
		if err := unique(k.ID, "key", at("kms_keys", j, "id")...); err != nil {
			return err
		}
		if err := v.region(k.Region, at("kms_keys", j, "region")...); err != nil {
			return err
		}
		keys[k.ID] = true
		if k.Alias != "" {
			if !strings.HasPrefix(k.Alias, "alias/") {
				return fail("a key alias starts with alias/", at("kms_keys", j, "alias")...)
			}
			keys[k.Alias] = true
		}
		if k.Policy != "" {
			if err := v.policyDoc(k.Policy, policy.KindResource, at("kms_keys", j, "policy")...); err != nil {
				return err
			}
		}
	}
	for j, s := range a.Secrets {
		if err := unique(s.Region+"/"+s.Name, "secret", at("secrets", j, "name")...); err != nil {
			return err
		}
		if err := v.region(s.Region, at("secrets", j, "region")...); err != nil {
			return err
		}
		if s.KMSKey != "" && !keys[s.KMSKey] && !strings.HasPrefix(s.KMSKey, "arn:") {
			return fail(fmt.Sprintf("kms key %q is not declared under this account's kms_keys", s.KMSKey), at("secrets", j, "kms_key")...)
		}
		if s.ResourcePolicy != "" {
			if err := v.policyDoc(s.ResourcePolicy, policy.KindResource, at("secrets", j, "resource_policy")...); err != nil {
				return err
			}
		}
	}
	clusters := map[string]bool{}
	for j, c := range a.DBClusters {
		if err := unique(c.Region+"/"+c.ID, "cluster", at("db_clusters", j, "id")...); err != nil {
			return err
		}
		if err := v.region(c.Region, at("db_clusters", j, "region")...); err != nil {
			return err
		}
		if !slices.Contains(clusterEngines, c.Engine) {
			return fail(fmt.Sprintf("engine %q is not a cluster engine (%s)", c.Engine, strings.Join(clusterEngines, ", ")), at("db_clusters", j, "engine")...)
		}
		clusters[c.Region+"/"+c.ID] = true
	}
	instances := map[string]bool{}
	for j, d := range a.DBInstances {
		if err := unique(d.Region+"/"+d.ID, "db instance", at("db_instances", j, "id")...); err != nil {
			return err
		}
		if err := v.region(d.Region, at("db_instances", j, "region")...); err != nil {
			return err
		}
		if !slices.Contains(Engines, d.Engine) {
			return fail(fmt.Sprintf("engine %q is not an RDS engine (%s)", d.Engine, strings.Join(Engines, ", ")), at("db_instances", j, "engine")...)
		}
		if d.Cluster != "" && !clusters[d.Region+"/"+d.Cluster] {
			return fail(fmt.Sprintf("cluster %q is not declared in this account and region", d.Cluster), at("db_instances", j, "cluster")...)
		}
		if d.Backend != "" {
			if _, _, err := net.SplitHostPort(d.Backend); err != nil {
				return fail(fmt.Sprintf("backend %q must be host:port", d.Backend), at("db_instances", j, "backend")...)
			}
		}
		instances[d.Region+"/"+d.ID] = true
	}
	for j, s := range a.DBSnapshots {
		if err := unique(s.Region+"/"+s.ID, "snapshot", at("db_snapshots", j, "id")...); err != nil {
			return err
		}
		if err := v.region(s.Region, at("db_snapshots", j, "region")...); err != nil {
			return err
		}
		if (s.Instance == "") == (s.Cluster == "") {
			return fail("a snapshot names exactly one of instance or cluster", at("db_snapshots", j)...)
		}
		if s.Instance != "" && !instances[s.Region+"/"+s.Instance] {
			return fail(fmt.Sprintf("db instance %q is not declared in this account and region", s.Instance), at("db_snapshots", j, "instance")...)
		}
		if s.Cluster != "" && !clusters[s.Region+"/"+s.Cluster] {
			return fail(fmt.Sprintf("cluster %q is not declared in this account and region", s.Cluster), at("db_snapshots", j, "cluster")...)
		}
	}
	return nil
}

// Engines are the RDS engines the simulator knows.
var Engines = []string{
	"postgres", "mysql", "mariadb", "aurora-postgresql", "aurora-mysql",
	"oracle-ee", "oracle-se2", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web",
}

var clusterEngines = []string{"aurora-postgresql", "aurora-mysql", "postgres", "mysql"}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// validBase32 matches the simulator's reading of TOTP seeds: case and
// spaces ignored, padding optional.
func validBase32(seed string) bool {
	s := strings.ToUpper(strings.ReplaceAll(seed, " ", ""))
	s = strings.TrimRight(s, "=")
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	return err == nil && len(b) > 0
}
