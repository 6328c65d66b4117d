package report

import "github.com/modelgate/modelgate/finding"

// Next steps shared by several rules.
const (
	nextPickle = "do not load it; convert it to safetensors, or load it with torch.load(path, weights_only=True); " +
		"if the file is yours and reviewed, allow the global with a reason in .modelgate.yml"
	nextClass = "if the class is your own code, allow it with a reason in .modelgate.yml (allow: - global: ...); " +
		"otherwise convert the file to safetensors or load it with torch.load(path, weights_only=True)"
	nextMalformed = "the file does not load as it claims; find out who produced it and regenerate it with its library"
	nextKeras     = "do not load it with safe_mode=False; re-save the model without Lambda layers or foreign callables, " +
		"or allow a reviewed custom object with a reason in .modelgate.yml"
)

// nextSteps is what a reviewer does about a finding of each rule. A test
// holds it complete.
var nextSteps = map[string]string{
	finding.RuleDangerousCallable: nextPickle,
	finding.RuleUnknownCall:       nextPickle,
	finding.RuleUnknownClass:      nextClass,
	finding.RuleUnknownImport:     nextClass,
	finding.RuleMalformedPickle:   nextMalformed,
	finding.RuleInconclusive:      "the scan stopped at a bound: raise it under limits: in .modelgate.yml if the file is expected to be that large, else treat the file as unscanned",
	finding.RuleUnscannable:       "check the file is what its name says; a model that cannot be read is not known to be safe",
	finding.RuleLFSPointer:        "check out the LFS content before scanning (actions/checkout with lfs: true)",
	finding.RuleNestedPickle:      nextPickle,
	finding.RuleTrailingData:      nextMalformed,
	finding.RuleSymlink:           "point the link inside the repository, or remove it",
	finding.RuleExtensionCode:     nextPickle,
	finding.RuleAttributePoison:   nextPickle,
	finding.RuleKerasLambda:       nextKeras,
	finding.RuleKerasDangerous:    nextKeras,
	finding.RuleKerasExternal:     nextKeras,
	finding.RuleKerasCustomObject: nextKeras,
	finding.RuleTensorFlowOp:      "do not load the SavedModel; re-export it without file-system or Python ops",
	finding.RuleONNXExternalPath:  "keep external data files inside the model's folder; do not load the model as it is",
	finding.RuleONNXCustomDomain:  "review the custom operator library before you register it with the runtime",
	finding.RuleGGUFTemplate:      "replace the chat template with a reviewed one; never render it with an unsandboxed Jinja2",
	finding.RuleGGUFTemplateOdd:   "review the chat template before rendering it",
	finding.RuleMalformedFormat:   nextMalformed,
	finding.RulePolyglot:          "find out why the file parses as two formats; load it with neither until then",
	finding.RuleLoaderTrick:       "find out which tool wrote the file this way; until then treat it as written to pass a simpler scanner",
	finding.RuleForcedAllow:       "review the forced entry in .modelgate.yml, and remove it when it is no longer needed",
	finding.RuleTorchScriptOp:     "do not load the TorchScript archive (torch.jit.load or torch.load); re-export the module from reviewed source",
	finding.RuleTorchScriptCustom: "review the library that provides the custom op or class before you load the archive",
	finding.RuleTFLiteCustomOp:    "review the kernel the host registers for the custom operator before you run the model",
	finding.RuleTFJSWeightsPath:   "keep the weight shards inside the model's folder; do not load the model as it is",
}

// NextStep is what to do about a finding of rule: one line for a
// reviewer. It is "" for an unknown rule.
func NextStep(rule string) string {
	return nextSteps[rule]
}
