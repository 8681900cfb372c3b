// Package awsconfig holds the SDK settings every rdsfleet AWS client shares:
// the HTTP client and the retryer.
package awsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// HTTPClient is the SDK's buildable client (so AWS_CA_BUNDLE and proxy
// settings keep working) with a connection pool sized for fleet sweeps;
// tune may adjust the transport further.
func HTTPClient(tune ...func(*http.Transport)) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.MaxIdleConns = 512
		tr.MaxIdleConnsPerHost = 128
		tr.IdleConnTimeout = 90 * time.Second
		for _, f := range tune {
			f(tr)
		}
	})
}

// NewRetryer is the retryer every rdsfleet client gets: the SDK's standard
// retryer (which also retries a connection the transport closed under a
// fast answer, aws-sdk-go-v2#2737) with more attempts and no client-side
// retry quota: throttling at fleet scale is normal, and backoff, not a
// quota, is the answer.
func NewRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 8
		o.MaxBackoff = 20 * time.Second
		o.RateLimiter = ratelimit.None
		// An untrusted certificate won't become trusted by asking again.
		o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			if IsCertificateError(err) {
				return aws.FalseTernary
			}
			return aws.UnknownTernary
		})}, o.Retryables...)
	})
}

// IsCertificateError reports whether err is a TLS certificate verification
// failure (an endpoint or proxy this host doesn't trust).
func IsCertificateError(err error) bool {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	var verify *tls.CertificateVerificationError
	return errors.As(err, &unknown) || errors.As(err, &invalid) || errors.As(err, &host) || errors.As(err, &verify)
}

// LoadOptions are the config.LoadDefaultConfig options for rdsfleet's
// clients; extra options (tests, the demo) come last and win.
func LoadOptions(extra ...func(*config.LoadOptions) error) []func(*config.LoadOptions) error {
	opts := []func(*config.LoadOptions) error{
		config.WithHTTPClient(HTTPClient()),
		config.WithRetryer(NewRetryer),
	}
	return append(opts, extra...)
}
