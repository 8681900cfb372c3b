package awssim

import "github.com/rdsfleet/rdsfleet/internal/awssim/world"

// kmsRegion is an account's KMS keys in one region.
type kmsRegion struct{}

func (s *Server) kmsActions() map[string]handler { return map[string]handler{} }

func (s *Server) loadKMS(a *account, w *world.Account) error { return nil }
