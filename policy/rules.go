package policy

import (
	"maps"

	"github.com/modelgate/modelgate/finding"
)

// ruleSeverity is the default severity of each rule: what a finding of the
// rule weighs when the judgement that reports it sets none (a format's
// fact, an unreadable input) and the policy file does not override it.
// Pickle findings carry the severity the judge gave each case.
var ruleSeverity = map[string]finding.Severity{
	finding.RuleDangerousCallable: finding.Critical, // DangerousCallable
	finding.RuleUnknownCall:       finding.High,     // UnknownCallable
	finding.RuleUnknownClass:      finding.Medium,   // UnknownClass
	finding.RuleUnknownImport:     finding.Medium,   // UnknownGlobal
	finding.RuleMalformedPickle:   finding.Medium,   // MalformedPickle
	finding.RuleInconclusive:      finding.High,     // Inconclusive
	finding.RuleUnscannable:       finding.High,     // Unscannable
	finding.RuleLFSPointer:        finding.High,     // LFSPointer
	finding.RuleNestedPickle:      finding.High,     // NestedPickle
	finding.RuleTrailingData:      finding.Low,      // TrailingData
	finding.RuleSymlink:           finding.Medium,   // SymlinkOutside
	finding.RuleExtensionCode:     finding.High,     // ExtensionCode
	finding.RuleAttributePoison:   finding.High,     // AttributePoisoning
	finding.RuleKerasLambda:       finding.Critical, // KerasLambda
	finding.RuleKerasDangerous:    finding.Critical, // KerasDangerousCallable
	finding.RuleKerasExternal:     finding.High,     // KerasExternalModule
	finding.RuleKerasCustomObject: finding.Medium,   // KerasCustomObject
	finding.RuleTensorFlowOp:      finding.High,     // TensorFlowUnsafeOp
	finding.RuleONNXExternalPath:  finding.High,     // ONNXExternalDataTraversal
	finding.RuleONNXCustomDomain:  finding.Medium,   // ONNXCustomDomain
	finding.RuleGGUFTemplate:      finding.Critical, // GGUFTemplateInjection
	finding.RuleGGUFTemplateOdd:   finding.Medium,   // GGUFTemplateUnusual
	finding.RuleMalformedFormat:   finding.Medium,   // MalformedModel
	finding.RulePolyglot:          finding.High,     // Polyglot
	finding.RuleLoaderTrick:       finding.Medium,   // LoaderTrick
	finding.RuleForcedAllow:       finding.Medium,   // ForcedAllow
	finding.RuleTorchScriptOp:     finding.High,     // TorchScriptUnsafeOp
	finding.RuleTorchScriptCustom: finding.Medium,   // TorchScriptCustomOp
	finding.RuleTFLiteCustomOp:    finding.Low,      // TFLiteCustomOp
	finding.RuleTFJSWeightsPath:   finding.Medium,   // TFJSWeightsOutside
}

// RuleSeverities returns the default severity of every rule, for the
// writers that show a rule's level (SARIF's defaultConfiguration).
func RuleSeverities() map[string]finding.Severity {
	return maps.Clone(ruleSeverity)
}
