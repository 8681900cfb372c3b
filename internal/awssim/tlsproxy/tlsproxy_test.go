package tlsproxy

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type seen struct {
	Host, Scheme, URLHost, Path, RemoteAddr, Proto string
	TLS                                            bool
	SNI                                            string
}

type recorder struct {
	mu   sync.Mutex
	reqs []seen
	n    atomic.Int64
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := seen{Host: r.Host, Scheme: r.URL.Scheme, URLHost: r.URL.Host, Path: r.URL.Path, RemoteAddr: r.RemoteAddr, Proto: r.Proto, TLS: r.TLS != nil}
	if r.TLS != nil {
		s.SNI = r.TLS.ServerName
	}
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, s)
	rc.mu.Unlock()
	rc.n.Add(1)
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "host=%s path=%s body=%s", r.Host, r.URL.Path, body)
}

func (rc *recorder) last(t *testing.T) seen {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.reqs) == 0 {
		t.Fatal("target saw no request")
	}
	return rc.reqs[len(rc.reqs)-1]
}

type fixture struct {
	p      *Proxy
	rec    *recorder
	srv    *httptest.Server
	client *http.Client
	logs   *logBuf
}

type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, format+"\n", args...)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	f := &fixture{rec: &recorder{}, logs: &logBuf{}}
	if opts.Logf == nil {
		opts.Logf = f.logs.logf
	}
	p, err := New(f.rec, opts)
	if err != nil {
		t.Fatal(err)
	}
	f.p = p
	f.srv = httptest.NewServer(p)
	t.Cleanup(func() {
		f.srv.Close()
		p.Close()
	})
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(p.CACertPEM()) {
		t.Fatal("CACertPEM not parseable")
	}
	proxyURL, _ := url.Parse(f.srv.URL)
	tr := &http.Transport{
		Proxy:               http.ProxyURL(proxyURL),
		TLSClientConfig:     &tls.Config{RootCAs: pool},
		MaxIdleConnsPerHost: 64,
		ForceAttemptHTTP2:   true, // proxy offers only http/1.1; must still work
	}
	t.Cleanup(tr.CloseIdleConnections)
	f.client = &http.Client{Transport: tr, Timeout: 20 * time.Second}
	return f
}

func TestHTTPSReachesTargetWithHostIntact(t *testing.T) {
	f := newFixture(t, Options{})
	resp, err := f.client.Post("https://sts.us-east-1.amazonaws.com/some/path?x=1", "text/plain", strings.NewReader("Action=GetCallerIdentity"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if want := "host=sts.us-east-1.amazonaws.com path=/some/path body=Action=GetCallerIdentity"; string(body) != want {
		t.Fatalf("body %q, want %q", body, want)
	}
	if resp.TLS == nil || len(resp.TLS.VerifiedChains) == 0 {
		t.Fatal("TLS not verified")
	}
	if resp.ProtoMajor != 1 {
		t.Fatalf("proto %s", resp.Proto)
	}
	s := f.rec.last(t)
	if s.Host != "sts.us-east-1.amazonaws.com" || s.Scheme != "https" || !s.TLS || s.SNI != "sts.us-east-1.amazonaws.com" {
		t.Fatalf("target saw %+v", s)
	}
	host, _, err := net.SplitHostPort(s.RemoteAddr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("RemoteAddr %q", s.RemoteAddr)
	}
}

func TestNonDefaultPortHostPreserved(t *testing.T) {
	f := newFixture(t, Options{})
	resp, err := f.client.Get("https://rds.eu-west-1.amazonaws.com:8443/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s := f.rec.last(t); s.Host != "rds.eu-west-1.amazonaws.com:8443" {
		t.Fatalf("Host %q", s.Host)
	}
}

func TestLeafCertificate(t *testing.T) {
	f := newFixture(t, Options{})
	resp, err := f.client.Get("https://iam.amazonaws.com/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	leaf := resp.TLS.PeerCertificates[0]
	if len(leaf.DNSNames) != 1 || leaf.DNSNames[0] != "iam.amazonaws.com" {
		t.Fatalf("DNSNames %v", leaf.DNSNames)
	}
	if leaf.IsCA {
		t.Fatal("leaf is a CA")
	}
	if leaf.PublicKeyAlgorithm != x509.ECDSA {
		t.Fatalf("leaf key algorithm %v", leaf.PublicKeyAlgorithm)
	}
	ca := f.p.CACert()
	if ca.Subject.CommonName != CACommonName || !ca.IsCA || ca.PublicKeyAlgorithm != x509.ECDSA {
		t.Fatalf("CA %+v", ca.Subject)
	}
	if err := leaf.CheckSignatureFrom(ca); err != nil {
		t.Fatal(err)
	}
	if leaf.NotAfter.After(ca.NotAfter) {
		t.Fatal("leaf outlives CA")
	}
	if d := time.Until(ca.NotAfter); d < 360*24*time.Hour || d > 367*24*time.Hour {
		t.Fatalf("CA validity %v", d)
	}
	blk, _ := pem.Decode(f.p.CACertPEM())
	if blk == nil || blk.Type != "CERTIFICATE" {
		t.Fatal("bad PEM")
	}

	// Cached per host.
	c1, err := f.p.leafFor("iam.amazonaws.com")
	if err != nil {
		t.Fatal(err)
	}
	if !c1.Leaf.Equal(leaf) {
		t.Fatal("leaf not cached")
	}
}

func TestKeepAliveReuse(t *testing.T) {
	f := newFixture(t, Options{})
	var reused, fresh int
	for i := 0; i < 10; i++ {
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
			if info.Reused {
				reused++
			} else {
				fresh++
			}
		}}
		req, _ := http.NewRequest("GET", fmt.Sprintf("https://ec2.us-east-1.amazonaws.com/%d", i), nil)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		resp, err := f.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if fresh != 1 || reused != 9 {
		t.Fatalf("fresh=%d reused=%d", fresh, reused)
	}
	if got := f.rec.n.Load(); got != 10 {
		t.Fatalf("target saw %d requests", got)
	}
}

func TestNonAWSConnectRefused(t *testing.T) {
	f := newFixture(t, Options{})
	_, err := f.client.Get("https://example.com/")
	if err == nil {
		t.Fatal("expected error")
	}
	if !strings.Contains(err.Error(), "Forbidden") && !strings.Contains(err.Error(), "403") {
		t.Fatalf("error %v", err)
	}
	if f.rec.n.Load() != 0 {
		t.Fatal("target reached")
	}
	if !strings.Contains(f.logs.String(), "example.com") {
		t.Fatalf("refusal not logged: %q", f.logs.String())
	}

	// Raw CONNECT: status line and body.
	conn, err := net.Dial("tcp", f.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "CONNECT evil.amazonaws.com.example.org:443 HTTP/1.1\r\nHost: evil.amazonaws.com.example.org:443\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: "CONNECT"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 403 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestMatchOption(t *testing.T) {
	f := newFixture(t, Options{Match: func(h string) bool { return h == "sim.test" }})
	resp, err := f.client.Get("https://sim.test/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := f.client.Get("https://sts.amazonaws.com/"); err == nil {
		t.Fatal("expected refusal")
	}
}

func TestDefaultMatch(t *testing.T) {
	for h, want := range map[string]bool{
		"amazonaws.com":                   true,
		"sts.amazonaws.com":               true,
		"STS.US-EAST-1.AMAZONAWS.COM.":    true,
		"sts.cn-north-1.amazonaws.com.cn": true,
		"amazonaws.com.cn":                true,
		"notamazonaws.com":                false,
		"amazonaws.com.evil.org":          false,
		"example.com":                     false,
		"":                                false,
	} {
		if got := DefaultMatch(h); got != want {
			t.Errorf("DefaultMatch(%q)=%v", h, got)
		}
	}
}

func TestPlainHTTPProxied(t *testing.T) {
	f := newFixture(t, Options{})
	resp, err := f.client.Get("http://sts.amazonaws.com/?Action=GetCallerIdentity")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "host=sts.amazonaws.com path=/ body=" {
		t.Fatalf("%d %q", resp.StatusCode, body)
	}
	if s := f.rec.last(t); s.Host != "sts.amazonaws.com" || s.Scheme != "http" || s.TLS {
		t.Fatalf("target saw %+v", s)
	}

	resp, err = f.client.Get("http://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestOriginFormRequests(t *testing.T) {
	f := newFixture(t, Options{})
	resp, err := http.Get(f.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("status %d", resp.StatusCode)
	}

	direct := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "direct") })
	g := newFixture(t, Options{Direct: direct})
	resp, err = http.Get(g.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "direct" {
		t.Fatalf("body %q", body)
	}
}

func TestSNIPreferred(t *testing.T) {
	f := newFixture(t, Options{})
	// Tunnel to one host but ask (via SNI and Host) for another AWS host.
	conn, err := net.Dial("tcp", f.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: "CONNECT"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 403 {
		t.Fatalf("status %d (127.0.0.1 should not match)", resp.StatusCode)
	}

	conn2, err := net.Dial("tcp", f.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	fmt.Fprintf(conn2, "CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts.amazonaws.com:443\r\n\r\n")
	br = bufio.NewReader(conn2)
	resp, err = http.ReadResponse(br, &http.Request{Method: "CONNECT"})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("CONNECT: %v %v", resp, err)
	}
	tc := tls.Client(conn2, &tls.Config{RootCAs: f.p.CertPool(), ServerName: "sts.us-west-2.amazonaws.com"})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	if got := tc.ConnectionState().PeerCertificates[0].DNSNames; got[0] != "sts.us-west-2.amazonaws.com" {
		t.Fatalf("SAN %v", got)
	}
	if p := tc.ConnectionState().NegotiatedProtocol; p != "" && p != "http/1.1" {
		t.Fatalf("ALPN %q", p)
	}
	fmt.Fprintf(tc, "GET /a HTTP/1.1\r\nHost: sts.us-west-2.amazonaws.com\r\n\r\n")
	resp, err = http.ReadResponse(bufio.NewReader(tc), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s := f.rec.last(t); s.Host != "sts.us-west-2.amazonaws.com" {
		t.Fatalf("target saw %+v", s)
	}
}

func TestNoSNIUsesConnectHost(t *testing.T) {
	f := newFixture(t, Options{})
	conn, err := net.Dial("tcp", f.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Pipeline the ClientHello right after CONNECT (before reading the 200).
	fmt.Fprintf(conn, "CONNECT kms.us-east-1.amazonaws.com:443 HTTP/1.1\r\nHost: kms.us-east-1.amazonaws.com:443\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: "CONNECT"})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("CONNECT: %v %v", resp, err)
	}
	// No ServerName: verify manually against the CONNECT host.
	var peer *x509.Certificate
	tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, VerifyConnection: func(cs tls.ConnectionState) error {
		peer = cs.PeerCertificates[0]
		_, err := peer.Verify(x509.VerifyOptions{Roots: f.p.CertPool(), DNSName: "kms.us-east-1.amazonaws.com"})
		return err
	}})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	tc.Close()
}

func TestGarbage(t *testing.T) {
	f := newFixture(t, Options{})
	inputs := []string{
		"CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts.amazonaws.com:443\r\n\r\n\x16\x03\x01\x00\x05hello",
		"CONNECT sts.amazonaws.com:443 HTTP/1.1\r\nHost: sts.amazonaws.com:443\r\n\r\nGET / HTTP/1.1\r\n\r\n",
		"CONNECT :443 HTTP/1.1\r\nHost: :443\r\n\r\n",
		"CONNECT [::1 HTTP/1.1\r\n\r\n",
		"\x00\x01\x02garbage\r\n\r\n",
		"GET http://sts.amazonaws.com:notaport/ HTTP/1.1\r\nHost: x\r\n\r\n",
	}
	for _, in := range inputs {
		conn, err := net.Dial("tcp", f.srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		conn.SetDeadline(time.Now().Add(2 * time.Second))
		io.WriteString(conn, in)
		io.Copy(io.Discard, conn)
		conn.Close()
		t.Logf("%q: %v", in, time.Since(start))
	}
	// Still works afterwards.
	resp, err := f.client.Get("https://sts.amazonaws.com/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestConcurrent(t *testing.T) {
	f := newFixture(t, Options{})
	const workers, per = 32, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*per)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				host := fmt.Sprintf("svc%d.us-east-1.amazonaws.com", (w+i)%7)
				resp, err := f.client.Post("https://"+host+"/", "text/plain", strings.NewReader(fmt.Sprint(w, i)))
				if err != nil {
					errs <- err
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want := fmt.Sprintf("host=%s path=/ body=%d %d", host, w, i); string(body) != want {
					errs <- fmt.Errorf("got %q want %q", body, want)
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := f.rec.n.Load(); got != workers*per {
		t.Fatalf("target saw %d", got)
	}
}

func TestClose(t *testing.T) {
	f := newFixture(t, Options{})
	resp, err := f.client.Get("https://sts.amazonaws.com/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := f.p.Close(); err != nil {
		t.Fatal(err)
	}
	f.p.Close() // idempotent
	f.client.Transport.(*http.Transport).CloseIdleConnections()
	if _, err := f.client.Get("https://sts.amazonaws.com/"); err == nil {
		t.Fatal("expected failure after Close")
	}
}

func BenchmarkProxyKeepAlive(b *testing.B) {
	p, err := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	srv := httptest.NewServer(p)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	tr := &http.Transport{Proxy: http.ProxyURL(u), TLSClientConfig: &tls.Config{RootCAs: p.CertPool()}, MaxIdleConnsPerHost: 100}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Get("https://sts.amazonaws.com/")
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
