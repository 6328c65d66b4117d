package torchscript

// callsOf finds the calls of one logical line. chain[i] is the dotted
// name that ends at token i: a name, a chain followed by ".name", a
// parenthesised chain "(torch)", getattr(x, "name"), or "?" for any other
// value (a call's result, a subscript).
func callsOf(toks []token) []Call {
	chain := make([]string, len(toks))
	open := map[int]int{} // closing index -> opening index
	var stack []int
	for i, t := range toks {
		switch t.text {
		case "(", "[", "{":
			if t.kind == tOp {
				stack = append(stack, i)
			}
		case ")", "]", "}":
			if t.kind == tOp && len(stack) > 0 {
				open[i] = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		}
	}
	var calls []Call
	for i, t := range toks {
		switch {
		case t.kind == tName && keywords[t.text]:
		case t.kind == tName:
			if i >= 2 && toks[i-1].kind == tOp && toks[i-1].text == "." {
				base := chain[i-2]
				if base == "" {
					base = "?"
				}
				chain[i] = base + "." + t.text
			} else {
				chain[i] = t.text
			}
		case t.kind == tOp && (t.text == ")" || t.text == "]"):
			o, ok := open[i]
			if !ok {
				continue
			}
			prev := token{}
			if o > 0 {
				prev = toks[o-1]
			}
			grouping := o == 0 || !(prev.kind == tName && !keywords[prev.text] || prev.text == ")" || prev.text == "]" || prev.kind == tString)
			switch {
			case t.text == ")" && grouping && o+2 == i:
				chain[i] = chain[i-1] // (torch)
			case t.text == ")" && !grouping && chain[o-1] == "getattr":
				chain[i] = getattrChain(toks[o+1:i], chain[o+1:i])
			default:
				chain[i] = "?"
			}
			if t.text == ")" && !grouping && o > 0 {
				calls = append(calls, Call{Callee: chainOr(chain[o-1]), Offset: toks[o-1].off, Args: stringArgs(toks[o+1 : i])})
			}
		}
	}
	return calls
}

// keywords are Python's: never a value, so "return (x)" groups.
var keywords = map[string]bool{"def": true, "class": true, "return": true, "if": true, "elif": true, "else": true,
	"while": true, "for": true, "in": true, "not": true, "and": true, "or": true, "is": true, "lambda": true,
	"yield": true, "assert": true, "del": true, "raise": true, "with": true, "as": true, "pass": true,
	"import": true, "from": true, "global": true, "nonlocal": true, "break": true, "continue": true}

func chainOr(c string) string {
	if c == "" {
		return "?"
	}
	return c
}

// getattrChain reads getattr(x, "name") as x.name when x is a dotted
// name and the name a string constant.
func getattrChain(args []token, chains []string) string {
	if len(args) >= 3 && args[len(args)-1].kind == tString && args[len(args)-2].text == "," && chains[len(args)-3] != "" {
		return chains[len(args)-3] + "." + args[len(args)-1].text
	}
	return "?"
}

// stringArgs returns the string constants at the top level of a call's
// argument tokens.
func stringArgs(args []token) []string {
	var out []string
	depth := 0
	for _, a := range args {
		switch {
		case a.kind == tOp && (a.text == "(" || a.text == "[" || a.text == "{"):
			depth++
		case a.kind == tOp && (a.text == ")" || a.text == "]" || a.text == "}"):
			depth--
		case a.kind == tString && depth == 0 && len(out) < 4:
			out = append(out, a.text)
		}
	}
	return out
}
