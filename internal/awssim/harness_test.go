package awssim

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
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
// sends every service to the simulator. Retries are off so a test sees the
// simulator's first answer.
func (ts *testSim) cfg(t testing.TB, region, keyID, secret, token string) aws.Config {
	t.Helper()
	c, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion(region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(keyID, secret, token)),
		config.WithBaseEndpoint(ts.URL),
		config.WithRetryer(func() aws.Retryer { return aws.NopRetryer{} }),
		config.WithSharedConfigProfile(""),
	)
	if err != nil {
		t.Fatal(err)
	}
	_ = retry.AddWithMaxAttempts
	return c
}

// credsCfg is cfg for temporary credentials returned by STS.
func (ts *testSim) credsCfg(t testing.TB, region string, c aws.Credentials) aws.Config {
	return ts.cfg(t, region, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
}
