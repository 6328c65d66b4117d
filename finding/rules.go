package finding

// Rule is one kind of finding. IDs are stable once released: GitHub keys
// code-scanning alerts on them. A rule carries no severity: how severe a
// finding of it is, by default and in each case, is the policy's decision
// (policy.RuleSeverities).
type Rule struct {
	ID    string
	Name  string   // PascalCase name, as SARIF's reportingDescriptor.name
	Short string   // one line
	Full  string   // a paragraph: what it detects and why it matters
	Help  string   // Markdown: the risk and how to fix it
	CWE   []string // e.g. "CWE-502"
}

// Rule IDs.
const (
	RuleDangerousCallable = "MG001" // known-dangerous callable imported or called
	RuleUnknownCall       = "MG002" // unknown global called
	RuleUnknownClass      = "MG003" // unknown class instantiated without its constructor and given state
	RuleUnknownImport     = "MG004" // unknown global only imported
	RuleMalformedPickle   = "MG005" // the stream would fail to load
	RuleInconclusive      = "MG006" // a bound was hit: the rest was not scanned
	RuleUnscannable       = "MG007" // looks like a model but could not be read
	RuleLFSPointer        = "MG008" // Git LFS pointer instead of model content
	RuleNestedPickle      = "MG009" // a pickle inside a pickle reaches a loader
	RuleTrailingData      = "MG010" // bytes after the last pickle
	RuleSymlink           = "MG011" // symlink to a model-looking target outside the tree
	RuleExtensionCode     = "MG012" // EXT1/2/4 opcode: callable from the extension registry
	RuleAttributePoison   = "MG013" // BUILD sets attributes on an imported object

	RuleKerasLambda       = "MG101" // Keras Lambda layer with serialised bytecode
	RuleKerasDangerous    = "MG102" // Keras config references a denylisted callable
	RuleKerasExternal     = "MG103" // Keras config references a module outside Keras
	RuleKerasCustomObject = "MG104" // Keras custom object
	RuleTensorFlowOp      = "MG110" // TensorFlow op that touches files or runs Python
	RuleONNXExternalPath  = "MG120" // ONNX external data path leaves the model folder
	RuleONNXCustomDomain  = "MG121" // ONNX custom operator domain
	RuleGGUFTemplate      = "MG130" // GGUF chat template reaches Python internals
	RuleGGUFTemplateOdd   = "MG131" // GGUF chat template with unusual constructs
	RuleMalformedFormat   = "MG140" // a model file that does not follow its format
	RulePolyglot          = "MG141" // a file that parses as two formats
	RuleLoaderTrick       = "MG142" // a layout a simpler reader misreads, read as the loader reads it
	RuleForcedAllow       = "MG150" // a known-dangerous global allowed by force in the policy file
	RuleTorchScriptOp     = "MG160" // TorchScript code calls an op that touches files or loads native code
	RuleTorchScriptCustom = "MG161" // TorchScript code calls a custom op or class
	RuleTFLiteCustomOp    = "MG170" // TFLite custom operator: a kernel the host registers
	RuleTFJSWeightsPath   = "MG171" // TensorFlow.js weight shard path leaves the model folder
)

const fixPickle = "Prefer a format that cannot run code: **safetensors** for tensors, ONNX for graphs. " +
	"If you must load a pickle-based checkpoint, load it with `torch.load(path, weights_only=True)`, which " +
	"refuses every global outside a short allowlist. Never load a file from an untrusted pull request."

// Rules returns the rule table in a stable order: the words of each rule,
// as reports and code scanning show them.
func Rules() []Rule {
	cwe502 := []string{"CWE-502"}
	return []Rule{
		{RuleDangerousCallable, "DangerousCallable", "Pickle imports or calls a known-dangerous callable",
			"The pickle imports or invokes a callable that executes code, starts processes, touches the file system or network, or reaches the import machinery. Loading the file runs it.",
			"**Loading this file runs code.** The pickle resolves a callable that is known to execute commands or code (for example `os.system`, `builtins.eval`, `runpy._run_code`).\n\nDo not load the file. Find out who added it. " + fixPickle,
			cwe502},
		{RuleUnknownCall, "UnknownCallable", "Pickle calls a global that is not known to be safe",
			"The pickle calls (REDUCE, INST, OBJ) a global that is on no allowlist. Calling an arbitrary importable function is how pickle payloads run code, so it is not passed in silence.",
			"The pickle calls a function that modelgate does not know to be safe. Review the callable and its arguments in the message. If it is your own code and harmless, allow it in `.modelgate.yml` with a reason.\n\n" + fixPickle,
			cwe502},
		{RuleUnknownClass, "UnknownClass", "Pickle builds an instance of a class that is not known to be safe",
			"The pickle creates an object of an unknown class without calling its constructor (NEWOBJ, copyreg._reconstructor) and gives it state with BUILD. This is what torch.save of a whole nn.Module looks like; torch.load(weights_only=True) would refuse it.",
			"The file stores an object of a class that modelgate does not know (often a whole model saved with `torch.save(model)`). Loading it imports that class and may call its `__setstate__`. `torch.load(weights_only=True)` refuses such files.\n\nSave the `state_dict()` instead, or allow the class in `.modelgate.yml` with a reason.",
			cwe502},
		{RuleUnknownImport, "UnknownGlobal", "Pickle imports a global that is not known to be safe",
			"The pickle imports a global that is on no allowlist without calling it. Importing a module runs its top-level code.",
			"The pickle imports a name modelgate does not know. Importing runs the module's top-level code. Allow it in `.modelgate.yml` with a reason if it is expected.",
			cwe502},
		{RuleMalformedPickle, "MalformedPickle", "Pickle stream is malformed",
			"The unpickler would stop with an error in this stream. Payloads are placed before a deliberately broken byte so that scanners give up while the loader has already run them; everything before the break is scanned and reported.",
			"The pickle would fail to load at the given offset. Anything before that point still runs when the file is loaded. Regenerate the file from its source.",
			cwe502},
		{RuleInconclusive, "Inconclusive", "Scan is inconclusive: a safety bound was hit",
			"A bound of the scanner (opcodes, stack depth, memo size, decompressed size, nesting depth) was hit, so the rest of the content was not analysed. Hostile files are built to exhaust scanners.",
			"Part of this file was not analysed because it exceeds a bound of the scanner. Treat it as unverified. If the file is legitimate and large, raise the limit in `.modelgate.yml` (`limits`).",
			[]string{"CWE-502", "CWE-400"}},
		{RuleUnscannable, "Unscannable", "File looks like a model but could not be scanned",
			"The file or archive member looks like model content but could not be read (unreadable, encrypted, unknown compression, over a size limit). A gate that cannot read a file must not pass it.",
			"modelgate could not read this file, so it cannot vouch for it. Check the message for the reason; re-save the model in a supported, unencrypted format.",
			cwe502},
		{RuleLFSPointer, "LFSPointer", "Model content not present: Git LFS pointer",
			"The file is a Git LFS pointer, not the model itself, so nothing was scanned. A gate that scanned nothing must not pass.",
			"Check out LFS content before scanning: `actions/checkout` with `lfs: true`.",
			nil},
		{RuleNestedPickle, "NestedPickle", "Pickle carries another pickle to a loader",
			"A pickle passes bytes to a loader (pickle.loads, torch.load over BytesIO, ...). The inner pickle was scanned; its findings are reported at the outer location.",
			"A pickle that loads another pickle is a way to hide a payload. Do not load the file. " + fixPickle,
			cwe502},
		{RuleTrailingData, "TrailingData", "Data after the last pickle",
			"Bytes follow the last pickle that are not a pickle. Loaders ignore them, but they can hide a payload for a second stage or a polyglot.",
			"Regenerate the file; legitimate writers do not leave data after the pickle.",
			nil},
		{RuleSymlink, "SymlinkOutside", "Symbolic link to a model outside the repository",
			"A symbolic link in the tree points at a model-looking file, or a folder, outside it. modelgate never follows links out of the tree, so the target was not scanned.",
			"Replace the link with the file itself or remove it.",
			[]string{"CWE-59"}},
		{RuleExtensionCode, "ExtensionCode", "Pickle resolves a callable through the extension registry",
			"EXT1/EXT2/EXT4 opcodes resolve a callable from copyreg's extension registry of the loading process. The callable cannot be known from the file, so the code itself is the evidence.",
			"No common library writes extension codes. Do not load the file. " + fixPickle,
			cwe502},
		{RuleAttributePoison, "AttributePoisoning", "Pickle sets attributes on an imported object",
			"BUILD applied to a module-level object rather than an instance changes that object for the whole process (for example replacing a function's attributes), a known way to change a model's behaviour silently.",
			"Do not load the file. " + fixPickle,
			cwe502},
		{RuleKerasLambda, "KerasLambda", "Keras Lambda layer with serialised Python bytecode",
			"A Lambda layer carries marshalled Python bytecode that runs when the model is loaded with safe_mode off or called.",
			"Replace Lambda layers with registered custom layers, and load Keras models with `safe_mode=True`.",
			[]string{"CWE-94"}},
		{RuleKerasDangerous, "KerasDangerousCallable", "Keras config references a dangerous callable",
			"A module/class_name/registered_name field of the Keras config points at a known-dangerous callable (the CVE-2025-1550 safe_mode bypass).",
			"Do not load the model. Keras objects come from `keras`; a config that names `os` or `subprocess` is an attack.",
			[]string{"CWE-94"}},
		{RuleKerasExternal, "KerasExternalModule", "Keras config references a module outside Keras",
			"A module/class_name/registered_name field points outside keras/tf.keras: loading imports and calls it.",
			"Review the referenced module. If it is your own registered object, allow it in `.modelgate.yml`.",
			[]string{"CWE-94"}},
		{RuleKerasCustomObject, "KerasCustomObject", "Keras custom object",
			"The model uses a custom registered object that must be importable to load it.",
			"Make sure the custom object's code is reviewed; allow it in `.modelgate.yml` if expected.",
			[]string{"CWE-94"}},
		{RuleTensorFlowOp, "TensorFlowUnsafeOp", "TensorFlow graph op touches files or runs Python",
			"The graph contains ops that read or write files, run Python (PyFunc) or the shell when the model is executed.",
			"Review the graph; serving graphs do not need file or Python ops.",
			[]string{"CWE-94"}},
		{RuleONNXExternalPath, "ONNXExternalDataTraversal", "ONNX external data path leaves the model folder",
			"An external_data location is absolute, contains .., or otherwise leaves the model's folder: loading reads arbitrary files.",
			"Keep external data files beside the model with relative names.",
			[]string{"CWE-22"}},
		{RuleONNXCustomDomain, "ONNXCustomDomain", "ONNX custom operator domain",
			"The graph uses operators from a non-standard domain, which need a custom (native) operator library to run.",
			"Make sure the custom operator library is trusted.",
			nil},
		{RuleGGUFTemplate, "GGUFTemplateInjection", "GGUF chat template reaches Python internals",
			"The Jinja chat template reaches for Python internals (__class__, __globals__, __import__, os, popen, ...), the server-side template injection of CVE-2024-34359.",
			"Do not serve the model with a non-sandboxed Jinja environment; remove the template.",
			[]string{"CWE-1336"}},
		{RuleGGUFTemplateOdd, "GGUFTemplateUnusual", "GGUF chat template with unusual constructs",
			"The chat template uses constructs that ordinary chat templates do not need.",
			"Review the template.",
			[]string{"CWE-1336"}},
		{RuleMalformedFormat, "MalformedModel", "Model file does not follow its format",
			"The file claims a model format but its structure is invalid: it will not load, or loaders will disagree about its content.",
			"Regenerate the file with its library.",
			nil},
		{RulePolyglot, "Polyglot", "File parses as two formats",
			"The file's header or data region also parses as another format, a way to pass one scanner while another loader sees something else.",
			"Regenerate the file with its library.",
			nil},
		{RuleLoaderTrick, "LoaderTrick", "Model file uses a layout that a simpler reader misreads",
			"The file departs from what its library writes in a way the real loader accepts and a reader that assumes the usual layout does not: protobuf fields out of the order protoc writes them or a message split in parts, a Keras archive without metadata.json or an unzipped model folder, an HDF5 user block or committed datatype, a gzip header CRC that Python does not check, a Git LFS pointer with leading white space, xz branch-converter filters, a zip member compressed with LZMA or bzip2. modelgate read it as the loader does; the finding names the layout so that a reviewer knows why another scanner may see nothing.",
			"Find out which tool wrote the file this way; regenerate it with its library when in doubt.",
			nil},
		{RuleForcedAllow, "ForcedAllow", "A known-dangerous global is allowed by force",
			"The policy file allows a global that is known to be dangerous, with force: true.",
			"Review the entry in `.modelgate.yml`.",
			nil},
		{RuleTorchScriptOp, "TorchScriptUnsafeOp", "TorchScript code touches files or loads native code",
			"The TorchScript code of the archive (code/**.py, compiled by torch.jit.load and by torch.load) calls an op that reads or writes files (torch.from_file, torch.save) or loads a native library (torch.ops.load_library). In __setstate__ it runs while the model loads.",
			"Do not load the model. A model needs no file access in its code: re-export it with torch.jit.script from reviewed source, or save its weights as safetensors.",
			[]string{"CWE-94"}},
		{RuleTorchScriptCustom, "TorchScriptCustomOp", "TorchScript code calls a custom op or class",
			"The TorchScript code calls an op outside torch's own namespaces (torch.ops.<ns>) or a custom class (torch.classes): native code from a library the host must load, which runs with the loader's rights.",
			"Check which library provides the op and that it comes from a trusted source.",
			[]string{"CWE-829"}},
		{RuleTFLiteCustomOp, "TFLiteCustomOp", "TFLite model uses a custom operator",
			"The TensorFlow Lite model names a custom operator: the interpreter runs whatever kernel the host application registered under that name. The file itself holds no Python code and no pickle; Flex operators that touch files are reported as TensorFlowUnsafeOp.",
			"Check that the application registers the operator from a trusted library.",
			[]string{"CWE-829"}},
		{RuleTFJSWeightsPath, "TFJSWeightsOutside", "TensorFlow.js weight path leaves the model folder",
			"A path of the weights manifest of a TensorFlow.js model.json is absolute, climbs out of the model's folder or names another scheme: the loader fetches it relative to model.json and reads whatever it names into the model's weights.",
			"Keep weight shards beside model.json and name them by plain relative paths.",
			[]string{"CWE-22"}},
	}
}

// RuleByID returns the rule with the given ID.
func RuleByID(id string) (Rule, bool) {
	for _, r := range Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}
