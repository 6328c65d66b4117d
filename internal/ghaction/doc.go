// Package ghaction is what modelgate does inside a GitHub Actions job:
// read the action's inputs, set its outputs, write the step summary, print
// annotations, and give the files it writes to the workspace owner.
//
// Decisions:
//   - Nothing here runs outside Actions: the caller checks Enabled
//     (GITHUB_ACTIONS=true) first, and every function that needs a runner
//     file (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) skips it when the variable is
//     unset, instead of panicking as go-githubactions does.
//   - Inputs reach the binary twice: as `--flag=value` items of runs.args and
//     as INPUT_* variables (hyphens kept: INPUT_FAIL-ON). The caller gives
//     flags precedence; ReadInputs only fills what the flags left empty.
//     List inputs (path, include, exclude) are one item per line.
//   - Every string that came from the scanned tree is cleaned
//     (report.Clean) and escaped for its destination: workflow-command data
//     and property escaping for annotations, Markdown escaping for the step
//     summary (which GitHub renders as HTML).
//   - Annotations cover only findings that count towards the gate, most
//     severe first, at most MaxAnnotations per level: GitHub shows 10 errors,
//     10 warnings and 10 notices per step and drops the rest.
package ghaction
