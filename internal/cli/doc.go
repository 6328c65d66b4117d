// Package cli is the modelgate command: it turns arguments, INPUT_*
// variables and a policy file into one scan, writes the reports, and
// returns the exit status of the gate. Package main only calls Run.
//
// Decisions:
//   - Run is the whole program and is tested in-process: arguments, the
//     writers and getenv are passed in, and it returns the exit status
//     (exitOK, exitFailed, exitProblem) instead of exiting. Nothing here
//     exits, panics or keeps package state.
//   - Settings come from flags first, then, inside GitHub Actions, from the
//     action's inputs (ghaction.ReadInputs), then from defaults. A flag
//     given with a value wins; an empty flag or input counts as not given,
//     since action.yml's runs.args passes empty inputs as "--flag=".
//   - Flags and paths may be interleaved (pre-commit appends file names
//     after the flags, users put flags last); everything after "--" is a
//     path.
//   - The gate counts only findings that are neither suppressed by the
//     policy file nor already in the baseline, at or above --fail-on.
//   - A scan limited to changed files (--changed-since, --scan-scope
//     changed) falls back to a full scan, with a note, whenever the changes
//     cannot be known: a gate must never pass a change it did not see.
//   - The policy file that scan reads and init writes is .modelgate.yml at
//     the repository root (the workspace in Actions, else the nearest
//     folder with .git at or above the working directory), never one the
//     scan paths choose: "models" and "." are judged by the same rules.
//   - A gate never passes green on what it did not scan: a symlink named
//     as a path is followed (or refused when it leaves the repository),
//     and no model scanned, or a path or pattern that matched nothing, is
//     a warning everywhere the result is read (a failure with
//     --fail-on-empty). Partial scans get their own SARIF category.
//
// Files: run.go (commands, version), flags.go (the scan's flags and the
// action's inputs), scanjob.go (one scan), scope.go (changed files),
// policy.go (the policy file, the repository root), paths.go (symlinked
// paths), empty.go (nothing scanned), ignores.go (forced and stale ignore
// entries), gate.go (the exit gate), output.go (reports, outputs, step
// summary), stats.go (--stats), init.go (init).
package cli
