package fleet

import (
	"time"

	"fmt"
	"github.com/rdsfleet/rdsfleet/internal/fleetconfig"
	"hash/fnv"
	"sort"
	"strings"
)

// knownRegions are AWS's regions; a name outside them is a typo, caught
// before a sweep spends minutes failing in it.
var knownRegions = map[string]bool{
	"us-east-1": true, "us-east-2": true, "us-west-1": true, "us-west-2": true,
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-1": true, "ap-south-2": true,
	"ap-southeast-1": true, "ap-southeast-2": true, "ap-southeast-3": true, "ap-southeast-4": true,
	"ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true,
	"ap-northeast-1": true, "ap-northeast-2": true, "ap-northeast-3": true,
	"ca-central-1": true, "ca-west-1": true,
	"eu-central-1": true, "eu-central-2": true, "eu-west-1": true, "eu-west-2": true, "eu-west-3": true,
	"eu-south-1": true, "eu-south-2": true, "eu-north-1": true,
	"il-central-1": true, "me-south-1": true, "me-central-1": true, "mx-central-1": true, "sa-east-1": true,
	"us-gov-east-1": true, "us-gov-west-1": true, "cn-north-1": true, "cn-northwest-1": true,
}

// optInRegions must be enabled per account; STS calls are not spread there.
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-2": true, "ap-southeast-3": true,
	"ap-southeast-4": true, "ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true,
	"ca-west-1": true, "eu-central-2": true, "eu-south-1": true, "eu-south-2": true,
	"il-central-1": true, "me-south-1": true, "me-central-1": true, "mx-central-1": true,
}

// CheckRegions rejects names that are not AWS regions.
func CheckRegions(regions []string) error {
	var bad []string
	for _, r := range regions {
		if !knownRegions[r] {
			bad = append(bad, r)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	known := make([]string, 0, len(knownRegions))
	for r := range knownRegions {
		known = append(known, r)
	}
	sort.Strings(known)
	return fmt.Errorf("region %s does not exist (regions are like %s)", strings.Join(bad, ", "), strings.Join(known[:6], ", "))
}

// stsRegion spreads AssumeRole calls over the fleet's regions (STS quotas
// are per calling account and region), keeping to regions every account has.
func stsRegion(accountID string, regions []string, fallback string) string {
	var usable []string
	for _, r := range regions {
		if !optInRegions[r] {
			usable = append(usable, r)
		}
	}
	if len(usable) == 0 {
		return fallback
	}
	h := fnv.New32a()
	h.Write([]byte(accountID))
	return usable[int(h.Sum32())%len(usable)]
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func timeDuration(d fleetconfig.Duration) time.Duration { return time.Duration(d) }
