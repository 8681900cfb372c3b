package awssim

import "github.com/rdsfleet/rdsfleet/internal/awssim/world"

// rdsRegion is an account's RDS resources in one region.
type rdsRegion struct{}

func (s *Server) rdsActions() map[string]handler { return map[string]handler{} }

func (s *Server) loadRDS(a *account, w *world.Account) error { return nil }
