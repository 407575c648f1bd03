package web

// NewWithImmutable builds the server as New does, with fiber's Immutable setting given: for
// the benchmark that measured what New chooses.
func NewWithImmutable(deps Deps, opts Options, immutable bool) *Server {
	return newServer(deps, opts, immutable)
}
