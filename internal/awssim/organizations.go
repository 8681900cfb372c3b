package awssim

func (s *Server) orgActions() map[string]handler { return map[string]handler{} }
