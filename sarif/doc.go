// Package sarif writes a finding.Report as SARIF 2.1.0 for GitHub code
// scanning, with github.com/owenrumney/go-sarif/v2. It is the only package
// that knows SARIF vocabulary.
//
// Decisions:
//   - One run. tool.driver carries the whole rule table of finding.Rules(), used
//     or not, so that rule indexes and alert metadata never depend on what a
//     scan happened to find. Each rule has help text and Markdown, CWE tags
//     and a security-severity well inside GitHub's bands (9.8 critical, 8.0
//     high, 5.5 medium, 2.0 low).
//   - One result per rule per file (and per suppression state): the most
//     severe occurrence is the primary location, the others are
//     relatedLocations with ids and messages (at most MaxRelated). GitHub
//     shows one alert per result, so a pickle that calls os.system forty
//     times is one alert, not forty.
//   - Locations are the file's path relative to the scan root, with forward
//     slashes and percent-encoding, and region startLine 1 (GitHub needs a
//     line; a model file has none). byteOffset/byteLength are set only when
//     the offset is an offset in the file itself; an offset inside an archive
//     member is no offset in the file, so it goes in the message and in the
//     location's properties ("member", "memberOffset") instead.
//   - partialFingerprints.primaryLocationLineHash is a hash of rule, path,
//     member and callable of the primary occurrence: stable when bytes move,
//     and GitHub does not try to hash lines of a binary file.
//   - Every string that came from a scanned file is passed through
//     report.Clean before it goes into a message.
//   - Output is deterministic (sorted, no timestamps, no absolute paths) and
//     never contains null: go-sarif writes some optional fields as null, so
//     the encoder drops null members. Write encodes to an io.Writer; callers
//     create files themselves (go-sarif's WriteFile does not truncate).
//   - A finding suppressed by the policy file (finding.Finding.Suppression)
//     stays a result, with suppressions [{kind: external, status: accepted,
//     justification}]; a baseline state becomes baselineState. Suppressed,
//     open, new and unchanged occurrences are never merged into one result.
//   - properties.fingerprints lists finding.Fingerprint of every occurrence
//     merged into a result, so that a SARIF log can be a baseline.
package sarif
