package awssim

import "github.com/rdsfleet/rdsfleet/internal/awssim/world"

// secretsRegion is an account's Secrets Manager secrets in one region.
type secretsRegion struct{}

func (s *Server) secretsActions() map[string]handler { return map[string]handler{} }

func (s *Server) loadSecrets(a *account, w *world.Account) error { return nil }
