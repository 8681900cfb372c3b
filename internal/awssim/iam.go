package awssim

func (s *Server) iamActions() map[string]handler { return map[string]handler{} }
