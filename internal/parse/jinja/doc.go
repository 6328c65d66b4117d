// Package jinja reads Jinja2 templates as Jinja 3.1 reads them, and runs
// a static pass over the syntax tree that reports facts: which attribute
// and item names the template reaches and how each name was built.
// Nothing is rendered.
//
// Decisions:
//   - The lexer and the parser follow jinja2/lexer.py and parser.py
//     production by production (the same token types, the same
//     precedence, the same errors for the same inputs). Regular
//     expressions over the source disagree with Jinja on '}}' inside a
//     string literal or closing a dict literal; a grammar does not.
//     TestJinjaGolden holds both to Jinja's own token stream and verdict
//     on every template in testdata/templates (testdata/golden.py).
//   - The environment is the one chat templates meet: default
//     delimiters, loopcontrols, do, and transformers' {% generation %}.
//   - The static pass evaluates what can be known without data: string
//     literals (Python's escapes), ~ and +, *, %, str.format with its c
//     conversion and its fields, |format, |join, |replace, |reverse,
//     |string, |list, slices, dict() keywords, {% set %} (also blocks and
//     namespace attributes) and macro calls with their arguments bound. A
//     name it cannot resolve but that was built by such operations is a
//     computed access. Scoping is ignored (one flat environment in
//     document order): the pass may see more than a render, never less.
//   - A template that does not parse yields a FactUnparsed and the facts
//     of its tokens, so a disagreement with Jinja fails closed.
//   - Facts only: package policy judges them (Judge.Template).
//   - Bounds: Options.MaxTokens and MaxDepth (recursion), a step budget
//     for the pass, built strings capped at 4 KiB.
package jinja
