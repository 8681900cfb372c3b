package awssim

import (
	"context"
	"fmt"
	"time"

	"github.com/rdsfleet/rdsfleet/internal/awssim/imds"
)

// imdsCredentialLifetime is how long EC2's instance profile credentials last.
const imdsCredentialLifetime = 6 * time.Hour

// findInstanceLocked finds an instance in any account and region, without
// creating state (it runs under the read lock).
func (s *Server) findInstanceLocked(id string) (*account, *ec2Instance) {
	for _, acct := range s.accountIDsLocked() {
		a := s.accounts[acct]
		for _, r := range a.regions {
			if inst := r.ec2.instances[id]; inst != nil {
				return a, inst
			}
		}
	}
	return nil, nil
}

// profileRoleLocked is the role of an instance's current instance profile
// ("" when it has none), with the profile.
func profileRoleLocked(a *account, inst *ec2Instance) (string, *instanceProfile) {
	if inst.profile == nil {
		return "", nil
	}
	p := a.iam.instanceProfiles[inst.profile.profileName]
	if p == nil || p.arn != inst.profile.profileARN {
		return "", nil
	}
	if len(p.roles) == 0 {
		return "", p
	}
	return p.roles[0], p
}

// IMDS returns the instance metadata service of an EC2 instance in the world
// (any account), serving real session credentials for its instance profile's
// role, as EC2 does.
func (s *Server) IMDS(instanceID string) (*imds.Server, error) {
	s.mu.RLock()
	a, _ := s.findInstanceLocked(instanceID)
	s.mu.RUnlock()
	if a == nil {
		return nil, fmt.Errorf("awssim: instance %s does not exist", instanceID)
	}
	return &imds.Server{
		Now: s.now,
		Instance: func() imds.Instance {
			s.mu.RLock()
			defer s.mu.RUnlock()
			return s.imdsInstanceLocked(instanceID)
		},
		Issue: func(ctx context.Context) (imds.Credentials, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.imdsIssueLocked(instanceID)
		},
		Logf: s.opts.Logf,
	}, nil
}

func (s *Server) imdsInstanceLocked(id string) imds.Instance {
	a, inst := s.findInstanceLocked(id)
	if inst == nil {
		return imds.Instance{ID: id}
	}
	out := imds.Instance{
		ID: inst.id, Region: inst.region, AvailabilityZone: inst.az, AccountID: a.id, InstanceType: inst.itype,
		AMIID: inst.imageID, PrivateIP: inst.privateIP, MAC: inst.mac, VPCID: inst.vpcID, SubnetID: inst.subnetID,
		LaunchTime: inst.launched,
	}
	if role, p := profileRoleLocked(a, inst); p != nil {
		out.RoleName, out.InstanceProfileARN, out.InstanceProfileID = role, p.arn, p.id
	}
	return out
}

func (s *Server) imdsIssueLocked(id string) (imds.Credentials, error) {
	a, inst := s.findInstanceLocked(id)
	if inst == nil {
		return imds.Credentials{}, fmt.Errorf("instance %s no longer exists", id)
	}
	if inst.state != "running" {
		return imds.Credentials{}, fmt.Errorf("instance %s is %s", id, inst.state)
	}
	role, _ := profileRoleLocked(a, inst)
	if role == "" {
		return imds.Credentials{}, fmt.Errorf("instance %s has no instance profile role", id)
	}
	k, err := s.assumeRoleAsServiceLocked(a, role, "ec2.amazonaws.com", inst.id, imdsCredentialLifetime)
	if err != nil {
		return imds.Credentials{}, err
	}
	return imds.Credentials{AccessKeyID: k.id, SecretAccessKey: k.secret, Token: k.token, Expiration: k.principal.expires}, nil
}

// DefaultIMDSInstance is the first instance (accounts in ID order, then
// instance order) that has an instance profile; "" if none.
func (s *Server) DefaultIMDSInstance() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, acct := range s.accountIDsLocked() {
		var all []*ec2Instance
		for _, r := range s.accounts[acct].regions {
			for _, inst := range r.ec2.instances {
				all = append(all, inst)
			}
		}
		var first *ec2Instance
		for _, inst := range all {
			if inst.profile != nil && inst.state != "terminated" && (first == nil || inst.seq < first.seq) {
				first = inst
			}
		}
		if first != nil {
			return first.id
		}
	}
	return ""
}
