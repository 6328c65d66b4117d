package policy

import (
	"fmt"
	"sort"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// judge reports one global according to its verdict and its uses.
func (p *Judge) judge(out *findingSet, x *use, ex *exceptions) {
	v := p.Classify(x.g)
	if len(x.calls) == 0 && x.moreCalls == 0 && (len(x.inst) > 0 || x.moreInst > 0) {
		v = p.classify(x.g, useInstance) // a class rebuilt without its constructor
	}
	name := globalName(x.g)
	// An import whose only uses were reported as writes into it, or
	// excused, needs no finding of its own.
	onlyImported := len(x.calls) == 0 && len(x.inst) == 0 && x.moreCalls == 0 && x.moreInst == 0
	if onlyImported && (x.poisons > 0 || x.excused > 0 && !ex.referenced(x.g)) {
		return
	}
	switch v.Class {
	case ClassSafe:
		return
	case ClassDangerous:
		if v.gate.key != "" {
			ok, why := p.textGated(x, v, ex.groups)
			if ok {
				return
			}
			v.Reason += why
		}
		if v.index.key != "" {
			ok, why := p.indexGated(x, v, ex.groups)
			if ok {
				return
			}
			v.Reason += why
		}
		if v.As != "" {
			// A dotted path is reported by what it resolves to
			// (pathlib.os.system as os.system); the message keeps the path.
			name = printable(v.As, maxEvidence)
		}
		acts := append(append([]pickle.Call(nil), x.calls...), x.inst...)
		sort.SliceStable(acts, func(i, j int) bool { return acts[i].Offset < acts[j].Offset })
		if len(acts) == 0 {
			out.add(finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Offset: x.first, Callable: name, Evidence: name,
				Message: fmt.Sprintf("%s imported at offset %d: %s; a reference alone can be handed to another call%s", name, x.first, v.Reason, note("", v, times(x.imports, "import")))})
			return
		}
		for _, c := range acts {
			ev := evidence(c)
			uses := ""
			if normalize(c.Callee) != x.g {
				uses = " uses " + name
			}
			out.add(finding.Finding{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Offset: c.Offset, Callable: name, Evidence: ev,
				Message: fmt.Sprintf("%s at offset %d%s: %s%s", ev, c.Offset, uses, v.Reason, note(c.Op, v))})
		}
		out.hide(finding.RuleDangerousCallable, name, x.moreCalls+x.moreInst)
	default:
		switch {
		case len(x.calls) > 0:
			c := x.calls[0]
			ev := evidence(c)
			out.add(finding.Finding{Rule: finding.RuleUnknownCall, Severity: finding.High, Offset: c.Offset, Callable: name, Evidence: ev,
				Message: fmt.Sprintf("%s at offset %d calls %s, which is on no allowlist%s", ev, c.Offset, name, note(c.Op, v, times(len(x.calls)+int(x.moreCalls), "call")))})
		case len(x.inst) > 0:
			c := x.inst[0]
			ev := evidence(c)
			out.add(finding.Finding{Rule: finding.RuleUnknownClass, Severity: finding.Medium, Offset: c.Offset, Callable: name, Evidence: ev,
				Message: fmt.Sprintf("%s at offset %d builds an instance of %s, a class on no allowlist; loading imports it, and torch.load(weights_only=True) would refuse it%s",
					ev, c.Offset, name, note(c.Op, v, times(len(x.inst)+int(x.moreInst), "use")))})
		case x.members > 0 && x.members >= x.imports, x.owners > 0 && !ex.referencedBut(x.g, true):
			// getattr(Color, 'RED'): the shape of an enum member of an
			// unknown class, as every training_args.bin has.
			out.add(finding.Finding{Rule: finding.RuleUnknownImport, Severity: finding.Medium, Offset: x.first, Callable: name, Evidence: name,
				Message: fmt.Sprintf("%s imported at offset %d is on no allowlist; importing runs its module's top-level code%s", name, x.first, note("", v, times(x.imports, "import")))})
		default:
			// Reachable in the object graph: whatever receives it may call
			// it by duck typing, and nothing says what it does.
			out.add(finding.Finding{Rule: finding.RuleUnknownImport, Severity: finding.High, Offset: x.first, Callable: name, Evidence: name,
				Message: fmt.Sprintf("%s imported at offset %d is on no allowlist and the knowledge base does not know it; importing runs its module's top-level code, and code that receives it may call it%s", name, x.first, note("", v, times(x.imports, "import")))})
		}
	}
}

// nested reports a pickle that reaches a loader, and its own findings at
// the offset of the loading call. It returns true when the nested pickle
// was read to its end and nothing in it is above medium: the loader then
// runs only what was judged harmless.
func (p *Judge) nested(out *findingSet, n pickle.Nested, depth int) bool {
	loader := globalName(n.Loader)
	if loader == "" {
		loader = "a loader"
	}
	prefix := fmt.Sprintf("in a pickle loaded by %s at offset %d: ", loader, n.Offset)
	var inner []finding.Finding
	if depth+1 >= maxNestedDepth {
		inner = []finding.Finding{{Rule: finding.RuleInconclusive, Severity: finding.High, Message: fmt.Sprintf("pickles nest deeper than %d levels; the innermost was not analysed", maxNestedDepth)}}
	} else {
		inner = p.pickle(torchBlob(n), depth+1)
	}
	worst := finding.SeverityInvalid
	for _, f := range inner {
		f.Offset, f.Length = n.Offset, 1
		f.Message = prefix + f.Message
		if f.Severity > worst {
			worst = f.Severity
		}
		out.add(f)
	}
	clean := n.Result != nil && n.Result.Err == nil && n.Result.Limit == nil && worst <= finding.Medium
	sev := finding.High
	msg := fmt.Sprintf("a pickle at offset %d is passed to %s; it was scanned: %d finding%s", n.Offset, loader, len(inner), plural(len(inner)))
	if worst > finding.SeverityInvalid {
		msg += ", worst " + worst.String()
	}
	switch {
	case clean && worst <= finding.Low:
		sev = finding.Low // e.g. pickle.dumps(tensor): torch stores the tensor as a nested legacy file
	case clean:
		sev = finding.Medium
	}
	out.add(finding.Finding{Rule: finding.RuleNestedPickle, Severity: sev, Offset: n.Offset, Callable: globalName(n.Loader), Evidence: loader + "(<pickle>)", Message: msg})
	return clean
}

// stream reports the state of the stream itself: limit, trailing data,
// places where loaders disagree, and the parse error raised to the worst
// finding before it.
func (p *Judge) stream(out *findingSet, res *pickle.Result) {
	if l := res.Limit; l != nil {
		out.add(finding.Finding{Rule: finding.RuleInconclusive, Severity: finding.High, Offset: l.Offset,
			Message: fmt.Sprintf("the scan stopped at offset %d: bound %s hit (%s); the rest of the stream was not analysed", l.Offset, l.Name, clean(l.Msg, maxEvidence))})
	}
	if t := res.Trailing; t != nil {
		out.add(finding.Finding{Rule: finding.RuleTrailingData, Severity: finding.Low, Offset: t.Offset, Length: max(t.Size, 1),
			Message: fmt.Sprintf("%d bytes at offset %d follow the last pickle and are not a pickle", t.Size, t.Offset)})
	}
	for _, a := range res.Anomalies {
		out.add(finding.Finding{Rule: finding.RuleMalformedPickle, Severity: finding.Medium, Offset: a.Offset,
			Message: fmt.Sprintf("unusual structure at offset %d (%s): %s; loaders may read this stream differently", a.Offset, a.Op, clean(a.Msg, maxEvidence))})
	}
	for _, d := range res.Disagreements {
		out.add(disagreement(d))
	}
	if e := res.Err; e != nil {
		sev, cause := finding.Medium, ""
		for _, f := range out.list {
			if f.Offset < e.Offset && f.Severity > sev {
				sev, cause = f.Severity, f.Rule
			}
		}
		at, rest := "the stream ends", ""
		if e.Op != "" {
			// Exception-oriented programming: a payload placed after
			// bytes that make a scanner throw. Should the reader fail
			// where CPython reads on, what follows was never analysed.
			at, rest = "opcode "+e.Op, "; what follows was not analysed, and a loader that reads on would run it"
			if sev < finding.High {
				sev = finding.High
			}
		}
		msg := fmt.Sprintf("the unpickler would fail at offset %d (%s): %s; everything before it runs when the file is loaded%s", e.Offset, at, clean(e.Msg, maxEvidence), rest)
		if cause != "" {
			msg += fmt.Sprintf("; raised to %s because a %s finding (%s) precedes the break", sev, sev, cause)
		}
		out.add(finding.Finding{Rule: finding.RuleMalformedPickle, Severity: sev, Offset: e.Offset, Message: msg})
	}
}

// torchBlob returns the nested result to judge. torch's loaders read a
// legacy file: its pickles are followed by raw storage bytes, read by the
// sizes the pickles declare, so trailing data there is the tensors, not
// a hiding place.
func torchBlob(n pickle.Nested) *pickle.Result {
	switch n.Loader.String() {
	case "torch.storage._load_from_bytes", "torch.load", "torch.serialization.load":
	default:
		return n.Result
	}
	if n.Result == nil || n.Result.Trailing == nil {
		return n.Result
	}
	r := *n.Result
	r.Trailing = nil
	return &r
}

// disagreement reports two loaders reading the same bytes differently:
// high, since no writer produces it and it is how a payload is shown to
// one loader and hidden from another (what either reading runs is judged
// on its own).
func disagreement(d pickle.Disagreement) finding.Finding {
	return finding.Finding{Rule: finding.RulePolyglot, Severity: finding.High, Offset: d.Offset,
		Message: fmt.Sprintf("loaders disagree at offset %d (%s): %s; %s; %s", d.Offset, d.Op, clean(d.Trick, maxEvidence),
			clean(d.Readings[0], maxEvidence), clean(d.Readings[1], maxEvidence)),
		Evidence: clean(d.Readings[0]+" | "+d.Readings[1], maxEvidence)}
}

// NotLoadable judges an input that no format reads but that every loader
// provably rejects before running anything (scan.Unloadable says why): a
// file no loader can read is not a threat, so it is not scanned at
// medium, not high. Without that proof the caller fails closed.
func (p *Judge) NotLoadable(why string) finding.Finding {
	return finding.Finding{Rule: finding.RuleUnscannable, Severity: finding.Medium, Offset: -1,
		Message: "named like a pickle-based model, but " + why + "; not scanned"}
}
