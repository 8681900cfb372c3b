package creds

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os/user"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/rdsfleet/rdsfleet/internal/awsconfig"
)

// Role is one role to assume from a source.
type Role struct {
	ARN         string
	ExternalID  string
	SessionName string        // empty: DefaultSessionName()
	Duration    time.Duration // zero: one hour
	// Region is where the STS call goes (regional endpoints spread the load
	// and keep working when us-east-1 has trouble); empty: the source's.
	Region string
}

// Broker hands out credentials for many roles. Each role gets its own
// aws.CredentialsCache (refreshing before expiry during long runs) and its
// own STS client and retryer: the SDK's retry quota is a token bucket per
// retryer, and one shared across hundreds of roles runs dry under
// throttling.
type Broker struct {
	// Cache is the disk cache shared between runs; nil disables it.
	Cache *DiskCache
	// OnAssume is called after every AssumeRole call (tests, stats); nil
	// means nothing.
	OnAssume func(roleARN string)

	mu      sync.Mutex
	roles   map[roleKey]*RoleCredentials
	assumes atomic.Int64
}

// roleKey identifies a role's credentials: the source itself (two sources
// may share a name, never an identity) and the role's settings.
type roleKey struct {
	src  *Source
	role string
}

// AssumeRoleCalls counts the AssumeRole calls this broker made.
func (b *Broker) AssumeRoleCalls() int64 { return b.assumes.Load() }

// RoleCredentials are one role's credentials; it is an
// aws.CredentialsProvider.
type RoleCredentials struct {
	*aws.CredentialsCache
	p *roleProvider
}

// FromDisk reports whether the last credentials came from the disk cache.
func (rc *RoleCredentials) FromDisk() bool { return rc.p.fromDisk.Load() }

// Role returns the credentials provider for r assumed from src, creating
// it on first use.
func (b *Broker) Role(src *Source, r Role) *RoleCredentials {
	if r.SessionName == "" {
		r.SessionName = DefaultSessionName()
	}
	if r.Duration == 0 {
		r.Duration = time.Hour
	}
	key := roleKey{src, r.ARN + "\x00" + r.ExternalID + "\x00" + r.SessionName + "\x00" + r.Region}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.roles == nil {
		b.roles = map[roleKey]*RoleCredentials{}
	}
	if rc, ok := b.roles[key]; ok {
		return rc
	}
	client := sts.NewFromConfig(src.Config, func(o *sts.Options) {
		if r.Region != "" {
			o.Region = r.Region
		}
		o.Retryer = awsconfig.NewRetryer()
	})
	p := &roleProvider{b: b, src: src, role: r, client: client}
	rc := &RoleCredentials{
		CredentialsCache: aws.NewCredentialsCache(p),
		p:                p,
	}
	b.roles[key] = rc
	return rc
}

type roleProvider struct {
	b        *Broker
	src      *Source
	role     Role
	client   *sts.Client
	fromDisk atomic.Bool
}

func (p *roleProvider) cacheKey(ctx context.Context) (string, error) {
	ident, err := p.src.Identity(ctx)
	if err != nil {
		return "", err
	}
	// Two identities never share an entry: the source identity is part of
	// the key, with everything that changes what the session may do.
	return strings.Join([]string{"v1", p.role.ARN, ident.ARN, p.role.ExternalID, p.role.SessionName}, "\x00"), nil
}

func (p *roleProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	var key string
	if p.b.Cache != nil {
		k, err := p.cacheKey(ctx)
		if err != nil {
			return aws.Credentials{}, err
		}
		key = k
		if c, ok := p.b.Cache.Get(key); ok {
			p.fromDisk.Store(true)
			return refreshEarly(c), nil
		}
	}
	p.fromDisk.Store(false)
	c, err := p.assume(ctx, p.role.Duration)
	var ae smithy.APIError
	if err != nil && p.role.Duration > time.Hour && errors.As(err, &ae) && strings.Contains(ae.ErrorMessage(), "role chaining") {
		// A role assumed from role credentials (an instance profile, too)
		// gets at most an hour; ask again for that rather than fail.
		c, err = p.assume(ctx, time.Hour)
	}
	if err != nil {
		return aws.Credentials{}, &AssumeError{RoleARN: p.role.ARN, Source: p.src.Name, Err: err}
	}
	if p.b.Cache != nil {
		// A cache that can't be written only costs an AssumeRole next run.
		_ = p.b.Cache.Put(key, p.role.ARN, c)
	}
	return refreshEarly(c), nil
}

// refreshEarly moves the expiry the credentials cache sees forward, so a
// long run renews a session before it lapses rather than sending a call
// with credentials about to expire: five minutes early, or a fifth of
// the remaining lifetime for short sessions.
func refreshEarly(c aws.Credentials) aws.Credentials {
	if !c.CanExpire {
		return c
	}
	margin := time.Until(c.Expires) / 5
	if margin > 5*time.Minute {
		margin = 5 * time.Minute
	}
	if margin > 0 {
		c.Expires = c.Expires.Add(-margin)
	}
	return c
}

func (p *roleProvider) assume(ctx context.Context, d time.Duration) (aws.Credentials, error) {
	prov := stscreds.NewAssumeRoleProvider(p.client, p.role.ARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = p.role.SessionName
		o.Duration = d
		if p.role.ExternalID != "" {
			o.ExternalID = aws.String(p.role.ExternalID)
		}
	})
	c, err := prov.Retrieve(ctx)
	p.b.assumes.Add(1)
	if p.b.OnAssume != nil {
		p.b.OnAssume(p.role.ARN)
	}
	return c, err
}

// AssumeError is a failed AssumeRole, with the role and the source that
// tried.
type AssumeError struct {
	RoleARN, Source string
	Err             error
}

func (e *AssumeError) Error() string {
	return "assume " + e.RoleARN + " from " + e.Source + ": " + Describe(e.Err)
}

func (e *AssumeError) Unwrap() error { return e.Err }

// Describe shortens an SDK error to "Code: message", the part a user needs;
// other errors are returned as they are.
func Describe(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	return err.Error()
}

var sessionNameDisallowed = regexp.MustCompile(`[^\w+=,.@-]`)

// DefaultSessionName names sessions after the person running rdsfleet, so
// CloudTrail shows who did what: rdsfleet-<os user>, within AWS's 64
// characters of [\w+=,.@-].
func DefaultSessionName() string {
	name := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	return SessionName("rdsfleet-" + name)
}

// SessionName makes s a valid role session name.
func SessionName(s string) string {
	s = sessionNameDisallowed.ReplaceAllString(s, "-")
	if len(s) > 64 {
		s = s[:64]
	}
	if len(s) < 2 {
		b := make([]byte, 4)
		rand.Read(b)
		s = "rdsfleet-" + hex.EncodeToString(b)
	}
	return s
}

// ErrNoMFA is returned when a role needs an MFA code and none can be asked.
var ErrNoMFA = errNoMFA
