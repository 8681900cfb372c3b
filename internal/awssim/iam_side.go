package awssim

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// iamSide holds IAM facts the shared model (iam_model.go) has no field for
// yet: tags of managed policies and instance profiles, and when a virtual
// MFA device was enabled. Keyed by entity pointer, so separate servers never
// collide; guarded by its own lock because servers run concurrently.
var iamSide = struct {
	sync.Mutex
	policyTags  map[*managedPolicy]map[string]string
	profileTags map[*instanceProfile]map[string]string
	mfaEnabled  map[*mfaDevice]time.Time
	nextVersion map[*managedPolicy]int
}{
	policyTags:  map[*managedPolicy]map[string]string{},
	profileTags: map[*instanceProfile]map[string]string{},
	mfaEnabled:  map[*mfaDevice]time.Time{},
	nextVersion: map[*managedPolicy]int{},
}

func iamPolicyTags(p *managedPolicy) map[string]string {
	iamSide.Lock()
	defer iamSide.Unlock()
	return iamSide.policyTags[p]
}

func iamSetPolicyTags(p *managedPolicy, tags map[string]string) {
	iamSide.Lock()
	defer iamSide.Unlock()
	if tags == nil {
		delete(iamSide.policyTags, p)
		delete(iamSide.nextVersion, p)
		return
	}
	iamSide.policyTags[p] = tags
}

func iamProfileTags(p *instanceProfile) map[string]string {
	iamSide.Lock()
	defer iamSide.Unlock()
	return iamSide.profileTags[p]
}

func iamSetProfileTags(p *instanceProfile, tags map[string]string) {
	iamSide.Lock()
	defer iamSide.Unlock()
	if tags == nil {
		delete(iamSide.profileTags, p)
		return
	}
	iamSide.profileTags[p] = tags
}

// iamMFAEnableDate is when a device was enabled; devices from the world file
// have been enabled since before the simulation started.
func iamMFAEnableDate(d *mfaDevice, fallback time.Time) time.Time {
	iamSide.Lock()
	defer iamSide.Unlock()
	if t, ok := iamSide.mfaEnabled[d]; ok {
		return t
	}
	return fallback
}

func iamSetMFAEnableDate(d *mfaDevice, t time.Time) {
	iamSide.Lock()
	defer iamSide.Unlock()
	iamSide.mfaEnabled[d] = t
}

// iamNextVersionID hands out a managed policy's next version number. IAM
// never reuses a version ID, even after that version is deleted.
func iamNextVersionID(p *managedPolicy) int {
	iamSide.Lock()
	defer iamSide.Unlock()
	n := iamSide.nextVersion[p]
	for _, v := range p.versions {
		if k, err := strconv.Atoi(strings.TrimPrefix(v.id, "v")); err == nil && k > n {
			n = k
		}
	}
	n++
	iamSide.nextVersion[p] = n
	return n
}
