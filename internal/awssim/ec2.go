package awssim

import "github.com/rdsfleet/rdsfleet/internal/awssim/world"

// ec2Region is an account's EC2 resources in one region.
type ec2Region struct{}

func (s *Server) ec2Actions() map[string]handler { return map[string]handler{} }

func (s *Server) loadEC2(a *account, w *world.Account) error { return nil }
