package ls

import (
	"context"
	"strings"
	"testing"

	"github.com/rdsfleet/rdsfleet/internal/awssim"
	"github.com/rdsfleet/rdsfleet/internal/cli/fleetflags"
	"github.com/rdsfleet/rdsfleet/internal/fleettest"
)

// TestLsDebugLogsCallsNotSecrets: --debug names every call and prints no
// credential.
func TestLsDebugLogsCallsNotSecrets(t *testing.T) {
	env := fleettest.Start(t, fleettest.FleetWorld, awssim.Options{}, "")
	env.WriteAWSConfig(t, fleettest.SeedConfig)
	err := Run(context.Background(), &Options{Factory: env.Factory, Kind: "instances",
		Flags: fleetflags.Flags{Accounts: []string{"alpha"}, Regions: []string{"us-east-1"}, Debug: true}})
	if err != nil {
		t.Fatal(err)
	}
	log := env.Err.String()
	for _, want := range []string{"debug: STS AssumeRole us-east-1 status=200", "debug: RDS DescribeDBInstances us-east-1 status=200", "debug: IMDS PUT /latest/api/token"} {
		if !strings.Contains(log, want) {
			t.Errorf("debug log lacks %q:\n%s", want, log)
		}
	}
	// Session tokens the simulator issues start with this; secrets with these.
	for _, secret := range []string{"IQoJb3JpZ2luX2VjE", "examplesecret", "Authorization", "X-Amz-Security-Token"} {
		if strings.Contains(log+env.Out.String(), secret) {
			t.Errorf("output contains %q", secret)
		}
	}
}
