package policy

import (
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/keras"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

// kerasSideEffects are the functions of Keras's own modules, by name, that a
// config can reach through module/class_name (Keras 3 imports any
// attribute of a keras module) and that do more than build a model:
// get_file downloads (and extracts) a file where the config says
// (CVE-2025-8747), enable_unsafe_deserialization lets the Lambda layers
// that follow run (CVE-2025-9905), load_model loads another file.
var kerasSideEffects = map[string]string{
	"get_file":                      "downloads a file to a path of the config's choosing",
	"extract_archive":               "extracts an archive",
	"enable_unsafe_deserialization": "switches safe_mode off, so that Lambda bytecode loads",
	"load_model":                    "loads another model file",
	"load_weights":                  "loads another weights file",
	"save_model":                    "writes a model file",
}

// KerasSideEffects returns the functions of Keras's own modules that do
// more than build a model, for the Keras config analysis to report
// (keras.Analyze). The map is shared: callers only read it.
func (p *Judge) KerasSideEffects() map[string]string { return kerasSideEffects }

// Keras turns the facts of a Keras config into findings; prefix is put
// before each key (e.g. "model_config." for an HDF5 attribute).
func (p *Judge) Keras(facts []keras.Fact, prefix string) []finding.Finding {
	var out []finding.Finding
	for _, f := range facts {
		key := prefix + f.Key
		switch f.Kind {
		case keras.Lambda:
			msg := "Keras Lambda layer with serialised Python bytecode at " + key
			ev := ""
			if len(f.CodeNames) > 0 {
				ev = "code names: " + finding.Quote(strings.Join(f.CodeNames, ", "), 300)
				msg += "; the code uses " + ev
			}
			if f.Detail != "" {
				msg += " (" + f.Detail + ")"
			}
			out = append(out, finding.Finding{Rule: finding.RuleKerasLambda, Offset: -1, Key: finding.Plain(key), Evidence: ev, Callable: "keras.layers.Lambda", Message: msg})
		case keras.Reference, keras.CustomObject:
			out = append(out, p.kerasReference(f, key)...)
		case keras.TFOp:
			if what, ok := tensorFlowFunctions[f.Name]; ok {
				out = append(out, finding.Finding{Rule: finding.RuleTensorFlowOp, Offset: -1, Key: finding.Plain(key), Callable: finding.Plain("tf." + f.Name),
					Message: "Keras TFOpLambda layer calls tf." + finding.Quote(f.Name, 100) + " (" + what + ") at " + key})
			}
		case keras.KerasFunction:
			g := pickle.Global{Module: f.Module, Name: f.Name}
			out = append(out, finding.Finding{Rule: finding.RuleKerasDangerous, Offset: -1, Key: finding.Plain(key), Callable: finding.Plain(g.String()), Evidence: finding.Quote(f.Detail, 200),
				Message: "Keras config makes the loader call " + finding.Quote(g.String(), 200) + ", which " + f.Detail + " (safe_mode bypass), at " + key})
		case keras.Limit:
			out = append(out, finding.Finding{Rule: finding.RuleInconclusive, Offset: -1, Key: finding.Plain(key), Message: "Keras config analysis inconclusive: " + f.Detail})
		case keras.Malformed:
			out = append(out, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Key: finding.Plain(key), Message: "Keras config: " + f.Detail})
		}
	}
	return out
}

// kerasReference judges a referenced global with the policy: known
// dangerous is the safe_mode bypass, allowed is passed, unknown is a
// reference outside Keras (or a custom object when it has a registered
// package name).
func (p *Judge) kerasReference(f keras.Fact, key string) []finding.Finding {
	g := pickle.Global{Module: f.Module, Name: f.Name}
	name := finding.Quote(g.String(), 200)
	v := p.Classify(g)
	switch {
	case v.Class == ClassDangerous:
		return []finding.Finding{{Rule: finding.RuleKerasDangerous, Offset: -1, Key: finding.Plain(key), Callable: finding.Plain(g.String()), Evidence: finding.Quote(v.Reason, 200),
			Message: "Keras config makes the loader import and call " + name + " (" + v.Reason + "; safe_mode bypass, CVE-2025-1550)"}}
	case v.Class == ClassSafe:
		return nil
	case f.Kind == keras.CustomObject:
		return []finding.Finding{{Rule: finding.RuleKerasCustomObject, Offset: -1, Key: finding.Plain(key), Callable: finding.Plain(g.String()),
			Message: "Keras custom object " + finding.Quote(f.Registered, 200) + " from " + name + " must be importable to load the model"}}
	default:
		return []finding.Finding{{Rule: finding.RuleKerasExternal, Offset: -1, Key: finding.Plain(key), Callable: finding.Plain(g.String()),
			Message: "Keras config references " + name + " outside Keras: loading imports it"}}
	}
}
