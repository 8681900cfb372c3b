package awssim

import (
	"strconv"
	"strings"
	"time"
)

// Accessors for IAM facts the API changes after load. They run under the
// server's lock like every handler.

func iamPolicyTags(p *managedPolicy) map[string]string { return p.tags }

func iamSetPolicyTags(p *managedPolicy, tags map[string]string) { p.tags = tags }

func iamProfileTags(p *instanceProfile) map[string]string { return p.tags }

func iamSetProfileTags(p *instanceProfile, tags map[string]string) { p.tags = tags }

// iamMFAEnableDate is when a device was enabled; devices from the world file
// have been enabled since before the simulation started.
func iamMFAEnableDate(d *mfaDevice, fallback time.Time) time.Time {
	if d.enabled.IsZero() {
		return fallback
	}
	return d.enabled
}

func iamSetMFAEnableDate(d *mfaDevice, t time.Time) { d.enabled = t }

// iamNextVersionID hands out a managed policy's next version number. IAM
// never reuses a version ID, even after that version is deleted.
func iamNextVersionID(p *managedPolicy) int {
	n := p.lastVersion
	for _, v := range p.versions {
		if k, err := strconv.Atoi(strings.TrimPrefix(v.id, "v")); err == nil && k > n {
			n = k
		}
	}
	n++
	p.lastVersion = n
	return n
}
