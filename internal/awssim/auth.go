package awssim

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// sigV4 is what a request's SigV4 authorization says about itself.
type sigV4 struct {
	accessKey     string
	date          string // yyyymmdd of the credential scope
	region        string
	service       string
	signedHeaders []string
	signature     string
	amzDate       time.Time
	presigned     bool
	expires       time.Duration // presigned only
	token         string
}

const amzDateLayout = "20060102T150405Z"

// parseSigV4 reads the Authorization header or the presigned query
// parameters. ok is false when the request carries no SigV4 authorization.
func parseSigV4(r *http.Request) (sig sigV4, ok bool, err *APIError) {
	if h := r.Header.Get("Authorization"); h != "" {
		algo, rest, _ := strings.Cut(h, " ")
		if algo != "AWS4-HMAC-SHA256" {
			return sig, true, badRequest("IncompleteSignature", "Unsupported AWS 'algorithm': '%s'", algo)
		}
		for _, part := range strings.Split(rest, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				if e := sig.parseCredential(v); e != nil {
					return sig, true, e
				}
			case "SignedHeaders":
				sig.signedHeaders = strings.Split(v, ";")
			case "Signature":
				sig.signature = v
			}
		}
		if sig.accessKey == "" || sig.signature == "" || len(sig.signedHeaders) == 0 {
			return sig, true, badRequest("IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=%s", algo)
		}
		d := r.Header.Get("X-Amz-Date")
		t, perr := time.Parse(amzDateLayout, d)
		if perr != nil {
			return sig, true, badRequest("IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
		}
		sig.amzDate = t
		sig.token = r.Header.Get("X-Amz-Security-Token")
		return sig, true, nil
	}
	q := r.URL.Query()
	if q.Get("X-Amz-Algorithm") == "" {
		return sig, false, nil
	}
	if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
		return sig, true, badRequest("IncompleteSignature", "Unsupported AWS 'algorithm': '%s'", q.Get("X-Amz-Algorithm"))
	}
	sig.presigned = true
	if e := sig.parseCredential(q.Get("X-Amz-Credential")); e != nil {
		return sig, true, e
	}
	sig.signedHeaders = strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	sig.signature = q.Get("X-Amz-Signature")
	sig.token = q.Get("X-Amz-Security-Token")
	t, perr := time.Parse(amzDateLayout, q.Get("X-Amz-Date"))
	if perr != nil {
		return sig, true, badRequest("IncompleteSignature", "AWS query-string parameters must include 'X-Amz-Date'.")
	}
	sig.amzDate = t
	secs, perr := strconv.Atoi(q.Get("X-Amz-Expires"))
	if perr != nil || secs < 1 || secs > 604800 {
		secs = 900
	}
	sig.expires = time.Duration(secs) * time.Second
	return sig, true, nil
}

func (sig *sigV4) parseCredential(v string) *APIError {
	parts := strings.Split(v, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return badRequest("IncompleteSignature", "Credential should be scoped to a valid region. ")
	}
	sig.accessKey, sig.date, sig.region, sig.service = parts[0], parts[1], parts[2], parts[3]
	return nil
}

var emptyPayloadHash = hex.EncodeToString(sha256.New().Sum(nil))

// verify recomputes the signature with the SDK's own signer over exactly the
// headers the client signed, and compares.
func (sig *sigV4) verify(r *http.Request, body []byte, secret string) bool {
	u := &url.URL{Scheme: "https", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	if u.Path == "" {
		u.Path = "/"
	}
	clone := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	for _, h := range sig.signedHeaders {
		switch h {
		case "host":
		case "content-length":
			clone.ContentLength, _ = strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
			if clone.ContentLength == 0 {
				clone.ContentLength = r.ContentLength
			}
		default:
			clone.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	creds := aws.Credentials{AccessKeyID: sig.accessKey, SecretAccessKey: secret, SessionToken: sig.token}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true })
	ctx := context.Background()
	if !sig.presigned {
		hash := r.Header.Get("X-Amz-Content-Sha256")
		if hash == "" {
			sum := sha256.Sum256(body)
			hash = hex.EncodeToString(sum[:])
		}
		if err := signer.SignHTTP(ctx, creds, clone, hash, sig.service, sig.region, sig.amzDate); err != nil {
			return false
		}
		_, rest, _ := strings.Cut(clone.Header.Get("Authorization"), "Signature=")
		return subtle.ConstantTimeCompare([]byte(rest), []byte(sig.signature)) == 1
	}
	q := u.Query()
	for _, k := range []string{"X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Security-Token"} {
		q.Del(k)
	}
	u.RawQuery = q.Encode()
	sum := sha256.Sum256(body)
	for _, hash := range []string{emptyPayloadHash, "UNSIGNED-PAYLOAD", hex.EncodeToString(sum[:])} {
		signed, _, err := signer.PresignHTTP(ctx, creds, clone, hash, sig.service, sig.region, sig.amzDate)
		if err != nil {
			return false
		}
		pu, err := url.Parse(signed)
		if err != nil {
			return false
		}
		if subtle.ConstantTimeCompare([]byte(pu.Query().Get("X-Amz-Signature")), []byte(sig.signature)) == 1 {
			return true
		}
	}
	return false
}

// authenticate checks the request's signature and credentials and finds the
// calling principal. Failures carry the real error codes of the service's
// protocol.
func (s *Server) authenticate(c *call, r *http.Request, body []byte, sig sigV4) *APIError {
	codes := authCodes(c.svc)
	wall := time.Now()
	if !sig.presigned {
		if skew := wall.Sub(sig.amzDate); skew > 5*time.Minute || skew < -5*time.Minute {
			msg := "Signature expired: " + sig.amzDate.Format(amzDateLayout) + " is now earlier than " +
				wall.Add(-5*time.Minute).UTC().Format(amzDateLayout) + " (" + wall.UTC().Format(amzDateLayout) + " - 5 min.)"
			if skew < 0 {
				msg = "Signature not yet current: " + sig.amzDate.Format(amzDateLayout) + " is still later than " +
					wall.Add(5*time.Minute).UTC().Format(amzDateLayout) + " (" + wall.UTC().Format(amzDateLayout) + " + 5 min.)"
			}
			return apiErr(codes.skewStatus, codes.skew, "%s", msg)
		}
	} else if wall.After(sig.amzDate.Add(sig.expires)) || wall.Before(sig.amzDate.Add(-5*time.Minute)) {
		return apiErr(http.StatusForbidden, codes.badSignature, "Request has expired")
	}
	s.mu.RLock()
	k := s.keys[sig.accessKey]
	s.mu.RUnlock()
	if k == nil || !k.active {
		return apiErr(http.StatusForbidden, codes.unknownKey, "%s", codes.unknownKeyMsg)
	}
	if k.token != "" && subtle.ConstantTimeCompare([]byte(k.token), []byte(sig.token)) != 1 {
		return apiErr(http.StatusForbidden, codes.unknownKey, "%s", codes.unknownKeyMsg)
	}
	if !sig.verify(r, body, k.secret) {
		return apiErr(http.StatusForbidden, codes.badSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	if p := k.principal; !p.expires.IsZero() && !s.now().Before(p.expires) {
		return apiErr(codes.expiredStatus, codes.expired, "%s", codes.expiredMsg)
	}
	c.key = k
	c.caller = k.principal
	return nil
}

type authErrorCodes struct {
	unknownKey, unknownKeyMsg string
	badSignature              string
	skew                      string
	skewStatus                int
	expired, expiredMsg       string
	expiredStatus             int
}

// authCodes are each protocol's codes for authentication failures.
func authCodes(svc *service) authErrorCodes {
	switch {
	case svc != nil && svc.proto == protoJSON:
		return authErrorCodes{
			unknownKey: "UnrecognizedClientException", unknownKeyMsg: "The security token included in the request is invalid.",
			badSignature: "InvalidSignatureException", skew: "InvalidSignatureException", skewStatus: 400,
			expired: "ExpiredTokenException", expiredMsg: "The security token included in the request is expired", expiredStatus: 400,
		}
	case svc != nil && svc.proto == protoEC2:
		return authErrorCodes{
			unknownKey: "AuthFailure", unknownKeyMsg: "AWS was not able to validate the provided access credentials",
			badSignature: "SignatureDoesNotMatch", skew: "RequestExpired", skewStatus: 400,
			expired: "RequestExpired", expiredMsg: "Request has expired.", expiredStatus: 400,
		}
	default:
		return authErrorCodes{
			unknownKey: "InvalidClientTokenId", unknownKeyMsg: "The security token included in the request is invalid.",
			badSignature: "SignatureDoesNotMatch", skew: "SignatureDoesNotMatch", skewStatus: 403,
			expired: "ExpiredToken", expiredMsg: "The security token included in the request is expired", expiredStatus: 403,
		}
	}
}
