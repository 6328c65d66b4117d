"""Writes templates/*.golden: Jinja 3.1's own reading of every template in
templates/, the oracle for the Go lexer and parser (TestJinjaGolden).

Each golden holds the token stream of Environment.lexer.tokenize (type and
value, one per line; a string's decoded value, a number as Python prints
it, delimiters without their text) and a last line "parse ok" or "parse error", from
Environment.parse. The environment is transformers' (loopcontrols, and a
{% generation %} tag) plus the do extension. Run with Debian's
python3-jinja2: /usr/bin/python3 golden.py
"""
import glob
import json

import jinja2
import jinja2.ext
from jinja2 import nodes


class Generation(jinja2.ext.Extension):
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_noop"), [], [], body).set_lineno(lineno)


env = jinja2.Environment(extensions=[jinja2.ext.loopcontrols, jinja2.ext.do, Generation])

for path in sorted(glob.glob("templates/*.jinja")):
    with open(path, encoding="utf-8", newline="") as f:
        src = f.read()
    lines = []
    try:
        for tok in env.lexer.tokenize(src):
            v = tok.value
            if tok.type == "float":
                v = repr(v)
            if tok.type.endswith("_begin") or tok.type.endswith("_end"):
                v = ""  # the delimiter as written, with its whitespace control
            lines.append("%s %s" % (tok.type, json.dumps(str(v), ensure_ascii=False)))
    except jinja2.TemplateSyntaxError:
        lines.append("lex error")
    try:
        env.parse(src)
        lines.append("parse ok")
    except jinja2.TemplateSyntaxError:
        lines.append("parse error")
    with open(path[: -len(".jinja")] + ".golden", "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
