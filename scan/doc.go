// Package scan finds model files in a tree, identifies each by content,
// takes apart every part that can run code when loaded, and judges what it
// finds with one policy.
//
// Decisions:
//   - Content decides the format, never the name: every regular file is
//     identified from its first HeadSize bytes (and, for zip, its end
//     record). Names are hints for messages and for the "named like a model
//     but unreadable" finding.
//   - Parsers report facts; the Policy turns pickle facts into findings.
//     Formats that are not pickle report findings of their own rules.
//   - Nothing is passed in silence: a file that looks like a model but
//     cannot be read, a bound that is hit, a symlink to a model outside the
//     tree and a Git LFS pointer are all findings.
//   - A file (or member) that another format matches but that is also a
//     pickle from its first byte (a tar whose first name is a pickle, an
//     HDF5 user block, a zlib header of pickle opcodes) is scanned as a
//     pickle too and reported as a polyglot: pickle.load, joblib.load and
//     torch.load read the pickle whatever else the bytes are.
//   - Containers are scanned recursively through Session.Scan, with the
//     nesting depth, member count and decompressed size bounded by Limits.
//   - Files are scanned by a bounded pool of workers; the report is in path
//     order whatever the pool size. A panic in a parser is a bug, turned
//     into a finding for that file by one recover per file.
//   - The formats are one explicit list, the slice literal DefaultFormats
//     returns, most specific first: the first whose Match accepts an input
//     scans it. There is no registry and no init().
//   - A finding inside a container names its place by the chain of
//     members from the file, joined with MemberSep: "a.7z/archive/data.pkl"
//     is the member archive/data.pkl of the 7z archive a.7z, itself a
//     member of the file. The content of a compressed stream is named
//     after the stream (m.pkl in m.pkl.gz, or the name gzip recorded); the
//     five pickles of a legacy PyTorch file are pickle#0 to pickle#4; zip
//     entries that share a name are name#0, name#1 and so on; bytes no zip
//     entry references are "(unlisted bytes at offset N)", and data before
//     a zip is "(data before the zip)".
//
// To add a format: implement Format (cheap Match, then Scan reporting
// through the Session), add it to DefaultFormats, and add fixtures written
// by the real library to testdata.
package scan
