package awssim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/rdsfleet/rdsfleet/internal/awssim/world"
)

// BenchmarkServeSignedCall measures the simulator alone: a signed
// GetCallerIdentity through ServeHTTP (signature check, routing, encoding),
// with the client's signing done outside the timer.
func BenchmarkServeSignedCall(b *testing.B) {
	w, err := world.Parse("bench.yaml", []byte(authWorld))
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(w, Options{})
	if err != nil {
		b.Fatal(err)
	}
	const form = "Action=GetCallerIdentity&Version=2011-06-15"
	req := httptest.NewRequest("POST", "https://sts.amazonaws.com/", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: adminKey, SecretAccessKey: adminSecret},
		req, sha256Hex(form), "sts", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := req.Clone(context.Background())
			r.Body = ioNopCloser([]byte(form))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, r)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
}

// BenchmarkSDKCallsOverLoopback is what a fleet client sees: the real SDK
// client calling GetCallerIdentity over loopback HTTP, in parallel.
func BenchmarkSDKCallsOverLoopback(b *testing.B) {
	ts := startSim(b, authWorld, Options{})
	client := sts.NewFromConfig(ts.cfg(b, "us-east-1", adminKey, adminSecret, ""), func(o *sts.Options) {
		o.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	})
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGeneratedWorldStart builds a simulator for 10,000 accounts with
// 5 DB instances each.
func BenchmarkGeneratedWorldStart(b *testing.B) {
	for i := 0; i < b.N; i++ {
		w, err := world.Generate(world.GenerateSpec{Accounts: 10000, Regions: 1, Instances: 5})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := New(w, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
