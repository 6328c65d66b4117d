package scan

// Format recognises one kind of content and scans it. Match must be cheap:
// it looks at the input's head (and, with random access, at most a few
// more bytes such as a zip's end record); Scan does the work and reports
// through the session. A container format scans its members with
// Session.Scan, which identifies each member afresh.
type Format interface {
	// Name is the format as reported, e.g. "torch-zip".
	Name() string
	// Match reports whether the input is of this format.
	Match(in *Input) bool
	// Scan reads the input and reports facts through s. An error means the
	// input could not be read completely; what was reported stays.
	Scan(s *Session, in *Input) error
}
