// Package awssim is a multi-account AWS simulator: an http.Handler that
// speaks the real wire protocols of STS, IAM, EC2, RDS, Secrets Manager, KMS
// and Organizations, verifies SigV4 signatures and evaluates IAM policies
// the way AWS does, so unmodified AWS clients can be tested against a whole
// organization of accounts.
package awssim

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/policy"
	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// Options are the simulator's realism knobs. The zero value is a fast,
// faithful simulator with no latency, quotas or injected faults.
type Options struct {
	// Latency is added to every API call; Jitter adds up to that much more,
	// uniformly. Zero means answer at once.
	Latency, Jitter time.Duration
	// Quotas enables AWS's API rate limits per account and region (RDS
	// burst 300 then 12/s; STS 600/s per calling account and region).
	// Calls over the limit get the service's throttling error.
	Quotas bool
	// ThrottleRate and FailureRate inject throttling errors and 500s into
	// exactly that fraction of calls (0 to 1), spread evenly over the call
	// sequence (0.5: every second call) so tests are repeatable. STS's own
	// calls are included.
	ThrottleRate, FailureRate float64
	// SessionLifetime, when set, caps every session STS and IMDS issue, to
	// exercise credential refresh in long runs without waiting hours.
	SessionLifetime time.Duration
	// Now is the simulated clock (session expiry, state transitions). Nil
	// means time.Now. Signature timestamps are always checked against the
	// real clock, as the clients sign with it.
	Now func() time.Time
	// TransitionTime is how long an RDS state transition (stopping,
	// starting, rebooting, creating) takes in simulated time; zero means
	// 5 seconds.
	TransitionTime time.Duration
	// Logf receives the simulator's log lines (unknown operations, refused
	// requests). Nil means discard.
	Logf func(format string, args ...any)
}

// Server is the simulator. Create it with New; it is an http.Handler.
type Server struct {
	opts Options

	mu             sync.RWMutex
	accounts       map[string]*account
	keys           map[string]*accessKey
	org            *organization
	regionNames    []string
	regionSet      map[string]bool
	policyCache    map[string]*policy.Document
	sessionsIssued int

	svcs    map[string]*service
	limits  *quotas
	stats   *Stats
	reqSeq  atomic.Uint64
	randMu  sync.Mutex
	randSrc *rand.Rand
	// throttleSeq and failureSeq count calls for evenly spread injection.
	throttleSeq, failureSeq atomic.Uint64
}

// New builds a simulator holding the world w. The world is validated first.
func New(w *world.World, opts Options) (*Server, error) {
	if err := world.Validate(w); err != nil {
		return nil, err
	}
	s := &Server{
		opts:        opts,
		accounts:    map[string]*account{},
		keys:        map[string]*accessKey{},
		regionSet:   map[string]bool{},
		policyCache: map[string]*policy.Document{},
		stats:       newStats(),
		randSrc:     rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 42)),
	}
	s.limits = newQuotas()
	s.svcs = s.services()
	if err := s.load(w); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// Regions lists the world's regions.
func (s *Server) Regions() []string { return append([]string(nil), s.regionNames...) }

// call is one API request being served.
type call struct {
	s         *Server
	ctx       context.Context
	req       *http.Request
	svc       *service
	action    string
	region    string
	params    params // query and EC2 protocols
	body      []byte // JSON protocol
	caller    *principal
	key       *accessKey
	requestID string
	sourceIP  string
	now       time.Time
}

// account is the caller's account.
func (c *call) account() *account { return c.s.accounts[c.caller.account] }

// regionState is the caller's account's state in the request's region.
func (c *call) regionState() *region { return c.account().regionLocked(c.region) }

// decodeJSON reads the JSON-protocol request body into v.
func (c *call) decodeJSON(v any) error {
	if len(c.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return badRequest("SerializationException", "Start of structure or map found where not expected.")
	}
	return nil
}

const maxBody = 10 << 20

func (s *Server) newRequestID() string {
	n := s.reqSeq.Add(1)
	b := []byte(randomString(10))
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i := 0; i < 32; i++ {
		if i == 8 || i == 12 || i == 16 || i == 20 {
			out = append(out, '-')
		}
		if i >= 24 {
			out = append(out, hex[(n>>(4*(31-i)))&0xf])
		} else {
			out = append(out, hex[b[i%len(b)]%16])
		}
	}
	return string(out)
}

// ServeHTTP serves the AWS APIs, plus the simulator's own /_sim/ endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sim/") {
		s.serveControl(w, r)
		return
	}
	requestID := s.newRequestID()
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeError(w, nil, requestID, badRequest("RequestEntityTooLarge", "Request body too large or unreadable"))
		return
	}
	sig, signed, perr := parseSigV4(r)
	svc := s.routeService(r, sig, signed)
	if svc == nil {
		s.logf("awssim: cannot route %s %s (host %s, target %q): no known service", r.Method, r.URL.Path, r.Host, r.Header.Get("X-Amz-Target"))
		writeError(w, nil, requestID, badRequest("UnknownService", "The simulator does not serve this service"))
		return
	}
	if perr != nil {
		writeError(w, svc, requestID, perr)
		return
	}
	c := &call{s: s, ctx: r.Context(), req: r, svc: svc, requestID: requestID, body: body, region: sig.region}
	c.sourceIP, _, _ = net.SplitHostPort(r.RemoteAddr)
	c.action = s.actionName(c, r, body)
	if !signed {
		code, msg := "MissingAuthenticationToken", "Request is missing Authentication Token"
		if svc.proto == protoJSON {
			code, msg = "MissingAuthenticationTokenException", "Missing Authentication Token"
		}
		writeError(w, svc, requestID, apiErr(http.StatusForbidden, code, "%s", msg))
		return
	}
	if c.region == "" || (!s.regionSet[c.region] && !(svc.global && c.region == "us-east-1")) {
		writeError(w, svc, requestID, apiErr(http.StatusForbidden, authCodes(svc).unknownKey, "Credential should be scoped to a valid region. "))
		return
	}
	if aerr := s.authenticate(c, r, body, sig); aerr != nil {
		s.stats.record(c, "", true, false)
		writeError(w, svc, requestID, aerr)
		return
	}
	if a := s.accounts[c.caller.account]; a == nil || a.disabled[c.region] || a.status == "SUSPENDED" {
		// AWS answers calls into a region the account has not enabled as
		// if the credentials did not exist there.
		s.stats.record(c, c.caller.account, true, false)
		writeError(w, svc, requestID, apiErr(http.StatusForbidden, authCodes(svc).unknownKey, "%s", authCodes(svc).unknownKeyMsg))
		return
	}
	if !s.delay(c.ctx) {
		return
	}
	if terr := s.throttle(c); terr != nil {
		s.stats.record(c, c.caller.account, true, true)
		writeError(w, svc, requestID, terr)
		return
	}
	h := svc.actions[c.action]
	if h == nil {
		s.logf("awssim: UNKNOWN OPERATION %s:%s from %s — not simulated", svc.name, c.action, c.caller.arn)
		s.stats.record(c, c.caller.account, true, false)
		writeError(w, svc, requestID, unknownOperation(svc, c.action))
		return
	}
	s.mu.Lock()
	c.now = s.now()
	result, herr := h(c)
	s.mu.Unlock()
	s.stats.record(c, c.caller.account, herr != nil, false)
	if herr != nil {
		e, ok := herr.(*APIError)
		if !ok {
			s.logf("awssim: %s:%s failed: %v", svc.name, c.action, herr)
			e = apiErr(http.StatusInternalServerError, "InternalFailure", "%v", herr)
		}
		writeError(w, svc, requestID, e)
		return
	}
	writeResult(w, svc, c.action, requestID, result)
}

// routeService picks the service from the signature's scope, else from the
// X-Amz-Target header or the host name.
func (s *Server) routeService(r *http.Request, sig sigV4, signed bool) *service {
	if signed && sig.service != "" {
		return s.svcs[sig.service]
	}
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		prefix, _, _ := strings.Cut(t, ".")
		for _, svc := range s.svcs {
			if svc.target == prefix {
				return svc
			}
		}
	}
	host := strings.ToLower(r.Host)
	name, _, _ := strings.Cut(host, ".")
	return s.svcs[name]
}

// actionName reads the operation from the body or query (query protocols)
// or the X-Amz-Target header (JSON).
func (s *Server) actionName(c *call, r *http.Request, body []byte) string {
	if c.svc.proto == protoJSON {
		_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		return op
	}
	values := r.URL.Query()
	if ct := r.Header.Get("Content-Type"); len(body) > 0 && (ct == "" || strings.HasPrefix(ct, "application/x-www-form-urlencoded")) {
		if form, err := parseForm(body); err == nil {
			for k, v := range form {
				values[k] = append(values[k], v...)
			}
		}
	}
	c.params = params(values)
	return c.params.get("Action")
}

// delay waits the configured latency; false if the client went away.
func (s *Server) delay(ctx context.Context) bool {
	d := s.opts.Latency
	if s.opts.Jitter > 0 {
		s.randMu.Lock()
		d += time.Duration(s.randSrc.Int64N(int64(s.opts.Jitter)))
		s.randMu.Unlock()
	}
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// every reports whether the n-th call (counted by seq) is one of the
// fraction p of calls to hit: exactly p of any run of calls, evenly spread.
func every(seq *atomic.Uint64, p float64) bool {
	if p <= 0 {
		return false
	}
	n := float64(seq.Add(1))
	return int64(n*p) > int64((n-1)*p)
}
