// Package ghaction is what modelgate does inside a GitHub Actions job:
// read the action's inputs, set its outputs, write the step summary, print
// annotations, and give the files it writes to the workspace owner.
//
// Decisions:
//   - Nothing here runs outside Actions: the caller checks Enabled
//     (GITHUB_ACTIONS=true) first, and every function that needs a runner
//     file (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) skips it when the variable is
//     unset, instead of panicking as go-githubactions does.
//   - ReadInputs is the only reader of INPUT_* variables (hyphens kept:
//     INPUT_FAIL-ON), and Inputs has a field for every input of action.yml.
//     List inputs (path, include, exclude) are one item per line (Lines).
//     The caller gives command-line flags precedence and fills only what
//     they left empty; empty inputs count as not given.
//   - action.yml's runs.args still passes the inputs as `--flag=value` items
//     and the path input as the last argument. They are a pass-through of
//     the same values, not a second reader, and they stay because dropping
//     them would change what users get: an argument is not trimmed as an
//     INPUT_* variable is (fail-on " critical" is a usage error, a path
//     " models" is not found), and a path input that starts with "-" is
//     read as a flag. Reading the inputs from INPUT_* alone would quietly
//     accept or reinterpret those.
//   - Every string that came from the scanned tree is cleaned
//     (report.Clean) and escaped for its destination: workflow-command data
//     and property escaping for annotations; in the step summary (which
//     GitHub renders as HTML) paths, members and calls are inline code
//     spans, inert and readable in the Markdown source, and our own words
//     have the characters that start markup escaped.
//   - Annotations cover only findings that count towards the gate, most
//     severe first, at most MaxAnnotations per level: GitHub shows 10 errors,
//     10 warnings and 10 notices per step and drops the rest.
package ghaction
