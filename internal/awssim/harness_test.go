package awssim

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// testSim is a simulator served on loopback for one test.
type testSim struct {
	*Server
	URL string
}

// startSim serves w (parsed from YAML) on 127.0.0.1 for the test's life.
func startSim(t testing.TB, worldYAML string, opts Options) *testSim {
	t.Helper()
	w, err := world.Parse("test-world.yaml", []byte(worldYAML))
	if err != nil {
		t.Fatalf("world: %v", err)
	}
	s, err := New(w, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &testSim{Server: s, URL: hs.URL}
}

// cfg is an SDK config that signs with the given static credentials and
// sends every service to the simulator. Retries are immediate and only for
// what the SDK retries anyway (5xx, throttling, a connection closed under a
// fast answer: aws-sdk-go-v2#2737); the 4xx answers tests check come back
// at once.
func (ts *testSim) cfg(t testing.TB, region, keyID, secret, token string) aws.Config {
	t.Helper()
	c, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(keyID, secret, token)),
		config.WithBaseEndpoint(ts.URL),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				o.RateLimiter = ratelimit.None
			})
		}),
		config.WithSharedConfigProfile(""),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// credsCfg is cfg for temporary credentials returned by STS.
func (ts *testSim) credsCfg(t testing.TB, region string, c aws.Credentials) aws.Config {
	return ts.cfg(t, region, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
}
