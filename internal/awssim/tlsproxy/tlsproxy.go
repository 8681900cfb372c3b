// Package tlsproxy is an HTTP(S) forward proxy that terminates TLS for AWS
// endpoint hosts with a CA it generates, so unmodified AWS clients configured
// with HTTPS_PROXY and AWS_CA_BUNDLE reach the simulator, including calls that
// ignore --endpoint-url (the AWS CLI 2.9's own STS AssumeRole for role_arn
// profiles).
//
// The proxy never dials out: CONNECT requests for hosts that Match are
// answered locally (the TLS session is terminated with a leaf certificate
// minted on the fly and the decrypted requests are served by the target
// handler); everything else is refused with 403.
package tlsproxy

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// CACommonName is the subject common name of the generated CA certificate.
const CACommonName = "rdsfleet simulator CA"

const (
	// handshakeTimeout bounds the time between the CONNECT request and the
	// end of the TLS handshake on the hijacked connection.
	handshakeTimeout = 15 * time.Second
	// maxLeafCache bounds the number of cached leaf certificates; the cache
	// is reset when exceeded (only matching hosts are ever cached).
	maxLeafCache = 4096
)

// Options configures a Proxy.
type Options struct {
	// Match decides which hosts (without port, lower case) are intercepted.
	// nil means AWS hosts: "amazonaws.com", "*.amazonaws.com",
	// "amazonaws.com.cn" and "*.amazonaws.com.cn".
	Match func(host string) bool
	// Logf receives diagnostics (refused hosts, TLS handshake failures).
	// nil means silent.
	Logf func(format string, args ...any)
	// Direct, if non-nil, serves requests that reach ServeHTTP in origin form
	// (not CONNECT and not an absolute-URI proxy request), so one listener
	// can be both the proxy and a plain endpoint. nil: such requests get 400.
	Direct http.Handler
}

// Proxy is an intercepting forward proxy. Create it with New.
type Proxy struct {
	target http.Handler
	match  func(string) bool
	logf   func(string, ...any)
	direct http.Handler

	caCert    *x509.Certificate
	caKey     *ecdsa.PrivateKey
	caPEM     []byte
	tlsConfig *tls.Config

	mu     sync.Mutex
	leaves map[string]*tls.Certificate

	ln  *chanListener
	srv *http.Server

	closeOnce sync.Once
	closeErr  error
}

// New generates a fresh CA (ECDSA P-256, CN "rdsfleet simulator CA", valid
// from one hour ago for one year) and returns a proxy that hands decrypted
// requests to target.
func New(target http.Handler, opts Options) (*Proxy, error) {
	if target == nil {
		return nil, errors.New("tlsproxy: nil target handler")
	}
	p := &Proxy{
		target: target,
		match:  opts.Match,
		logf:   opts.Logf,
		direct: opts.Direct,
		leaves: make(map[string]*tls.Certificate),
	}
	if p.match == nil {
		p.match = DefaultMatch
	}
	if p.logf == nil {
		p.logf = func(string, ...any) {}
	}
	if err := p.generateCA(); err != nil {
		return nil, err
	}
	// GetCertificate is set per connection (it needs the CONNECT host).
	p.tlsConfig = &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
	}

	p.ln = newChanListener()
	p.srv = &http.Server{
		Handler:           http.HandlerFunc(p.serveIntercepted),
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(logWriter(p.logf), "tlsproxy: ", 0),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if ic, ok := c.(*interceptedConn); ok {
				return context.WithValue(ctx, connKey{}, ic)
			}
			return ctx
		},
	}
	go func() { _ = p.srv.Serve(p.ln) }()
	return p, nil
}

// DefaultMatch reports whether host is an AWS endpoint host (amazonaws.com,
// *.amazonaws.com, amazonaws.com.cn, *.amazonaws.com.cn).
func DefaultMatch(host string) bool {
	host = normalizeHost(host)
	return host == "amazonaws.com" || strings.HasSuffix(host, ".amazonaws.com") ||
		host == "amazonaws.com.cn" || strings.HasSuffix(host, ".amazonaws.com.cn")
}

// CACertPEM returns the PEM encoding of the CA certificate (suitable for
// AWS_CA_BUNDLE / --ca-file).
func (p *Proxy) CACertPEM() []byte {
	out := make([]byte, len(p.caPEM))
	copy(out, p.caPEM)
	return out
}

// CACert returns the parsed CA certificate.
func (p *Proxy) CACert() *x509.Certificate { return p.caCert }

// CertPool returns a fresh pool containing only the CA certificate.
func (p *Proxy) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.caCert)
	return pool
}

// Close stops serving intercepted connections (open ones are closed).
// Subsequent CONNECT requests are answered with 503.
func (p *Proxy) Close() error {
	p.closeOnce.Do(func() {
		p.ln.Close()
		p.closeErr = p.srv.Close()
	})
	return p.closeErr
}

// ServeHTTP is the proxy endpoint: it handles CONNECT and absolute-URI plain
// HTTP proxy requests.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.serveConnect(w, r)
		return
	}
	if r.URL.IsAbs() && r.URL.Host != "" {
		p.servePlain(w, r)
		return
	}
	if p.direct != nil {
		p.direct.ServeHTTP(w, r)
		return
	}
	http.Error(w, "tlsproxy: not a proxy request", http.StatusBadRequest)
}

func (p *Proxy) servePlain(w http.ResponseWriter, r *http.Request) {
	host := hostOnly(r.URL.Host)
	if !p.match(host) {
		p.logf("tlsproxy: refused %s %s from %s: host %q not simulated", r.Method, r.URL.Redacted(), r.RemoteAddr, host)
		http.Error(w, "tlsproxy: host not simulated (no outbound network)", http.StatusForbidden)
		return
	}
	r.Header.Del("Proxy-Connection")
	r.Header.Del("Proxy-Authorization")
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	p.target.ServeHTTP(w, r)
}

func (p *Proxy) serveConnect(w http.ResponseWriter, r *http.Request) {
	// A refused CONNECT ends the conversation; Hijack ignores this header.
	w.Header().Set("Connection", "close")
	authority := r.Host
	if authority == "" && r.URL != nil {
		authority = r.URL.Host
	}
	host := hostOnly(authority)
	if host == "" {
		http.Error(w, "tlsproxy: CONNECT without host", http.StatusBadRequest)
		return
	}
	if !p.match(host) {
		p.logf("tlsproxy: refused CONNECT %s from %s: host not simulated", authority, r.RemoteAddr)
		http.Error(w, "tlsproxy: host not simulated (no outbound network)", http.StatusForbidden)
		return
	}
	if p.ln.isClosed() {
		http.Error(w, "tlsproxy: proxy closed", http.StatusServiceUnavailable)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "tlsproxy: CONNECT requires HTTP/1.x", http.StatusHTTPVersionNotSupported)
		return
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		p.logf("tlsproxy: hijack CONNECT %s: %v", authority, err)
		return
	}
	var raw net.Conn = conn
	if brw != nil && brw.Reader.Buffered() > 0 {
		// The client pipelined bytes (e.g. a ClientHello) after CONNECT.
		raw = &bufferedConn{Conn: conn, r: brw.Reader}
	}
	_ = raw.SetDeadline(time.Now().Add(handshakeTimeout))
	if _, err := io.WriteString(raw, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		raw.Close()
		return
	}

	cfg := p.tlsConfig.Clone()
	cfg.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		name := host
		if sni := normalizeHost(hello.ServerName); sni != "" && p.match(sni) {
			name = sni
		}
		return p.leafFor(name)
	}
	tc := tls.Server(raw, cfg)
	if err := tc.Handshake(); err != nil {
		p.logf("tlsproxy: TLS handshake for %s from %s: %v", authority, r.RemoteAddr, err)
		tc.Close()
		return
	}
	_ = raw.SetDeadline(time.Time{})

	ic := &interceptedConn{
		Conn:       tc,
		clientAddr: r.RemoteAddr,
		authority:  authority,
		state:      tc.ConnectionState(),
	}
	if err := p.ln.deliver(ic); err != nil {
		tc.Close()
	}
}

// serveIntercepted is the handler of the internal server that reads the
// decrypted requests.
func (p *Proxy) serveIntercepted(w http.ResponseWriter, r *http.Request) {
	if ic, ok := r.Context().Value(connKey{}).(*interceptedConn); ok {
		r.RemoteAddr = ic.clientAddr
		st := ic.state
		r.TLS = &st
		if r.Host == "" {
			r.Host = ic.authority
		}
	}
	r.URL.Scheme = "https"
	if r.URL.Host == "" {
		r.URL.Host = r.Host
	}
	p.target.ServeHTTP(w, r)
}

// leafFor returns (minting and caching if needed) a leaf certificate for host.
func (p *Proxy) leafFor(host string) (*tls.Certificate, error) {
	p.mu.Lock()
	c := p.leaves[host]
	p.mu.Unlock()
	if c != nil {
		return c, nil
	}
	c, err := p.mintLeaf(host)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if prev := p.leaves[host]; prev != nil {
		return prev, nil
	}
	if len(p.leaves) >= maxLeafCache {
		clear(p.leaves)
	}
	p.leaves[host] = c
	return c, nil
}

func (p *Proxy) generateCA() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("tlsproxy: generate CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: CACommonName, Organization: []string{"rdsfleet"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("tlsproxy: create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("tlsproxy: parse CA certificate: %w", err)
	}
	p.caCert = cert
	p.caKey = key
	p.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return nil
}

func (p *Proxy) mintLeaf(host string) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlsproxy: generate leaf key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	notAfter := now.AddDate(0, 6, 0)
	if notAfter.After(p.caCert.NotAfter) {
		notAfter = p.caCert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: host},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &key.PublicKey, p.caKey)
	if err != nil {
		return nil, fmt.Errorf("tlsproxy: create leaf certificate for %q: %w", host, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("tlsproxy: parse leaf certificate: %w", err)
	}
	return &tls.Certificate{
		Certificate: [][]byte{der, p.caCert.Raw},
		PrivateKey:  key,
		Leaf:        leaf,
	}, nil
}

func randomSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("tlsproxy: serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}

// hostOnly strips an optional port and brackets from an authority and
// normalises the host name.
func hostOnly(authority string) string {
	h := authority
	if host, _, err := net.SplitHostPort(authority); err == nil {
		h = host
	} else if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
	}
	return normalizeHost(h)
}

func normalizeHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// interceptedConn is a decrypted CONNECT tunnel handed to the internal
// server; it remembers the original client address and TLS state.
type interceptedConn struct {
	net.Conn
	clientAddr string
	authority  string
	state      tls.ConnectionState
}

type connKey struct{}

// bufferedConn replays bytes already buffered by the hijacked bufio.Reader.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) {
	if c.r != nil {
		if c.r.Buffered() > 0 {
			return c.r.Read(b)
		}
		c.r = nil
	}
	return c.Conn.Read(b)
}

// chanListener is a net.Listener fed by deliver.
type chanListener struct {
	ch        chan net.Conn
	done      chan struct{}
	closeOnce sync.Once
}

func newChanListener() *chanListener {
	return &chanListener{ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *chanListener) deliver(c net.Conn) error {
	select {
	case l.ch <- c:
		return nil
	case <-l.done:
		return net.ErrClosed
	}
}

func (l *chanListener) isClosed() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

func (l *chanListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "tlsproxy" }
func (pipeAddr) String() string  { return "tlsproxy" }

type logWriter func(string, ...any)

func (f logWriter) Write(b []byte) (int, error) {
	f("%s", strings.TrimRight(string(b), "\n"))
	return len(b), nil
}
