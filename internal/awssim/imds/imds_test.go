package imds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	sdkimds "github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	s      *Server
	srv    *httptest.Server
	clk    *clock
	issued atomic.Int64
	mu     sync.Mutex
	inst   Instance
}

func (e *env) setInstance(f func(*Instance)) {
	e.mu.Lock()
	f(&e.inst)
	e.mu.Unlock()
}

func testInstance() Instance {
	return Instance{
		ID: "i-0123456789abcdef0", Region: "eu-west-1", AvailabilityZone: "eu-west-1b", AccountID: "111122223333",
		InstanceType: "t3.micro", AMIID: "ami-0abcdef1234567890", PrivateIP: "10.0.1.23", MAC: "0e:12:34:56:78:9a",
		VPCID: "vpc-0aaa", SubnetID: "subnet-0bbb", RoleName: "app-role",
		InstanceProfileARN: "arn:aws:iam::111122223333:instance-profile/app-profile", InstanceProfileID: "AIPAEXAMPLE123",
		LaunchTime: time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC),
	}
}

// newEnv starts a Server whose Issue mints numbered credentials valid for
// one hour (by the injected clock).
func newEnv(t *testing.T, customize func(e *env)) *env {
	t.Helper()
	e := &env{clk: &clock{t: t0}, inst: testInstance()}
	e.s = &Server{
		Instance: func() Instance {
			e.mu.Lock()
			defer e.mu.Unlock()
			return e.inst
		},
		Issue: func(ctx context.Context) (Credentials, error) {
			n := e.issued.Add(1)
			return Credentials{
				AccessKeyID:     fmt.Sprintf("ASIAEXAMPLE%04d", n),
				SecretAccessKey: fmt.Sprintf("secret-%d", n),
				Token:           fmt.Sprintf("token-%d", n),
				Expiration:      e.clk.Now().Add(time.Hour),
			}, nil
		},
		Now: e.clk.Now,
	}
	if customize != nil {
		customize(e)
	}
	e.srv = httptest.NewServer(e.s)
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) do(t *testing.T, method, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func (e *env) token(t *testing.T, ttl string) string {
	t.Helper()
	resp, body := e.do(t, "PUT", "/latest/api/token", map[string]string{TokenTTLHeader: ttl})
	if resp.StatusCode != 200 {
		t.Fatalf("PUT token: %d %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get(TokenTTLHeader); got != ttl {
		t.Fatalf("TTL echo %q, want %q", got, ttl)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("token content type %q", resp.Header.Get("Content-Type"))
	}
	return body
}

func (e *env) sdk() *sdkimds.Client {
	return sdkimds.New(sdkimds.Options{Endpoint: e.srv.URL})
}

func TestSDKClient(t *testing.T) {
	for _, requireToken := range []bool{false, true} {
		t.Run(fmt.Sprintf("RequireToken=%v", requireToken), func(t *testing.T) {
			e := newEnv(t, func(e *env) { e.s.RequireToken = requireToken })
			ctx := context.Background()
			c := e.sdk()

			md, err := c.GetMetadata(ctx, &sdkimds.GetMetadataInput{Path: "instance-id"})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(md.Content)
			md.Content.Close()
			if string(b) != "i-0123456789abcdef0" {
				t.Fatalf("instance-id %q", b)
			}

			reg, err := c.GetRegion(ctx, nil)
			if err != nil || reg.Region != "eu-west-1" {
				t.Fatalf("region %v %v", reg, err)
			}

			info, err := c.GetIAMInfo(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if info.Code != "Success" || info.InstanceProfileArn != "arn:aws:iam::111122223333:instance-profile/app-profile" ||
				info.InstanceProfileID != "AIPAEXAMPLE123" || info.LastUpdated.IsZero() {
				t.Fatalf("iam info %+v", info.IAMInfo)
			}

			doc, err := c.GetInstanceIdentityDocument(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			d := doc.InstanceIdentityDocument
			if d.AccountID != "111122223333" || d.Region != "eu-west-1" || d.InstanceID != "i-0123456789abcdef0" ||
				d.AvailabilityZone != "eu-west-1b" || d.InstanceType != "t3.micro" || d.ImageID != "ami-0abcdef1234567890" ||
				d.PrivateIP != "10.0.1.23" || d.Architecture != "x86_64" || d.Version != "2017-09-30" ||
				!d.PendingTime.Equal(time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC)) {
				t.Fatalf("identity document %+v", d)
			}

			for path, want := range map[string]string{
				"placement/availability-zone": "eu-west-1b",
				"mac":                         "0e:12:34:56:78:9a",
				"local-ipv4":                  "10.0.1.23",
				"ami-id":                      "ami-0abcdef1234567890",
				"instance-type":               "t3.micro",
				"network/interfaces/macs/0e:12:34:56:78:9a/vpc-id":    "vpc-0aaa",
				"network/interfaces/macs/0e:12:34:56:78:9a/subnet-id": "subnet-0bbb",
				"iam/security-credentials/":                           "app-role",
				"network/interfaces/macs/":                            "0e:12:34:56:78:9a/",
				"local-hostname":                                      "ip-10-0-1-23.eu-west-1.compute.internal",
				"services/partition":                                  "aws",
			} {
				out, err := c.GetMetadata(ctx, &sdkimds.GetMetadataInput{Path: path})
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				b, _ := io.ReadAll(out.Content)
				out.Content.Close()
				if string(b) != want {
					t.Errorf("%s = %q, want %q", path, b, want)
				}
			}

			// Real EC2 role credential provider.
			p := ec2rolecreds.New(func(o *ec2rolecreds.Options) { o.Client = c })
			creds, err := p.Retrieve(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if creds.AccessKeyID != "ASIAEXAMPLE0001" || creds.SecretAccessKey != "secret-1" || creds.SessionToken != "token-1" || !creds.CanExpire {
				t.Fatalf("creds %+v", creds)
			}
		})
	}
}

func TestCredentialsJSON(t *testing.T) {
	e := newEnv(t, nil)
	resp, body := e.do(t, "GET", "/latest/meta-data/iam/security-credentials/app-role", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain" {
		t.Fatalf("Content-Type %q", ct)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"Code": "Success", "LastUpdated": "2026-01-01T00:00:00Z", "Type": "AWS-HMAC",
		"AccessKeyId": "ASIAEXAMPLE0001", "SecretAccessKey": "secret-1", "Token": "token-1",
		"Expiration": "2026-01-01T01:00:00Z",
	}
	if len(m) != len(want) {
		t.Fatalf("keys %v", m)
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	// Field order as on EC2.
	order := []string{"Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
	last := -1
	for _, k := range order {
		i := strings.Index(body, `"`+k+`"`)
		if i < last {
			t.Fatalf("field order: %s", body)
		}
		last = i
	}

	// Fractional seconds never appear.
	e.clk.Advance(90*time.Minute + 123*time.Millisecond)
	_, body = e.do(t, "GET", "/latest/meta-data/iam/security-credentials/app-role", nil)
	if !regexp.MustCompile(`"Expiration": "2026-01-01T02:30:00Z"`).MatchString(body) ||
		!regexp.MustCompile(`"LastUpdated": "2026-01-01T01:30:00Z"`).MatchString(body) {
		t.Fatalf("times: %s", body)
	}

	resp, _ = e.do(t, "GET", "/latest/meta-data/iam/security-credentials/other-role", nil)
	if resp.StatusCode != 404 {
		t.Fatalf("wrong role: %d", resp.StatusCode)
	}
}

func TestIdentityDocumentJSON(t *testing.T) {
	e := newEnv(t, nil)
	resp, body := e.do(t, "GET", "/latest/dynamic/instance-identity/document", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{
		"accountId": "111122223333", "region": "eu-west-1", "instanceId": "i-0123456789abcdef0",
		"availabilityZone": "eu-west-1b", "instanceType": "t3.micro", "imageId": "ami-0abcdef1234567890",
		"privateIp": "10.0.1.23", "architecture": "x86_64", "pendingTime": "2025-12-31T23:00:00Z", "version": "2017-09-30",
	} {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	_, body = e.do(t, "GET", "/latest/dynamic/", nil)
	if body != "instance-identity/" {
		t.Fatalf("dynamic listing %q", body)
	}
}

func TestListings(t *testing.T) {
	e := newEnv(t, nil)
	for _, p := range []string{"/latest/meta-data/", "/latest/meta-data"} {
		resp, body := e.do(t, "GET", p, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain" {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if strings.HasSuffix(body, "\n") {
			t.Fatalf("trailing newline in %q", body)
		}
		lines := map[string]bool{}
		for _, l := range strings.Split(body, "\n") {
			lines[l] = true
		}
		for _, want := range []string{"ami-id", "instance-id", "instance-type", "local-ipv4", "mac", "iam/", "placement/", "network/", "hostname"} {
			if !lines[want] {
				t.Errorf("%s listing lacks %q: %q", p, want, body)
			}
		}
	}
	_, body := e.do(t, "GET", "/latest/meta-data/placement/", nil)
	if body != "availability-zone\nregion" {
		t.Fatalf("placement listing %q", body)
	}
	_, body = e.do(t, "GET", "/latest/meta-data/iam/", nil)
	if body != "info\nsecurity-credentials/" {
		t.Fatalf("iam listing %q", body)
	}
	_, body = e.do(t, "GET", "/latest/", nil)
	if body != "dynamic\nmeta-data" {
		t.Fatalf("latest listing %q", body)
	}
	for _, p := range []string{"/latest/meta-data/nope", "/latest/meta-data/instance-id/x", "/nope", "/latest/user-data", "/latest/meta-data/../meta-data/instance-id"} {
		resp, body := e.do(t, "GET", p, nil)
		if resp.StatusCode != 404 || !strings.Contains(body, "Not Found") {
			t.Errorf("%s: %d %q", p, resp.StatusCode, body)
		}
	}
}

func TestNoInstanceProfile(t *testing.T) {
	e := newEnv(t, func(e *env) { e.inst.RoleName, e.inst.InstanceProfileARN, e.inst.InstanceProfileID = "", "", "" })
	for _, p := range []string{"/latest/meta-data/iam/security-credentials/", "/latest/meta-data/iam/info", "/latest/meta-data/iam/security-credentials/app-role"} {
		resp, _ := e.do(t, "GET", p, nil)
		if resp.StatusCode != 404 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
	}
	_, body := e.do(t, "GET", "/latest/meta-data/", nil)
	if strings.Contains(body, "iam/") {
		t.Fatalf("listing shows iam/: %q", body)
	}
	if _, err := ec2rolecreds.New(func(o *ec2rolecreds.Options) { o.Client = e.sdk() }).Retrieve(context.Background()); err == nil {
		t.Fatal("expected no role")
	}
	if e.issued.Load() != 0 {
		t.Fatal("Issue called without a role")
	}

	// Associate a profile later.
	e.setInstance(func(i *Instance) {
		i.RoleName = "late-role"
		i.InstanceProfileARN = "arn:aws:iam::111122223333:instance-profile/late"
	})
	_, body = e.do(t, "GET", "/latest/meta-data/iam/security-credentials/", nil)
	if body != "late-role" {
		t.Fatalf("role %q", body)
	}
	creds, err := ec2rolecreds.New(func(o *ec2rolecreds.Options) { o.Client = e.sdk() }).Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "ASIAEXAMPLE0001" {
		t.Fatalf("%+v %v", creds, err)
	}

	// Switching roles invalidates the cache.
	e.setInstance(func(i *Instance) { i.RoleName = "other-role" })
	_, body = e.do(t, "GET", "/latest/meta-data/iam/security-credentials/other-role", nil)
	if !strings.Contains(body, "ASIAEXAMPLE0002") {
		t.Fatalf("not reissued for new role: %s", body)
	}
}

func TestTokens(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(t, "123")
	if len(tok) < 40 {
		t.Fatalf("short token %q", tok)
	}
	resp, body := e.do(t, "GET", "/latest/meta-data/instance-id", map[string]string{TokenHeader: tok})
	if resp.StatusCode != 200 || body != "i-0123456789abcdef0" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get(TokenTTLHeader); got != "123" {
		t.Fatalf("remaining TTL %q", got)
	}
	e.token(t, "1")
	e.token(t, "21600")

	for _, ttl := range []string{"0", "21601", "-5", "abc", ""} {
		hdr := map[string]string{TokenTTLHeader: ttl}
		if ttl == "" {
			hdr = nil
		}
		resp, _ := e.do(t, "PUT", "/latest/api/token", hdr)
		if resp.StatusCode != 400 {
			t.Errorf("ttl %q: %d", ttl, resp.StatusCode)
		}
	}
	resp, _ = e.do(t, "PUT", "/latest/api/token", map[string]string{TokenTTLHeader: "60", "X-Forwarded-For": "10.0.0.1"})
	if resp.StatusCode != 403 {
		t.Fatalf("X-Forwarded-For: %d", resp.StatusCode)
	}
	resp, _ = e.do(t, "GET", "/latest/api/token", nil)
	if resp.StatusCode != 405 {
		t.Fatalf("GET token: %d", resp.StatusCode)
	}
	resp, _ = e.do(t, "POST", "/latest/meta-data/instance-id", nil)
	if resp.StatusCode != 405 {
		t.Fatalf("POST: %d", resp.StatusCode)
	}

	// Wrong tokens.
	for _, bad := range []string{"garbage", "", tok[:len(tok)-4] + "AAAA", strings.ToLower(tok)} {
		resp, _ := e.do(t, "GET", "/latest/meta-data/instance-id", map[string]string{TokenHeader: bad})
		if resp.StatusCode != 401 {
			t.Errorf("token %q: %d", bad, resp.StatusCode)
		}
	}
	// A token from another server instance is rejected.
	other := newEnv(t, nil)
	resp, _ = e.do(t, "GET", "/latest/meta-data/instance-id", map[string]string{TokenHeader: other.token(t, "60")})
	if resp.StatusCode != 401 {
		t.Fatalf("foreign token: %d", resp.StatusCode)
	}

	// Expiry.
	e.clk.Advance(122 * time.Second)
	resp, _ = e.do(t, "GET", "/latest/meta-data/instance-id", map[string]string{TokenHeader: tok})
	if resp.StatusCode != 200 || resp.Header.Get(TokenTTLHeader) != "1" {
		t.Fatalf("before expiry: %d %q", resp.StatusCode, resp.Header.Get(TokenTTLHeader))
	}
	e.clk.Advance(time.Second)
	resp, _ = e.do(t, "GET", "/latest/meta-data/instance-id", map[string]string{TokenHeader: tok})
	if resp.StatusCode != 401 {
		t.Fatalf("expired token: %d", resp.StatusCode)
	}

	// IMDSv1 allowed by default.
	resp, _ = e.do(t, "GET", "/latest/meta-data/instance-id", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("v1: %d", resp.StatusCode)
	}
}

func TestRequireToken(t *testing.T) {
	e := newEnv(t, func(e *env) { e.s.RequireToken = true })
	resp, _ := e.do(t, "GET", "/latest/meta-data/iam/security-credentials/app-role", nil)
	if resp.StatusCode != 401 {
		t.Fatalf("v1 GET: %d", resp.StatusCode)
	}
	if e.issued.Load() != 0 {
		t.Fatal("Issue called for a rejected request")
	}
	tok := e.token(t, "300")
	resp, _ = e.do(t, "GET", "/latest/meta-data/iam/security-credentials/app-role", map[string]string{TokenHeader: tok})
	if resp.StatusCode != 200 {
		t.Fatalf("v2 GET: %d", resp.StatusCode)
	}
}

func TestRefreshNearExpiry(t *testing.T) {
	e := newEnv(t, nil)
	get := func() string {
		t.Helper()
		resp, body := e.do(t, "GET", "/latest/meta-data/iam/security-credentials/app-role", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		var d struct{ AccessKeyId, Expiration, LastUpdated string }
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Fatal(err)
		}
		return d.AccessKeyId
	}
	if k := get(); k != "ASIAEXAMPLE0001" {
		t.Fatal(k)
	}
	// Credentials expire at t0+1h; reissue once fewer than 15 minutes remain.
	e.clk.Advance(44*time.Minute + 59*time.Second)
	if k := get(); k != "ASIAEXAMPLE0001" {
		t.Fatalf("reissued too early: %s", k)
	}
	e.clk.Advance(2 * time.Second)
	if k := get(); k != "ASIAEXAMPLE0002" {
		t.Fatalf("not reissued: %s", k)
	}
	if k := get(); k != "ASIAEXAMPLE0002" {
		t.Fatalf("not cached: %s", k)
	}
	if n := e.issued.Load(); n != 2 {
		t.Fatalf("issued %d", n)
	}

}

func TestCustomRefreshWindow(t *testing.T) {
	e := newEnv(t, func(e *env) { e.s.RefreshWindow = 50 * time.Minute })
	key := func() string {
		_, body := e.do(t, "GET", "/latest/meta-data/iam/security-credentials/app-role", nil)
		var d struct{ AccessKeyId string }
		json.Unmarshal([]byte(body), &d)
		return d.AccessKeyId
	}
	if k := key(); k != "ASIAEXAMPLE0001" {
		t.Fatal(k)
	}
	e.clk.Advance(9 * time.Minute) // 51 min left
	if k := key(); k != "ASIAEXAMPLE0001" {
		t.Fatal(k)
	}
	e.clk.Advance(2 * time.Minute) // 49 min left
	if k := key(); k != "ASIAEXAMPLE0002" {
		t.Fatalf("custom window: %s", k)
	}
}

func TestSingleFlight(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 100)
	e := newEnv(t, func(e *env) {
		inner := e.s.Issue
		e.s.Issue = func(ctx context.Context) (Credentials, error) {
			started <- struct{}{}
			<-release
			return inner(ctx)
		}
	})

	const n = 50
	var wg sync.WaitGroup
	keys := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.sdk()
			creds, err := ec2rolecreds.New(func(o *ec2rolecreds.Options) { o.Client = c }).Retrieve(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			keys <- creds.AccessKeyID
		}()
	}
	<-started
	time.Sleep(200 * time.Millisecond) // let the others pile up behind the flight
	close(release)
	wg.Wait()
	close(keys)
	for k := range keys {
		if k != "ASIAEXAMPLE0001" {
			t.Errorf("key %s", k)
		}
	}
	if got := e.issued.Load(); got != 1 {
		t.Fatalf("Issue called %d times", got)
	}
}

func TestIssueFailure(t *testing.T) {
	var logs strings.Builder
	var logMu sync.Mutex
	fail := atomic.Bool{}
	fail.Store(true)
	e := newEnv(t, func(e *env) {
		inner := e.s.Issue
		e.s.Issue = func(ctx context.Context) (Credentials, error) {
			if fail.Load() {
				return Credentials{}, errors.New("AccessDenied: not authorized to perform sts:AssumeRole")
			}
			return inner(ctx)
		}
		e.s.Logf = func(f string, a ...any) {
			logMu.Lock()
			defer logMu.Unlock()
			fmt.Fprintf(&logs, f, a...)
		}
	})
	resp, body := e.do(t, "GET", "/latest/meta-data/iam/security-credentials/app-role", nil)
	if resp.StatusCode != 500 || strings.Contains(body, "secret") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	logMu.Lock()
	if !strings.Contains(logs.String(), "AccessDenied") {
		t.Fatalf("log %q", logs.String())
	}
	logMu.Unlock()
	fail.Store(false)
	resp, body = e.do(t, "GET", "/latest/meta-data/iam/security-credentials/app-role", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "ASIAEXAMPLE0001") {
		t.Fatalf("failure was cached: %d %s", resp.StatusCode, body)
	}
}

func TestZeroExpirationDefaulted(t *testing.T) {
	e := newEnv(t, func(e *env) {
		e.s.Issue = func(ctx context.Context) (Credentials, error) {
			e.issued.Add(1)
			return Credentials{AccessKeyID: "A", SecretAccessKey: "S", Token: "T"}, nil
		}
	})
	_, body := e.do(t, "GET", "/latest/meta-data/iam/security-credentials/app-role", nil)
	if !strings.Contains(body, `"Expiration": "2026-01-01T06:00:00Z"`) {
		t.Fatal(body)
	}
}

func TestConcurrentMixed(t *testing.T) {
	e := newEnv(t, nil)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// The injected clock races ahead of the SDK's token cache, so
			// expect 401s; retry them without backoff.
			c := sdkimds.New(sdkimds.Options{Endpoint: e.srv.URL, DisableDefaultMaxBackoff: true, Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			})})
			for j := 0; j < 10; j++ {
				if i%5 == 0 {
					e.clk.Advance(time.Minute)
				}
				if _, err := ec2rolecreds.New(func(o *ec2rolecreds.Options) { o.Client = c }).Retrieve(context.Background()); err != nil {
					t.Error(err)
					return
				}
				if _, err := c.GetRegion(context.Background(), nil); err != nil {
					t.Error(err)
					return
				}
			}
		}(i)
	}
	wg.Wait()
}
