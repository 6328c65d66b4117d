package policy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
)

func gl(module, name string) pickle.Global { return pickle.Global{Module: module, Name: name} }

func TestClassifyDangerous(t *testing.T) {
	p := Default()
	tests := []struct {
		name   string
		g      pickle.Global
		reason string // a word the reason must contain
	}{
		{"os_system", gl("os", "system"), "shell"},
		{"posix_system", gl("posix", "system"), "shell"},
		{"nt_system", gl("nt", "system"), "shell"},
		{"os_path_alias", gl("os.path", "join"), "shell"},
		{"posixpath", gl("posixpath", "join"), "files"},
		{"ntpath", gl("ntpath", "join"), "files"},
		{"subprocess_popen", gl("subprocess", "Popen"), "shell"},
		{"asyncio_submodule", gl("asyncio.unix_events", "_UnixSubprocessTransport"), "shell"},
		{"asyncio_subprocess_shell", gl("asyncio", "create_subprocess_shell"), "shell"},
		{"builtins_eval", gl("builtins", "eval"), "code"},
		{"builtins_exec", gl("builtins", "exec"), "code"},
		{"builtins_getattr", gl("builtins", "getattr"), "attributes"},
		{"py2_builtin_getattr", gl("__builtin__", "getattr"), "attributes"},
		{"builtins_open", gl("builtins", "open"), "files"},
		{"dotted_pathlib_os_system", gl("pathlib", "os.system"), "shell"},
		{"dotted_argparse_private_os", gl("argparse", "_os.system"), "shell"},
		{"dotted_logging_os", gl("logging", "os.system"), "shell"},
		{"dotted_deep", gl("sysconfig", "prefix.os.system"), "shell"},
		{"dotted_builtins_getattr", gl("collections", "builtins.getattr"), "attributes"},
		{"dotted_unbound_method", gl("code", "InteractiveInterpreter.runsource"), "code"},
		{"torch_hub_via_name", gl("torch", "hub.load"), "pickle"},
		{"dunder_builtins", gl("numpy", "__builtins__"), "internals"},
		{"dunder_globals", gl("statistics", "mean.__globals__"), "internals"},
		{"dunder_subclasses", gl("builtins", "object.__subclasses__"), "internals"},
		{"dunder_dict", gl("builtins", "__dict__.get"), "internals"},
		{"dunder_getattribute", gl("builtins", "object.__getattribute__"), "internals"},
		{"dunder_in_module", gl("mod.__builtins__", "x"), "internals"},
		{"pickle_loads", gl("pickle", "loads"), "pickle"},
		{"torch_load", gl("torch", "load"), "pickle"},
		{"torch_serialization_load", gl("torch.serialization", "load"), "pickle"},
		{"joblib_load", gl("joblib", "load"), "pickle"},
		{"dill", gl("dill._dill", "_create_function"), "pickle"},
		{"marshal_loads", gl("marshal", "loads"), "pickle"},
		{"numpy_load", gl("numpy", "load"), "pickle"},
		{"operator_attrgetter", gl("operator", "attrgetter"), "attributes"},
		{"underscore_operator", gl("_operator", "itemgetter"), "attributes"},
		{"functools_reduce", gl("functools", "reduce"), "functions"},
		{"ctypes", gl("ctypes", "CDLL"), "native"},
		{"socket", gl("socket", "create_connection"), "network"},
		{"shutil_rmtree", gl("shutil", "rmtree"), "files"},
		// The bypass table of THREATS.md.
		{"pip_main", gl("pip", "main"), "packages"},
		{"pip_internal", gl("pip._internal.cli.main", "main"), "packages"},
		{"pkgutil_resolve_name", gl("pkgutil", "resolve_name"), "import"},
		{"pydoc_locate", gl("pydoc", "locate"), "code"},
		{"pydoc_pipepager", gl("pydoc", "pipepager"), "code"},
		{"operator_methodcaller", gl("operator", "methodcaller"), "attributes"},
		{"importlib_import_module", gl("importlib", "import_module"), "import"},
		{"inspect_getattr_static", gl("inspect", "getattr_static"), "attributes"},
		{"types_functiontype", gl("types", "FunctionType"), "code"},
		{"types_codetype", gl("types", "CodeType"), "code"},
		{"codecs_open", gl("codecs", "open"), "files"},
		{"distutils_spawn", gl("distutils.spawn", "spawn"), "packages"},
		{"setuptools_distutils_spawn", gl("setuptools._distutils.spawn", "spawn"), "files"},
		{"posixsubprocess_fork_exec", gl("_posixsubprocess", "fork_exec"), "shell"},
		{"http_client", gl("http.client", "HTTPSConnection"), "network"},
		{"ssl_get_server_certificate", gl("ssl", "get_server_certificate"), "network"},
		{"logging_filehandler", gl("logging", "FileHandler"), "files"},
		{"logging_config", gl("logging.config", "dictConfig"), "files"},
		{"uuid_get_command_stdout", gl("uuid", "_get_command_stdout"), "shell"},
		{"imaplib_imap4_stream", gl("imaplib", "IMAP4_stream"), "network"},
		{"torch_collect_env_run", gl("torch.utils.collect_env", "run"), "shell"},
		{"runpy_run_code", gl("runpy", "_run_code"), "code"},
		{"runpy_run_path", gl("runpy", "run_path"), "code"},
		{"numpy_runstring", gl("numpy.testing._private.utils", "runstring"), "code"},
		{"numpy_f2py", gl("numpy.f2py.crackfortran", "getlincoef"), "code"},
		{"numpy_distutils_exec", gl("numpy.distutils.exec_command", "_exec_command"), "code"},
		{"profile_run", gl("profile", "Profile.run"), "code"},
		{"cprofile_run", gl("cProfile", "run"), "code"},
		{"trace_runctx", gl("trace", "Trace.runctx"), "code"},
		{"timeit", gl("timeit", "timeit"), "code"},
		{"pdb_run", gl("pdb", "run"), "code"},
		{"bdb", gl("bdb", "Bdb.run"), "code"},
		{"idlelib", gl("idlelib.pyshell", "ModifiedInterpreter.runcode"), "code"},
		{"lib2to3", gl("lib2to3.pgen2.grammar", "Grammar.loads"), "code"},
		{"lib2to3_attr_chain", gl("lib2to3.fixer_util", "attr_chain"), "code"},
		{"doctest_debug_script", gl("doctest", "debug_script"), "code"},
		{"code_interact", gl("code", "interact"), "code"},
		{"ensurepip", gl("ensurepip", "_run_pip"), "packages"},
		{"venv", gl("venv", "create"), "packages"},
		{"webbrowser_open", gl("webbrowser", "open"), "shell"},
		{"pty_spawn", gl("pty", "spawn"), "shell"},
		{"torch_inductor", gl("torch._inductor.codecache", "compile_file"), "code"},
		{"torch_dynamo", gl("torch._dynamo.guards", "GuardBuilder.get"), "code"},
		{"torch_jit_exec", gl("torch.jit.unsupported_tensor_ops", "execWrapper"), "code"},
		{"torch_fx_shapes", gl("torch.fx.experimental.symbolic_shapes", "ShapeEnv.evaluate_guards_expression"), "code"},
		{"torch_config_module", gl("torch.utils._config_module", "ConfigModule.load_config"), "pickle"},
		{"torch_bottleneck", gl("torch.utils.bottleneck.__main__", "run_cprofile"), "code"},
		{"torch_datapipes_decoder", gl("torch.utils.data.datapipes.utils.decoder", "basichandlers"), "pickle"},
		{"torch_storage_load_from_bytes", gl("torch.storage", "_load_from_bytes"), "pickle"},
		{"osx_support", gl("_osx_support", "_read_output"), "shell"},
		{"aix_support", gl("_aix_support", "_read_cmd_output"), "shell"},
		{"pyrepl_pager", gl("_pyrepl.pager", "pipe_pager"), "shell"},
		{"test_support", gl("test.support.script_helper", "assert_python_ok"), "code"},
		{"unittest_mock_importer", gl("unittest.mock", "_importer"), "code"},
		{"xmlrpc_resolve", gl("xmlrpc.server", "resolve_dotted_attribute"), "network"},
		{"cgitb_lookup", gl("cgitb", "lookup"), "code"},
		{"string_formatter", gl("string", "Formatter.get_field"), "attributes"},
		{"sympy_lambdify", gl("sympy.utilities.lambdify", "lambdify"), "code"},
		{"pathlib_write", gl("pathlib", "PosixPath.write_text"), "files"},
		{"tempfile", gl("tempfile", "NamedTemporaryFile"), "files"},
		{"site_addsitedir", gl("site", "addsitedir"), "import"},
		{"yaml_load", gl("yaml", "unsafe_load"), "pickle"},
		{"pandas_read_pickle", gl("pandas", "read_pickle"), "pickle"},
		{"sys_modules", gl("sys", "modules"), "interpreter"},
		{"gc_get_objects", gl("gc", "get_objects"), "attributes"},
		{"exit", gl("builtins", "exit"), "interpreter"},
		{"map", gl("builtins", "map"), "functions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := p.Classify(tt.g)
			if v.Class != ClassDangerous {
				t.Fatalf("Classify(%s) = %s (%s), want dangerous", tt.g, v.Class, v.Reason)
			}
			if !strings.Contains(v.Reason, tt.reason) {
				t.Errorf("Classify(%s) reason %q, want it to mention %q", tt.g, v.Reason, tt.reason)
			}
			if v.Matched == "" {
				t.Errorf("Classify(%s): no matched entry", tt.g)
			}
		})
	}
}

func TestClassifySafeAndUnknown(t *testing.T) {
	p := Default()
	tests := []struct {
		name string
		g    pickle.Global
		want Class
	}{
		{"rebuild_tensor_v2", gl("torch._utils", "_rebuild_tensor_v2"), ClassSafe},
		{"rebuild_from_type_v2", gl("torch._tensor", "_rebuild_from_type_v2"), ClassSafe},
		{"float_storage", gl("torch", "FloatStorage"), ClassSafe},
		{"torch_dtype", gl("torch", "float32"), ClassSafe},
		{"ordered_dict", gl("collections", "OrderedDict"), ClassSafe},
		{"numpy_reconstruct", gl("numpy.core.multiarray", "_reconstruct"), ClassSafe},
		{"numpy2_reconstruct", gl("numpy._core.multiarray", "_reconstruct"), ClassSafe},
		{"numpy2_scalar", gl("numpy._core.multiarray", "scalar"), ClassSafe},
		{"codecs_encode", gl("_codecs", "encode"), ClassSafe},
		{"py2_copy_reg", gl("copy_reg", "_reconstructor"), ClassSafe},
		{"py2_xrange", gl("__builtin__", "xrange"), ClassSafe},
		{"builtins_set", gl("builtins", "set"), ClassSafe},
		{"joblib_wrapper", gl("joblib.numpy_pickle", "NumpyArrayWrapper"), ClassSafe},
		{"sklearn_tree", gl("sklearn.tree._classes", "DecisionTreeClassifier"), ClassSafe},
		{"linear", gl("torch.nn.modules.linear", "Linear"), ClassSafe},
		{"user_class", gl("mypkg.models", "Net"), ClassUnknown},
		{"main_class", gl("__main__", "Point"), ClassUnknown},
		{"dotted_under_safe", gl("torch._utils", "_rebuild_tensor_v2.x"), ClassUnknown},
		{"dotted_under_wildcard", gl("numpy.dtypes", "Float64DType.np"), ClassUnknown},
		// "numpy *" does not cover numpy.testing; the knowledge base knows it
		// is a module, which a pickle can only name, not call.
		{"numpy_testing_module", gl("numpy", "testing"), ClassSafe},
		{"zero", pickle.Global{}, ClassUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v := p.Classify(tt.g); v.Class != tt.want {
				t.Errorf("Classify(%s) = %s (%s, %s), want %s", tt.g, v.Class, v.Reason, v.Matched, tt.want)
			}
		})
	}
}

func TestNewPolicy(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		g       pickle.Global
		want    Class
		forced  int
	}{
		{"allow_exact", Config{Allow: []Entry{{Global: "mypkg.models.Net", Reason: "our model"}}}, "", gl("mypkg.models", "Net"), ClassSafe, 0},
		{"allow_prefix", Config{Allow: []Entry{{Global: "mypkg.layers.*"}}}, "", gl("mypkg.layers.attn", "Block"), ClassSafe, 0},
		{"allow_prefix_not_dotted_name", Config{Allow: []Entry{{Global: "mypkg.layers.*"}}}, "", gl("mypkg.layers", "np.load"), ClassUnknown, 0},
		{"allow_prefix_not_sibling", Config{Allow: []Entry{{Global: "mypkg.layers.*"}}}, "", gl("mypkg.layersx", "Block"), ClassUnknown, 0},
		{"allow_dangerous_refused", Config{Allow: []Entry{{Global: "os.system"}}}, "force", gl("os", "system"), ClassDangerous, 0},
		{"allow_prefix_covering_dangerous_refused", Config{Allow: []Entry{{Global: "torch.*"}}}, "covers a known-dangerous", pickle.Global{}, ClassUnknown, 0},
		{"allow_dangerous_forced", Config{Allow: []Entry{{Global: "os.system", Force: true, Reason: "demo"}}}, "", gl("os", "system"), ClassSafe, 1},
		{"forced_does_not_spread", Config{Allow: []Entry{{Global: "os.system", Force: true}}}, "", gl("os", "popen"), ClassDangerous, 1},
		{"deny_exact", Config{Deny: []Entry{{Global: "mypkg.evil.run", Reason: "runs our deploy"}}}, "", gl("mypkg.evil", "run"), ClassDangerous, 0},
		{"deny_beats_allowlist", Config{Deny: []Entry{{Global: "collections.*"}}}, "", gl("collections", "OrderedDict"), ClassDangerous, 0},
		{"deny_beats_allow", Config{Allow: []Entry{{Global: "mypkg.*"}}, Deny: []Entry{{Global: "mypkg.bad"}}}, "", gl("mypkg", "bad"), ClassDangerous, 0},
		{"bad_pattern_empty", Config{Allow: []Entry{{Global: ""}}}, "bad global", pickle.Global{}, ClassUnknown, 0},
		{"bad_pattern_star", Config{Deny: []Entry{{Global: "*"}}}, "bad global", pickle.Global{}, ClassUnknown, 0},
		{"bad_pattern_inner_star", Config{Allow: []Entry{{Global: "a.*.b"}}}, "bad global", pickle.Global{}, ClassUnknown, 0},
		{"bad_pattern_empty_component", Config{Allow: []Entry{{Global: "a..b"}}}, "empty component", pickle.Global{}, ClassUnknown, 0},
		{"bad_pattern_bare", Config{Allow: []Entry{{Global: "mypkg"}}}, "bad global", pickle.Global{}, ClassUnknown, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v := p.Classify(tt.g); v.Class != tt.want {
				t.Errorf("Classify(%s) = %s (%s), want %s", tt.g, v.Class, v.Reason, tt.want)
			}
			if got := len(p.Forced()); got != tt.forced {
				t.Errorf("Forced() has %d entries, want %d", got, tt.forced)
			}
		})
	}
}

// summary renders findings compactly for comparison: rule/severity@offset.
func summary(fs []finding.Finding) string {
	var b []string
	for _, f := range fs {
		b = append(b, fmt.Sprintf("%s/%s@%d", f.Rule, f.Severity, f.Offset))
	}
	return strings.Join(b, " ")
}
