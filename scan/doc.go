// Package scan is the engine: it walks the roots, scans files with a
// bounded pool of workers, identifies every input (a file, an archive
// member at any depth) with the formats it is given, and collects what
// they report into one finding.Report. It knows no format and judges
// nothing itself: the formats are package formats' Default list, passed
// in Options.Formats, and every finding passes through the policy
// (policy.Judge.Decide) as it is reported.
//
// Decisions:
//   - Content decides the format, never the name: every regular file is
//     identified from its first HeadSize bytes (and, for zip, its end
//     record). Names are hints for messages and for the "named like a
//     model but unreadable" finding (PickleName).
//   - Nothing is passed in silence: a file that looks like a model but
//     cannot be read, a bound that is hit, a symlink to a model outside the
//     tree and a Git LFS pointer are all findings. A scan without formats
//     is refused, not passed.
//   - Every bound of every reader is a field of Limits, with its default
//     in DefaultLimits; the policy file may raise them. Hitting one makes
//     the input inconclusive (ErrLimit), never silently shorter.
//   - Files are scanned by a bounded pool of workers; the report is in
//     path order whatever the pool size. A panic in a parser is a bug,
//     turned into a finding for that file by one recover per file.
//   - Input gives formats random access when the file or member allows it,
//     and a replayable stream otherwise (NewStreamInput): a format's Match
//     may look SniffSize bytes ahead without restarting a decompressor.
package scan
