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
//   - Containers are scanned recursively through Session.Scan, with the
//     nesting depth, member count and decompressed size bounded by Limits.
//   - Files are scanned by a bounded pool of workers; the report is in path
//     order whatever the pool size. A panic in a parser is a bug, turned
//     into a finding for that file by one recover per file.
//
// To add a format: implement Format (cheap Match, then Scan reporting
// through the Session), add it to DefaultFormats, and add fixtures written
// by the real library to testdata.
package scan
