package awssim

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/base64"
	"strings"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
)

type principalKind int

const (
	kindUser principalKind = iota
	kindRoot
	kindRoleSession
)

// principal is who a set of credentials acts as. Sessions copy what AWS
// fixes at issue time (tags, MFA, source identity); policies are looked up
// at each call, so changing a role's policy takes effect at once, as in AWS.
type principal struct {
	kind    principalKind
	account string
	arn     string // user ARN, root ARN or assumed-role session ARN
	userID  string // AIDA…, the account ID for root, AROA…:session

	userName string // kindUser

	roleName, rolePath, sessionName string // kindRoleSession

	sourceIdentity string
	sessionTags    map[string]string
	transitive     map[string]bool // transitive session tag keys (lower case)
	sessionPolicy  *policy.Document
	mfa            bool
	mfaSet         bool // aws:MultiFactorAuthPresent is present in the context
	chained        bool // issued to role credentials: capped at one hour
	ec2Instance    string
	issued         time.Time
	expires        time.Time // zero for long-term keys
}

// entityARN is the IAM entity behind the principal: the role ARN for a
// session, the user ARN for a user.
func (p *principal) entityARN() string {
	if p.kind == kindRoleSession {
		return iamARN(p.account, "role", p.rolePath, p.roleName)
	}
	return p.arn
}

func (p *principal) typeName() string {
	switch p.kind {
	case kindRoot:
		return "Account"
	case kindRoleSession:
		return "AssumedRole"
	}
	return "User"
}

// accessKey is a credential: long-term (AKIA) for users, temporary (ASIA)
// with a session token for sessions.
type accessKey struct {
	id, secret, token string
	principal         *principal
	active            bool
	created           time.Time
}

func iamARN(account, kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + account + ":" + kind + path + name
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// stableID derives an AWS-style unique ID (AIDA…, AROA…) from what it names,
// so the same world always has the same IDs.
func stableID(prefix, of string) string {
	sum := sha1.Sum([]byte(of))
	return prefix + idEncoding.EncodeToString(sum[:])[:17]
}

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return idEncoding.EncodeToString(b)
}

func newSessionKeyID() string { return "ASIA" + randomString(10)[:16] }

func newSecret() string {
	b := make([]byte, 30)
	rand.Read(b)
	s := base64.StdEncoding.EncodeToString(b)
	return strings.NewReplacer("+", "a", "/", "b").Replace(s)[:40]
}

func newSessionToken() string {
	b := make([]byte, 96)
	rand.Read(b)
	return "IQoJb3JpZ2luX2VjE" + base64.StdEncoding.EncodeToString(b)
}

// pruneExpiredLocked drops session keys that expired more than an hour ago,
// so long benchmarks don't grow without bound.
func (s *Server) pruneExpiredLocked(now time.Time) {
	for id, k := range s.keys {
		if p := k.principal; !p.expires.IsZero() && now.Sub(p.expires) > time.Hour {
			delete(s.keys, id)
		}
	}
}

// issueSessionLocked mints temporary credentials for p.
func (s *Server) issueSessionLocked(p *principal) *accessKey {
	if l := s.opts.SessionLifetime; l > 0 && p.expires.Sub(p.issued) > l {
		p.expires = p.issued.Add(l)
	}
	k := &accessKey{id: newSessionKeyID(), secret: newSecret(), token: newSessionToken(), principal: p, active: true, created: p.issued}
	s.keys[k.id] = k
	s.sessionsIssued++
	if s.sessionsIssued%10000 == 0 {
		s.pruneExpiredLocked(p.issued)
	}
	return k
}
