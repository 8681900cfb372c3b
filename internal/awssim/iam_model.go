package awssim

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// iamAccount is an account's IAM: global, not per region.
type iamAccount struct {
	users            map[string]*iamUser
	roles            map[string]*iamRole
	policies         map[string]*managedPolicy // customer managed, by ARN
	instanceProfiles map[string]*instanceProfile
	mfaDevices       map[string]*mfaDevice // by serial (ARN)
}

// policyDoc is a policy's text and its parsed form.
type policyDoc struct {
	text string
	doc  *policy.Document
}

type iamUser struct {
	name, path, id, arn string
	created             time.Time
	inline              map[string]policyDoc
	attached            []string // managed policy ARNs
	tags                map[string]string
	keys                []*accessKey
}

type iamRole struct {
	name, path, id, arn, description string
	created                          time.Time
	trust                            policyDoc
	inline                           map[string]policyDoc
	attached                         []string
	maxSession                       int32
	tags                             map[string]string
	lastUsed                         time.Time
}

type managedPolicy struct {
	name, path, id, arn, description string
	created, updated                 time.Time
	versions                         []*policyVersion // newest last
	defaultVersion                   string
	lastVersion                      int // highest version number ever issued
	tags                             map[string]string
}

type policyVersion struct {
	id      string // v1, v2, ...
	doc     policyDoc
	created time.Time
}

func (p *managedPolicy) defaultDoc() *policyVersion {
	for _, v := range p.versions {
		if v.id == p.defaultVersion {
			return v
		}
	}
	return nil
}

type instanceProfile struct {
	name, path, id, arn string
	created             time.Time
	roles               []string // role names; at most one
	tags                map[string]string
}

type mfaDevice struct {
	serial, user string
	seed         []byte
	lastCode     string    // a code may be used once, as AWS enforces
	enabled      time.Time // zero: enabled before the simulation started
}

// parsePolicy parses a policy, caching by text: generated worlds repeat the
// same documents thousands of times.
func (s *Server) parsePolicy(text string, kind policy.Kind) (policyDoc, error) {
	key := fmt.Sprint(kind) + "\x00" + text
	if d, ok := s.policyCache[key]; ok {
		return policyDoc{text: text, doc: d}, nil
	}
	d, err := policy.Parse(text, kind)
	if err != nil {
		return policyDoc{}, err
	}
	if len(s.policyCache) < 10000 {
		s.policyCache[key] = d
	}
	return policyDoc{text: text, doc: d}, nil
}

// managedPolicyLocked finds an AWS managed or customer managed policy.
func (s *Server) managedPolicyLocked(arn string) (*policy.Document, bool) {
	if d, ok := policy.AWSManaged(arn); ok {
		return d, true
	}
	acct := accountOfARN(arn)
	a := s.accounts[acct]
	if a == nil {
		return nil, false
	}
	p := a.iam.policies[arn]
	if p == nil {
		return nil, false
	}
	v := p.defaultDoc()
	if v == nil {
		return nil, false
	}
	return v.doc.doc, true
}

// identityPoliciesLocked are the policies that apply to p's calls: the
// user's or role's inline and attached managed policies.
func (s *Server) identityPoliciesLocked(p *principal) []*policy.Document {
	a := s.accounts[p.account]
	if a == nil {
		return nil
	}
	var inline map[string]policyDoc
	var attached []string
	switch p.kind {
	case kindUser:
		u := a.iam.users[p.userName]
		if u == nil {
			return nil
		}
		inline, attached = u.inline, u.attached
	case kindRoleSession:
		r := a.iam.roles[p.roleName]
		if r == nil || r.arn != p.entityARN() {
			return nil
		}
		inline, attached = r.inline, r.attached
	default:
		return nil
	}
	docs := make([]*policy.Document, 0, len(inline)+len(attached))
	names := make([]string, 0, len(inline))
	for n := range inline {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		docs = append(docs, inline[n].doc)
	}
	for _, arn := range attached {
		if d, ok := s.managedPolicyLocked(arn); ok {
			docs = append(docs, d)
		}
	}
	return docs
}

// principalTagsLocked are aws:PrincipalTag values: the user's or role's tags,
// overridden by session tags.
func (s *Server) principalTagsLocked(p *principal) map[string]string {
	tags := map[string]string{}
	if a := s.accounts[p.account]; a != nil {
		switch p.kind {
		case kindUser:
			if u := a.iam.users[p.userName]; u != nil {
				for k, v := range u.tags {
					tags[k] = v
				}
			}
		case kindRoleSession:
			if r := a.iam.roles[p.roleName]; r != nil {
				for k, v := range r.tags {
					tags[k] = v
				}
			}
		}
	}
	for k, v := range p.sessionTags {
		tags[k] = v
	}
	return tags
}

func (s *Server) loadIAM(a *account, w *world.Account) error {
	now := s.now().Add(-30 * 24 * time.Hour)
	a.iam = iamAccount{
		users: map[string]*iamUser{}, roles: map[string]*iamRole{}, policies: map[string]*managedPolicy{},
		instanceProfiles: map[string]*instanceProfile{}, mfaDevices: map[string]*mfaDevice{},
	}
	for _, wp := range w.Policies {
		doc, err := s.parsePolicy(string(wp.Document), policy.KindIdentity)
		if err != nil {
			return fmt.Errorf("account %s: policy %s: %v", a.id, wp.Name, err)
		}
		arn := world.ManagedPolicyARN(a.id, wp.Path, wp.Name)
		a.iam.policies[arn] = &managedPolicy{
			name: wp.Name, path: orSlash(wp.Path), id: stableID("ANPA", arn), arn: arn, description: wp.Description,
			created: now, updated: now, defaultVersion: "v1",
			versions: []*policyVersion{{id: "v1", doc: doc, created: now}},
		}
	}
	inline := func(m map[string]world.Policy, owner string) (map[string]policyDoc, error) {
		out := map[string]policyDoc{}
		for name, text := range m {
			d, err := s.parsePolicy(string(text), policy.KindIdentity)
			if err != nil {
				return nil, fmt.Errorf("account %s: %s: inline policy %s: %v", a.id, owner, name, err)
			}
			out[name] = d
		}
		return out, nil
	}
	for _, wu := range w.Users {
		arn := iamARN(a.id, "user", wu.Path, wu.Name)
		u := &iamUser{name: wu.Name, path: orSlash(wu.Path), id: stableID("AIDA", arn), arn: arn, created: now,
			attached: append([]string(nil), wu.ManagedPolicies...), tags: copyTags(wu.Tags)}
		var err error
		if u.inline, err = inline(wu.InlinePolicies, "user "+wu.Name); err != nil {
			return err
		}
		if wu.AccessKeyID != "" {
			p := &principal{kind: kindUser, account: a.id, arn: arn, userID: u.id, userName: u.name}
			k := &accessKey{id: wu.AccessKeyID, secret: wu.SecretAccessKey, principal: p, active: true, created: now}
			u.keys = append(u.keys, k)
			s.keys[k.id] = k
		}
		a.iam.users[u.name] = u
	}
	for _, wr := range w.Roles {
		arn := iamARN(a.id, "role", wr.Path, wr.Name)
		trust, err := s.parsePolicy(string(wr.TrustPolicy), policy.KindTrust)
		if err != nil {
			return fmt.Errorf("account %s: role %s: trust policy: %v", a.id, wr.Name, err)
		}
		r := &iamRole{name: wr.Name, path: orSlash(wr.Path), id: stableID("AROA", arn), arn: arn, description: wr.Description,
			created: now, trust: trust, attached: append([]string(nil), wr.ManagedPolicies...),
			maxSession: wr.MaxSessionDuration, tags: copyTags(wr.Tags)}
		if r.maxSession == 0 {
			r.maxSession = 3600
		}
		if r.inline, err = inline(wr.InlinePolicies, "role "+wr.Name); err != nil {
			return err
		}
		a.iam.roles[r.name] = r
	}
	for _, wp := range w.InstanceProfiles {
		arn := iamARN(a.id, "instance-profile", wp.Path, wp.Name)
		a.iam.instanceProfiles[wp.Name] = &instanceProfile{name: wp.Name, path: orSlash(wp.Path), id: stableID("AIPA", arn),
			arn: arn, created: now, roles: append([]string(nil), wp.Roles...)}
	}
	for _, wm := range w.MFADevices {
		seed, err := decodeTOTPSeed(wm.Seed)
		if err != nil {
			return fmt.Errorf("account %s: mfa device %s: seed: %v", a.id, wm.Name, err)
		}
		serial := iamARN(a.id, "mfa", "/", wm.Name)
		a.iam.mfaDevices[serial] = &mfaDevice{serial: serial, user: wm.User, seed: seed}
	}
	return nil
}

func orSlash(path string) string {
	if path == "" {
		return "/"
	}
	return path
}

func copyTags(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// accountOfARN returns the account field of an ARN ("" if none).
func accountOfARN(arn string) string {
	parts := splitARN(arn)
	if parts == nil {
		return ""
	}
	return parts[4]
}

// splitARN splits arn:partition:service:region:account:resource, or returns nil.
func splitARN(arn string) []string {
	var parts []string
	rest := arn
	for i := 0; i < 5; i++ {
		j := strings.IndexByte(rest, ':')
		if j < 0 {
			return nil
		}
		parts = append(parts, rest[:j])
		rest = rest[j+1:]
	}
	if parts[0] != "arn" {
		return nil
	}
	return append(parts, rest)
}
