// Package report writes scan results for people (Text) and for programs
// (JSON), and owns Clean, the sanitiser every other presenter uses.
//
// Decisions:
//   - Strings from findings may come straight from a hostile file, so the
//     text writer prints every one through Clean: no control character,
//     escape sequence or bidi override from a scanned file reaches a terminal.
//   - The text writer groups findings by file, most severe file first, and
//     within a file most severe finding first; ties break on path, member and
//     offset, so the output is deterministic.
//   - Colour is a caller's choice (TextOptions.Color): the caller decides from
//     the terminal and NO_COLOR; this package never looks at the environment.
//   - The JSON report is finding.Report as it marshals, wrapped with the tool
//     name and version; nil slices and maps are written as [] and {} so that
//     consumers never meet null.
package report
