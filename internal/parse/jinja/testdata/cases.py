"""Writes templates/syntax_*.jinja: small templates, valid and invalid, that
exercise each corner of Jinja's lexer and parser (whitespace control, raw
blocks, comments, string escapes, numbers, brackets inside tags, every
statement). golden.py records Jinja's own reading of each.

Run from this folder: /usr/bin/python3 cases.py
"""
import os

CASES = {
    "text_only": "hello\nworld\n",
    "crlf": "a\r\nb{{ x }}\r\n",
    "ws_control": "a  {%- if x -%}  b  {%- endif %}  c {{- y -}} d {#- c -#} e",
    "plus_control": "a {%+ if x +%} b {% endif %}",
    "raw": "{% raw %}{{ not parsed }}{% endraw %}x{%- raw -%} y {%- endraw -%} z",
    "comment": "a{# {{ x }} #}b{# - #}c",
    "strings": r"""{{ 'a\'b' ~ "c\"d" ~ '\x5f\u005f\U0000005f\137' ~ '\n\t\\' ~ 'adj' 'acent' }}""",
    "string_braces": "{{ '}}' ~ \"%}\" ~ x }}",
    "named_escape": r"{{ '\N{LOW LINE}\N{LATIN SMALL LETTER A}' }}",
    "non_ascii": "{{ '<｜User｜>' ~ 'é\\té' }}",
    "numbers": "{{ 1 + 1_000 + 0x_ff + 0o17 + 0b101 + 1.5 + 2e3 + 1_0.2_5 + 007 }}",
    "dict_closing": "{{ {'a': {'b': c}}['a']['b'].d }}",
    "nested_brackets": "{{ [(1, 2), {'k': [3]}] }}",
    "operators": "{{ a + b - c * d / e // f % g ** h ~ i }}{{ -x + +y }}{{ not a and b or c }}",
    "compare": "{{ a == b != c < d <= e > f >= g }}{{ a in b }}{{ a not in b }}",
    "condexpr": "{{ a if b else c if d }}",
    "filters": "{{ x|trim|replace('a', 'b')|join(', ')|default('d', true) }}{{ x | tojson(indent=4) }}",
    "tests": "{{ x is defined }}{{ x is not none }}{{ x is divisibleby 3 }}{{ x is sameas y.z }}",
    "calls": "{{ f(1, a, k=2, *args, **kw) }}{{ f(*a) }}{{ g()() }}",
    "subscripts": "{{ a.b[0].c[1:2][::-1][:3][x:] }}{{ a.0 }}{{ a[1, 2] }}",
    "tuples": "{{ (1,) }}{{ () }}{{ (1, 2) }}{% set a, b = 1, 2 %}",
    "for_full": "{% for k, v in d.items() if v recursive %}{{ loop(v) }}{% else %}none{% endfor %}",
    "if_chain": "{% if a %}1{% elif b %}2{% elif c %}3{% else %}4{% endif %}",
    "set_forms": "{% set x = 1 %}{% set ns = namespace(a=1) %}{% set ns.a = 2 %}{% set y | upper %}text{% endset %}{% set z %}t{% endset %}",
    "macro_call": "{% macro m(a, b=2) %}{{ a ~ b ~ caller() }}{% endmacro %}{% call(x) m(1) %}in{% endcall %}{% call m(1) %}in{% endcall %}",
    "with": "{% with a = 1, b = 2 %}{{ a }}{% endwith %}",
    "filter_block": "{% filter upper|trim %}x{% endfilter %}",
    "imports": "{% import 'a.j' as a %}{% from 'b.j' import c, d as e with context %}{% include 'c.j' ignore missing without context %}",
    "extends_block": "{% extends 'base' %}{% block body scoped %}x{% endblock body %}",
    "autoescape": "{% autoescape true %}{{ x }}{% endautoescape %}",
    "loopcontrols": "{% for x in y %}{% if x %}{% break %}{% else %}{% continue %}{% endif %}{% endfor %}",
    "do": "{% do ns.update({'a': 1}) %}",
    "print": "{% print a, b %}",
    "dotted_filter": "{{ x|a.b }}",
    "colon_statement": "{% if x: %}y{% endif %}",
    "unicode_name": "{{ café }}",
    "err_unclosed_string": "{{ 'abc }}",
    "err_unclosed_tag": "{{ x ",
    "err_unclosed_block": "{% if x %}y",
    "err_unbalanced": "{{ (x] }}",
    "err_close_paren": "{{ x) }}",
    "err_unknown_tag": "{% frobnicate %}",
    "err_bad_char": "{{ x ? y }}",
    "err_unclosed_comment": "{# abc",
    "err_unclosed_raw": "{% raw %}abc",
    "err_assign_const": "{% set true = 1 %}",
    "err_chain_tests": "{{ x is a is b }}",
    "err_default_order": "{% macro m(a=1, b) %}{% endmacro %}",
    "err_kw_then_pos": "{{ f(a=1, 2) }}",
    "err_empty_expr": "{{ }}",
    "err_import_private": "{% from 'a' import _x %}",
    "err_call_not_call": "{% call x %}{% endcall %}",
    "err_block_hyphen": "{% block a-b %}{% endblock %}",
    "attack_brace_string": "{{ '}}' ~ cycler.__init__.__globals__.os.popen('true').read() }}",
    "attack_dict_braces": "{{ {'k': {'j': joiner}}['k']['j'].__init__ }}",
    "attack_format_c": "{{ cycler['{0:c}{0:c}init{0:c}{0:c}'.format(95)] }}",
    "attack_macro_body": "{% macro n() %}__globals__{% endmacro %}{{ lipsum[n()|string] }}",
    "benign_underscores": "{{ '_' * 32 }}{{ '__' }}",
}

for name, src in CASES.items():
    with open(os.path.join("templates", "syntax_" + name + ".jinja"), "w", encoding="utf-8", newline="") as f:
        f.write(src)
