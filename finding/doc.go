// Package finding is the vocabulary every other package speaks: a Finding
// (one occurrence of a rule in one place, with its evidence), the rule
// table (stable IDs, names and help text, as reports and code scanning
// show them), Severity, and the Report of a scan with its Summary.
//
// Decisions:
//   - The package decides nothing. A rule carries words, not a severity:
//     the default severity of each rule and of each case is the policy's
//     (package policy), so that tightening the policy never touches the
//     vocabulary and the writers only show what they are given.
//   - Rule IDs never change once released: GitHub keys code-scanning
//     alerts on them.
//   - Severity's zero value is invalid, so a finding that nobody judged is
//     caught by tests rather than passing as "low".
//   - Everything from a scanned file that reaches a report goes through
//     Quote (or Plain for short names): escaped, printable, bounded.
package finding
