// Package formats holds one adapter per model format and container, and
// Default, the one explicit list of them that the engine (package scan)
// identifies inputs with. An adapter recognises its content cheaply
// (Match: magic bytes, the head, at most a zip's end record), then reads
// it with a leaf parser of internal/parse, hands the parser's facts to the
// policy, and reports what the policy makes of them through the session.
//
// Decisions:
//   - Content decides the format, never the name; names are hints for
//     messages and for "named like a model but unreadable".
//   - The list is a slice literal, most specific first: the first format
//     whose Match accepts an input scans it. There is no registry and no
//     init().
//   - A format that does not read its input as pickles from the first
//     byte is wrapped by alsoPickle: a tar whose first member name is a
//     pickle, an HDF5 user block or a zlib header of pickle opcodes is
//     read as a pickle too (pickle.load, joblib.load and torch.load do),
//     and reported as a polyglot.
//   - Containers (zip, tar, 7z, compressed streams, legacy torch, joblib)
//     scan their members through Session.Scan, which identifies each
//     member afresh; nesting depth, member count and decompressed size are
//     bounded by scan.Limits. A member's place is the chain of members from
//     the file, joined with scan.MemberSep: "a.7z/archive/data.pkl". The
//     content of a compressed stream is named after the stream (m.pkl in
//     m.pkl.gz); the five pickles of a legacy PyTorch file are pickle#0 to
//     pickle#4; zip entries that share a name are name#0, name#1; bytes no
//     zip entry references are "(unlisted bytes at offset N)", and data
//     before a zip is "(data before the zip)".
//   - Adapters decide no severity. They report facts of their own (a rule
//     such as MG140 "does not follow its format", MG006 "a bound was hit")
//     and the policy's findings; the policy gives every one its severity.
//
// To add a format: write its parser under internal/parse (standard library
// only, facts only, fuzzed); implement scan.Format here with a
// compile-time check (var _ scan.Format = myFormat{}); turn the parser's
// facts into findings with a method of policy.Judge when they need
// judging; add it to Default at its place in the order; add fixtures
// written by the real library to testdata/ with their generator, and a row
// to docs/loaders.md.
package formats
