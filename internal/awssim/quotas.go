package awssim

import (
	"net/http"
	"net/url"
	"sync"

	"golang.org/x/time/rate"
)

// quotas are AWS's API rate limits, one token bucket per account, region
// and service, created on first use.
type quotas struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newQuotas() *quotas { return &quotas{buckets: map[string]*rate.Limiter{}} }

// quota is a service's documented limit: sustained rate and burst.
type quota struct {
	rate  rate.Limit
	burst int
}

var serviceQuotas = map[string]quota{
	"rds":            {12, 300}, // RDS's documented "DescribeDBInstances"-class limit
	"sts":            {600, 600},
	"ec2":            {20, 100},
	"iam":            {20, 40},
	"secretsmanager": {100, 200},
	"kms":            {100, 200},
	"organizations":  {10, 20},
}

func (q *quotas) allow(key string, qt quota) bool {
	q.mu.Lock()
	l := q.buckets[key]
	if l == nil {
		l = rate.NewLimiter(qt.rate, qt.burst)
		q.buckets[key] = l
	}
	q.mu.Unlock()
	return l.Allow()
}

// throttle applies quotas and injected faults; a non-nil error is the
// answer to send instead of running the call.
func (s *Server) throttle(c *call) *APIError {
	if s.opts.Quotas {
		if qt, ok := serviceQuotas[c.svc.name]; ok && !s.limits.allow(c.caller.account+"/"+c.region+"/"+c.svc.name, qt) {
			return throttlingError(c.svc)
		}
	}
	if every(&s.throttleSeq, s.opts.ThrottleRate) {
		return throttlingError(c.svc)
	}
	if every(&s.failureSeq, s.opts.FailureRate) {
		if c.svc.proto == protoEC2 {
			return apiErr(http.StatusInternalServerError, "InternalError", "An internal error has occurred")
		}
		if c.svc.proto == protoJSON {
			return apiErr(http.StatusInternalServerError, "InternalServiceError", "An internal error occurred (injected by the simulator)")
		}
		return apiErr(http.StatusInternalServerError, "InternalFailure", "An internal error occurred (injected by the simulator)")
	}
	return nil
}

// throttlingError is each service's rate-exceeded answer.
func throttlingError(svc *service) *APIError {
	switch svc.proto {
	case protoEC2:
		return apiErr(http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
	case protoJSON:
		return apiErr(http.StatusBadRequest, "ThrottlingException", "Rate exceeded")
	default:
		return apiErr(http.StatusBadRequest, "Throttling", "Rate exceeded")
	}
}

func parseForm(body []byte) (url.Values, error) { return url.ParseQuery(string(body)) }
