// Package imds serves the EC2 instance metadata service (IMDSv2 and v1
// reads) for one simulated instance, handing out the simulator's real session
// credentials for its instance-profile role.
package imds

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// TokenTTLHeader carries the requested (PUT) and remaining (GET) token TTL.
	TokenTTLHeader = "X-aws-ec2-metadata-token-ttl-seconds"
	// TokenHeader carries the session token on GET requests.
	TokenHeader = "X-aws-ec2-metadata-token"
	// MaxTokenTTL is the largest TTL, in seconds, accepted by PUT /latest/api/token.
	MaxTokenTTL = 21600
	// DefaultRefreshWindow: cached credentials are reissued when fewer than
	// this remain before their Expiration (EC2 rotates well before expiry).
	DefaultRefreshWindow = 15 * time.Minute
	// DefaultCredentialLifetime is assumed when Issue returns credentials
	// with a zero Expiration.
	DefaultCredentialLifetime = 6 * time.Hour
	// IdentityDocumentVersion is the "version" of the instance identity document.
	IdentityDocumentVersion = "2017-09-30"
)

const timeFormat = "2006-01-02T15:04:05Z"

// Credentials are role session credentials handed out by the service.
type Credentials struct {
	AccessKeyID, SecretAccessKey, Token string
	Expiration                          time.Time
}

// Instance describes the simulated instance.
type Instance struct {
	ID, Region, AvailabilityZone, AccountID              string
	InstanceType, AMIID, PrivateIP, MAC, VPCID, SubnetID string
	// RoleName is the instance profile's role name; "" means no instance
	// profile attached (security-credentials/ returns 404).
	RoleName                              string
	InstanceProfileARN, InstanceProfileID string

	// LaunchTime is reported as pendingTime in the identity document; zero
	// means the time the Server first answered a request.
	LaunchTime time.Time
	// Architecture for the identity document; "" means "x86_64".
	Architecture string
}

// Server is an http.Handler implementing the instance metadata service.
// The zero value plus Instance and Issue is ready to use; it must not be
// copied after first use.
type Server struct {
	// Instance returns the current instance record (it can change: an
	// instance profile can be associated later). Required.
	Instance func() Instance
	// Issue mints fresh credentials for the instance's role. Required.
	Issue func(ctx context.Context) (Credentials, error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RequireToken rejects IMDSv1 (token-less) GETs with 401 when true.
	RequireToken bool
	// RefreshWindow overrides DefaultRefreshWindow when positive.
	RefreshWindow time.Duration
	// Logf, if set, receives failures of Issue (never credentials).
	Logf func(format string, args ...any)

	initOnce  sync.Once
	secret    []byte    // HMAC key for stateless session tokens
	firstSeen time.Time // fallback LaunchTime

	mu       sync.Mutex
	cached   *cachedCreds
	inflight *flight
}

type cachedCreds struct {
	role        string
	creds       Credentials
	lastUpdated time.Time
}

type flight struct {
	role string
	done chan struct{}
	res  *cachedCreds
	err  error
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.secret = make([]byte, 32)
		if _, err := rand.Read(s.secret); err != nil {
			panic("imds: crypto/rand: " + err.Error())
		}
		s.firstSeen = s.now().UTC().Truncate(time.Second)
	})
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.init()
	w.Header().Set("Server", "EC2ws")
	p := r.URL.Path
	if p == "/latest/api/token" {
		if r.Method != http.MethodPut {
			w.Header().Set("Allow", "PUT")
			writeError(w, http.StatusMethodNotAllowed)
			return
		}
		s.serveToken(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed)
		return
	}

	if vals := r.Header.Values(TokenHeader); len(vals) > 0 {
		remaining, ok := s.checkToken(vals[0])
		if !ok {
			writeError(w, http.StatusUnauthorized)
			return
		}
		w.Header().Set(TokenTTLHeader, strconv.FormatInt(remaining, 10))
	} else if s.RequireToken {
		writeError(w, http.StatusUnauthorized)
		return
	}

	if s.Instance == nil {
		writeError(w, http.StatusInternalServerError)
		return
	}
	inst := s.Instance()

	switch {
	case p == "/":
		writeText(w, "latest")
		return
	case p == "/latest" || p == "/latest/":
		writeText(w, "dynamic\nmeta-data")
		return
	case strings.HasPrefix(p, "/latest/"):
	default:
		writeError(w, http.StatusNotFound)
		return
	}
	rel := strings.TrimPrefix(p, "/latest/")
	rel = strings.TrimSuffix(rel, "/")

	tree := s.tree(inst)
	if v, ok := tree[rel]; ok {
		switch v {
		case credsLeaf:
			s.serveCredentials(w, r, inst)
		case iamInfoLeaf:
			s.serveIAMInfo(w, inst)
		case identityDocLeaf:
			s.serveIdentityDocument(w, inst)
		default:
			writeText(w, v)
		}
		return
	}
	if list := listing(tree, rel); list != "" {
		writeText(w, list)
		return
	}
	writeError(w, http.StatusNotFound)
}

// Sentinel values in the tree for leaves computed on demand.
const (
	credsLeaf       = "\x00creds"
	iamInfoLeaf     = "\x00iam-info"
	identityDocLeaf = "\x00identity-document"
)

// tree returns the metadata leaves, keyed by path relative to /latest/.
func (s *Server) tree(inst Instance) map[string]string {
	t := make(map[string]string, 32)
	add := func(k, v string) {
		if v != "" {
			t[k] = v
		}
	}
	add("meta-data/ami-id", inst.AMIID)
	add("meta-data/ami-launch-index", "0")
	add("meta-data/instance-id", inst.ID)
	add("meta-data/instance-type", inst.InstanceType)
	add("meta-data/local-ipv4", inst.PrivateIP)
	if inst.PrivateIP != "" {
		host := privateDNSName(inst.PrivateIP, inst.Region)
		add("meta-data/hostname", host)
		add("meta-data/local-hostname", host)
	}
	add("meta-data/mac", inst.MAC)
	add("meta-data/placement/availability-zone", inst.AvailabilityZone)
	add("meta-data/placement/region", inst.Region)
	if inst.Region != "" {
		add("meta-data/services/domain", domainFor(inst.Region))
		add("meta-data/services/partition", partitionFor(inst.Region))
	}
	if mac := inst.MAC; mac != "" && !strings.Contains(mac, "/") {
		pre := "meta-data/network/interfaces/macs/" + mac + "/"
		add(pre+"device-number", "0")
		add(pre+"mac", mac)
		add(pre+"local-ipv4s", inst.PrivateIP)
		add(pre+"owner-id", inst.AccountID)
		add(pre+"vpc-id", inst.VPCID)
		add(pre+"subnet-id", inst.SubnetID)
	}
	if inst.RoleName != "" && !strings.Contains(inst.RoleName, "/") {
		add("meta-data/iam/info", iamInfoLeaf)
		add("meta-data/iam/security-credentials/"+inst.RoleName, credsLeaf)
	}
	add("dynamic/instance-identity/document", identityDocLeaf)
	return t
}

// listing returns the newline-separated children of directory dir ("" if
// dir is not a directory); subdirectories carry a trailing slash.
func listing(tree map[string]string, dir string) string {
	prefix := dir + "/"
	if dir == "" {
		prefix = ""
	}
	seen := map[string]bool{}
	for k := range tree {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			rest = rest[:i+1]
		}
		seen[rest] = true
	}
	if len(seen) == 0 {
		return ""
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, "\n")
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if len(r.Header.Values("X-Forwarded-For")) > 0 {
		writeError(w, http.StatusForbidden)
		return
	}
	ttl, err := strconv.Atoi(strings.TrimSpace(r.Header.Get(TokenTTLHeader)))
	if err != nil || ttl < 1 || ttl > MaxTokenTTL {
		writeError(w, http.StatusBadRequest)
		return
	}
	tok := s.newToken(s.now().Add(time.Duration(ttl) * time.Second))
	w.Header().Set(TokenTTLHeader, strconv.Itoa(ttl))
	writeText(w, tok)
}

// Session tokens are stateless: version byte, expiry (unix nanoseconds),
// random nonce, HMAC-SHA256 over the preceding bytes.
const (
	tokenVersion = 1
	tokenNonce   = 15
	tokenBody    = 1 + 8 + tokenNonce
	tokenLen     = tokenBody + sha256.Size
)

func (s *Server) newToken(exp time.Time) string {
	b := make([]byte, tokenLen)
	b[0] = tokenVersion
	binary.BigEndian.PutUint64(b[1:9], uint64(exp.UnixNano()))
	if _, err := rand.Read(b[9:tokenBody]); err != nil {
		panic("imds: crypto/rand: " + err.Error())
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write(b[:tokenBody])
	copy(b[tokenBody:], m.Sum(nil))
	return base64.StdEncoding.EncodeToString(b)
}

// checkToken validates tok and returns its remaining lifetime in seconds.
func (s *Server) checkToken(tok string) (int64, bool) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(tok))
	if err != nil || len(b) != tokenLen || b[0] != tokenVersion {
		return 0, false
	}
	m := hmac.New(sha256.New, s.secret)
	m.Write(b[:tokenBody])
	if !hmac.Equal(m.Sum(nil), b[tokenBody:]) {
		return 0, false
	}
	exp := time.Unix(0, int64(binary.BigEndian.Uint64(b[1:9])))
	left := exp.Sub(s.now())
	if left <= 0 {
		return 0, false
	}
	secs := int64(left / time.Second)
	if secs < 1 {
		secs = 1
	}
	return secs, true
}

func (s *Server) refreshWindow() time.Duration {
	if s.RefreshWindow > 0 {
		return s.RefreshWindow
	}
	return DefaultRefreshWindow
}

// credentials returns cached credentials for role, issuing new ones (once,
// however many callers wait) when none are cached or they are about to
// expire.
func (s *Server) credentials(ctx context.Context, role string) (*cachedCreds, error) {
	for {
		s.mu.Lock()
		if c := s.cached; c != nil && c.role == role && s.now().Before(c.creds.Expiration.Add(-s.refreshWindow())) {
			s.mu.Unlock()
			return c, nil
		}
		if f := s.inflight; f != nil {
			s.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if f.role != role {
				continue // issued for a role that has since changed
			}
			return f.res, f.err
		}
		f := &flight{role: role, done: make(chan struct{})}
		s.inflight = f
		s.mu.Unlock()

		f.res, f.err = s.issue(ctx, role)

		s.mu.Lock()
		if f.err == nil {
			s.cached = f.res
		}
		s.inflight = nil
		s.mu.Unlock()
		close(f.done)
		return f.res, f.err
	}
}

func (s *Server) issue(ctx context.Context, role string) (res *cachedCreds, err error) {
	if s.Issue == nil {
		return nil, errors.New("imds: Server.Issue is nil")
	}
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("imds: Issue panicked: %v", p)
		}
	}()
	// The issuance is shared by every waiter: don't let the first caller's
	// cancellation spoil it for the others.
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	c, err := s.Issue(ictx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if c.Expiration.IsZero() {
		c.Expiration = now.Add(DefaultCredentialLifetime)
	}
	return &cachedCreds{role: role, creds: c, lastUpdated: now.UTC().Truncate(time.Second)}, nil
}

type credentialsDoc struct {
	Code            string
	LastUpdated     string
	Type            string
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	Token           string
	Expiration      string
}

func (s *Server) serveCredentials(w http.ResponseWriter, r *http.Request, inst Instance) {
	c, err := s.credentials(r.Context(), inst.RoleName)
	if err != nil {
		if s.Logf != nil {
			s.Logf("imds: instance %s: issuing credentials for role %s failed: %v", inst.ID, inst.RoleName, err)
		}
		writeError(w, http.StatusInternalServerError)
		return
	}
	writeJSON(w, credentialsDoc{
		Code:            "Success",
		LastUpdated:     formatTime(c.lastUpdated),
		Type:            "AWS-HMAC",
		AccessKeyID:     c.creds.AccessKeyID,
		SecretAccessKey: c.creds.SecretAccessKey,
		Token:           c.creds.Token,
		Expiration:      formatTime(c.creds.Expiration),
	})
}

type iamInfoDoc struct {
	Code               string
	LastUpdated        string
	InstanceProfileArn string
	InstanceProfileID  string `json:"InstanceProfileId"`
}

func (s *Server) serveIAMInfo(w http.ResponseWriter, inst Instance) {
	last := s.now()
	s.mu.Lock()
	if c := s.cached; c != nil && c.role == inst.RoleName {
		last = c.lastUpdated
	}
	s.mu.Unlock()
	writeJSON(w, iamInfoDoc{
		Code:               "Success",
		LastUpdated:        formatTime(last),
		InstanceProfileArn: inst.InstanceProfileARN,
		InstanceProfileID:  inst.InstanceProfileID,
	})
}

type identityDoc struct {
	AccountID               string   `json:"accountId"`
	Architecture            string   `json:"architecture"`
	AvailabilityZone        string   `json:"availabilityZone"`
	BillingProducts         []string `json:"billingProducts"`
	DevpayProductCodes      []string `json:"devpayProductCodes"`
	MarketplaceProductCodes []string `json:"marketplaceProductCodes"`
	ImageID                 string   `json:"imageId"`
	InstanceID              string   `json:"instanceId"`
	InstanceType            string   `json:"instanceType"`
	KernelID                *string  `json:"kernelId"`
	PendingTime             string   `json:"pendingTime"`
	PrivateIP               string   `json:"privateIp"`
	RamdiskID               *string  `json:"ramdiskId"`
	Region                  string   `json:"region"`
	Version                 string   `json:"version"`
}

func (s *Server) serveIdentityDocument(w http.ResponseWriter, inst Instance) {
	arch := inst.Architecture
	if arch == "" {
		arch = "x86_64"
	}
	pending := inst.LaunchTime
	if pending.IsZero() {
		pending = s.firstSeen
	}
	writeJSON(w, identityDoc{
		AccountID:        inst.AccountID,
		Architecture:     arch,
		AvailabilityZone: inst.AvailabilityZone,
		ImageID:          inst.AMIID,
		InstanceID:       inst.ID,
		InstanceType:     inst.InstanceType,
		PendingTime:      formatTime(pending),
		PrivateIP:        inst.PrivateIP,
		Region:           inst.Region,
		Version:          IdentityDocumentVersion,
	})
}

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func writeText(w http.ResponseWriter, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writeError(w, http.StatusInternalServerError)
		return
	}
	writeText(w, string(b))
}

func writeError(w http.ResponseWriter, code int) {
	msg := fmt.Sprintf("%d - %s", code, http.StatusText(code))
	body := `<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
		 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>` + msg + `</title>
 </head>
 <body>
  <h1>` + msg + `</h1>
 </body>
</html>
`
	h := w.Header()
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body))
}

func privateDNSName(ip, region string) string {
	name := "ip-" + strings.ReplaceAll(ip, ".", "-")
	if region == "" || region == "us-east-1" {
		return name + ".ec2.internal"
	}
	return name + "." + region + ".compute.internal"
}

func partitionFor(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

func domainFor(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}
