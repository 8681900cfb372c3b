// Package simhost runs the AWS simulator on loopback: the API endpoint, the
// TLS-terminating proxy for unmodified clients, the EC2 instance metadata
// service, and the env file that tells clients where they all are.
package simhost

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/rdsfleet/rdsfleet/internal/awsconfig"
	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/awssim/tlsproxy"
	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// Config says what to serve where. Empty addresses mean "don't serve",
// except Addr, which defaults to 127.0.0.1:4566.
type Config struct {
	World   *world.World
	Options awssim.Options

	Addr      string // API endpoint; "127.0.0.1:0" picks a free port
	ProxyAddr string // HTTPS proxy; needs CAFile
	CAFile    string // where the proxy's CA certificate is written
	IMDSAddr  string // instance metadata service
	// IMDSInstance is the EC2 instance whose metadata is served; empty
	// means the first instance in the world with an instance profile.
	IMDSInstance string
	EnvFile      string // where the KEY=VALUE lines for clients are written
}

// Host is a running simulator.
type Host struct {
	Sim      *awssim.Server
	Endpoint string // http://127.0.0.1:4566
	ProxyURL string // http://127.0.0.1:PORT, "" without a proxy
	IMDSURL  string // http://127.0.0.1:PORT/, "" without IMDS
	CAFile   string
	Instance string // the instance IMDS serves

	servers []*http.Server
	proxy   *tlsproxy.Proxy
}

// Start builds the simulator and starts its listeners. It returns once
// every listener accepts connections and the env file is written.
func Start(cfg Config) (*Host, error) {
	sim, err := awssim.New(cfg.World, cfg.Options)
	if err != nil {
		return nil, err
	}
	h := &Host{Sim: sim}
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:4566"
	}
	ln, err := listen("--addr", addr)
	if err != nil {
		return nil, err
	}
	h.Endpoint = "http://" + ln.Addr().String()
	h.serve(ln, sim)

	if cfg.ProxyAddr != "" {
		if cfg.CAFile == "" {
			h.Close()
			return nil, errors.New("--proxy-addr needs --ca-file: clients must trust the proxy's CA")
		}
		h.proxy, err = tlsproxy.New(sim, tlsproxy.Options{Logf: cfg.Options.Logf})
		if err != nil {
			h.Close()
			return nil, fmt.Errorf("proxy: %w", err)
		}
		if err := writeFile(cfg.CAFile, h.proxy.CACertPEM(), 0o644); err != nil {
			h.Close()
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		h.CAFile = cfg.CAFile
		pln, err := listen("--proxy-addr", cfg.ProxyAddr)
		if err != nil {
			h.Close()
			return nil, err
		}
		h.ProxyURL = "http://" + pln.Addr().String()
		h.serve(pln, h.proxy)
	}

	if cfg.IMDSAddr != "" {
		h.Instance = cfg.IMDSInstance
		if h.Instance == "" {
			h.Instance = sim.DefaultIMDSInstance()
			if h.Instance == "" {
				h.Close()
				return nil, errors.New("--imds-addr: no EC2 instance in the world has an instance profile; name one with --imds-instance")
			}
		}
		md, err := sim.IMDS(h.Instance)
		if err != nil {
			h.Close()
			return nil, fmt.Errorf("--imds-instance: %w", err)
		}
		iln, err := listen("--imds-addr", cfg.IMDSAddr)
		if err != nil {
			h.Close()
			return nil, err
		}
		h.IMDSURL = "http://" + iln.Addr().String() + "/"
		h.serve(iln, md)
	}

	if cfg.EnvFile != "" {
		if err := writeFile(cfg.EnvFile, []byte(strings.Join(h.Env(), "\n")+"\n"), 0o644); err != nil {
			h.Close()
			return nil, fmt.Errorf("--env-file: %w", err)
		}
	}
	return h, nil
}

func listen(flag, addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%s %q: want host:port, e.g. 127.0.0.1:4566", flag, addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s %q: the simulator listens on loopback only (127.0.0.1)", flag, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return ln, nil
}

func (h *Host) serve(ln net.Listener, handler http.Handler) {
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second}
	h.servers = append(h.servers, srv)
	go srv.Serve(ln)
}

// Env is what a client needs in its environment to reach the simulator.
func (h *Host) Env() []string {
	env := []string{
		"AWS_ENDPOINT_URL=" + h.Endpoint,
		"AWS_ENDPOINT_URL_STS=" + h.Endpoint,
	}
	if h.ProxyURL != "" {
		env = append(env, "HTTPS_PROXY="+h.ProxyURL, "https_proxy="+h.ProxyURL, "AWS_CA_BUNDLE="+h.CAFile)
	}
	if h.IMDSURL != "" {
		env = append(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT="+h.IMDSURL)
	}
	env = append(env, "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	return env
}

// Close stops every listener.
func (h *Host) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, s := range h.servers {
		s.Shutdown(ctx)
	}
	if h.proxy != nil {
		h.proxy.Close()
	}
	return nil
}

// writeFile writes atomically: readers never see half a file.
func writeFile(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// HTTPClient is an SDK HTTP client that reaches the simulator the way an
// unmodified client does with HTTPS_PROXY and AWS_CA_BUNDLE: AWS hosts
// through the TLS proxy, trusting its CA; loopback (IMDS) directly. It is
// the SDK's buildable client, so an AWS_CA_BUNDLE in the environment is
// added to the pool rather than refused.
func (h *Host) HTTPClient() (*awshttp.BuildableClient, error) {
	if h.ProxyURL == "" {
		return nil, errors.New("the simulator runs without its proxy")
	}
	pem, err := os.ReadFile(h.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("simulator CA file holds no certificate")
	}
	proxyURL, err := url.Parse(h.ProxyURL)
	if err != nil {
		return nil, err
	}
	return awsconfig.HTTPClient(func(tr *http.Transport) {
		tr.Proxy = func(r *http.Request) (*url.URL, error) {
			if ip := net.ParseIP(r.URL.Hostname()); ip != nil && ip.IsLoopback() {
				return nil, nil
			}
			return proxyURL, nil
		}
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{}
		}
		tr.TLSClientConfig.RootCAs = pool
	}), nil
}
