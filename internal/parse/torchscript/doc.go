// Package torchscript reads the Python-syntax code of TorchScript
// archives (code/**.py, written by torch.jit.save and compiled by
// torch.jit.load) and reports facts: its functions and methods, the
// calls each makes, and imports. Nothing is compiled or run.
//
// Decisions:
//   - Only the subset torch writes is needed: classes, defs, assignments,
//     if/while/for, calls. Blocks come from indentation; a logical line
//     is Python's (brackets and backslashes join lines, comments and
//     string literals are tokens, never code), so a call spelled inside a
//     string is not a call.
//   - A call is named by the dotted name before its parentheses, with
//     grouping parentheses removed ("(torch).from_file"), local aliases
//     resolved ("_0 = torch.from_file"; torch writes such aliases itself)
//     and getattr(x, "name") read as x.name. Calls on other values are
//     "?.name".
//   - Facts only: package policy judges them (Judge.TorchScript),
//     following __setstate__ into the methods and functions it calls.
//   - Bounds: Options.MaxBytes and MaxTokens; over either is an error
//     with the byte offset, the facts read so far still returned.
package torchscript
