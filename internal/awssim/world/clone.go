package world

import (
	"maps"
	"slices"
)

// Clone returns a deep copy of the world: no slice, map or pointer is
// shared with w (strings, being immutable, are).
func (w *World) Clone() *World {
	if w == nil {
		return nil
	}
	c := &World{Regions: slices.Clone(w.Regions)}
	if w.Organization != nil {
		o := *w.Organization
		o.OrganizationalUnits = cloneOUs(o.OrganizationalUnits)
		c.Organization = &o
	}
	if w.Accounts != nil {
		c.Accounts = make([]Account, len(w.Accounts))
		for i := range w.Accounts {
			c.Accounts[i] = w.Accounts[i].clone()
		}
	}
	return c
}

func cloneOUs(ous []OU) []OU {
	if ous == nil {
		return nil
	}
	out := make([]OU, len(ous))
	for i, ou := range ous {
		ou.Children = cloneOUs(ou.Children)
		out[i] = ou
	}
	return out
}

func cloneEach[T any](s []T, f func(T) T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, e := range s {
		out[i] = f(e)
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func (a Account) clone() Account {
	a.Tags = maps.Clone(a.Tags)
	a.DisabledRegions = slices.Clone(a.DisabledRegions)
	a.Users = cloneEach(a.Users, func(u User) User {
		u.ManagedPolicies = slices.Clone(u.ManagedPolicies)
		u.InlinePolicies = maps.Clone(u.InlinePolicies)
		u.Tags = maps.Clone(u.Tags)
		return u
	})
	a.Roles = cloneEach(a.Roles, func(r Role) Role {
		r.ManagedPolicies = slices.Clone(r.ManagedPolicies)
		r.InlinePolicies = maps.Clone(r.InlinePolicies)
		r.Tags = maps.Clone(r.Tags)
		return r
	})
	a.Policies = slices.Clone(a.Policies)
	a.InstanceProfiles = cloneEach(a.InstanceProfiles, func(p InstanceProfile) InstanceProfile {
		p.Roles = slices.Clone(p.Roles)
		return p
	})
	a.MFADevices = slices.Clone(a.MFADevices)
	a.EC2Instances = cloneEach(a.EC2Instances, func(e EC2Instance) EC2Instance {
		e.Tags = maps.Clone(e.Tags)
		return e
	})
	a.VPCs = cloneEach(a.VPCs, func(v VPC) VPC {
		v.Subnets = slices.Clone(v.Subnets)
		v.SecurityGroups = cloneEach(v.SecurityGroups, func(g SecurityGroup) SecurityGroup {
			g.Ingress = slices.Clone(g.Ingress)
			return g
		})
		v.Routes = slices.Clone(v.Routes)
		v.Tags = maps.Clone(v.Tags)
		return v
	})
	a.VPCPeerings = slices.Clone(a.VPCPeerings)
	a.KMSKeys = slices.Clone(a.KMSKeys)
	a.Secrets = cloneEach(a.Secrets, func(s Secret) Secret {
		s.Tags = maps.Clone(s.Tags)
		return s
	})
	a.DBInstances = cloneEach(a.DBInstances, func(d DBInstance) DBInstance {
		d.BackupRetentionPeriod = clonePtr(d.BackupRetentionPeriod)
		d.AutoMinorVersionUpgrade = clonePtr(d.AutoMinorVersionUpgrade)
		d.CloudwatchLogsExports = slices.Clone(d.CloudwatchLogsExports)
		d.SecurityGroups = slices.Clone(d.SecurityGroups)
		d.PendingMaintenance = slices.Clone(d.PendingMaintenance)
		d.Tags = maps.Clone(d.Tags)
		return d
	})
	a.DBClusters = cloneEach(a.DBClusters, func(c DBCluster) DBCluster {
		c.BackupRetentionPeriod = clonePtr(c.BackupRetentionPeriod)
		c.CloudwatchLogsExports = slices.Clone(c.CloudwatchLogsExports)
		c.Tags = maps.Clone(c.Tags)
		return c
	})
	a.DBSnapshots = cloneEach(a.DBSnapshots, func(s DBSnapshot) DBSnapshot {
		s.Tags = maps.Clone(s.Tags)
		return s
	})
	return a
}
