package scan

import "testing"

// TestRedteamBoundMethod pins the bound-method exception of
// policy_exceptions.go: only getattr(<instance of an allowlisted class
// built by the stream>, '<plain name>') with its result unused passes.
func TestRedteamBoundMethod(t *testing.T) {
	tests := []struct {
		name string
		data string
		want Severity // worst severity
	}{
		{"instance_of_allowlisted_class",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE STOP
			SeverityInvalid},
		{"reconstructed_instance",
			"\x80\x02cbuiltins\ngetattr\nccopyreg\n_reconstructor\nctorch.optim.lr_scheduler\nStepLR\ncbuiltins\nobject\nN\x87RX\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL GLOBAL GLOBAL NONE TUPLE3 REDUCE BINUNICODE TUPLE2 REDUCE STOP
			SeverityInvalid},
		{"result_called",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x04\x00\x00\x00step\x86R)R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE EMPTY_TUPLE REDUCE STOP
			Critical},
		{"result_instantiated",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x09\x00\x00\x00optimizer\x86R)\x81.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE EMPTY_TUPLE NEWOBJ STOP
			Critical},
		{"dunder_name",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x09\x00\x00\x00__class__\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE STOP
			Critical},
		{"unknown_class",
			"\x80\x02cbuiltins\ngetattr\ncmypkg\nNet\n)\x81X\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE STOP
			Critical},
		{"module_attribute",
			"\x80\x02cbuiltins\ngetattr\ncbuiltins\n__import__\nX\x02\x00\x00\x00os\x85RX\x06\x00\x00\x00system\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE1 REDUCE BINUNICODE TUPLE2 REDUCE STOP
			Critical},
		{"imported_global",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\nX\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL BINUNICODE TUPLE2 REDUCE STOP
			Critical},
		{"call_result_not_instance",
			"\x80\x02cbuiltins\ngetattr\nctorch._utils\n_rebuild_tensor_v2\n)RX\x04\x00\x00\x00step\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE REDUCE BINUNICODE TUPLE2 REDUCE STOP
			Critical},
		{"computed_name",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81cbuiltins\nstr\nX\x04\x00\x00\x00step\x85R\x86R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ GLOBAL BINUNICODE TUPLE1 REDUCE TUPLE2 REDUCE STOP
			Critical},
		{"default_argument",
			"\x80\x02cbuiltins\ngetattr\nctorch.optim.lr_scheduler\nStepLR\n)\x81X\x04\x00\x00\x00stepN\x87R.", // PROTO GLOBAL GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE NONE TUPLE3 REDUCE STOP
			Critical},
		{"getattr_also_passed_on",
			"\x80\x02cbuiltins\ngetattr\nq\x00ctorch.optim.lr_scheduler\nStepLR\n)\x81X\x04\x00\x00\x00step\x86R0ccollections\ndefaultdict\nh\x00\x85R.", // PROTO GLOBAL BINPUT GLOBAL EMPTY_TUPLE NEWOBJ BINUNICODE TUPLE2 REDUCE POP GLOBAL BINGET TUPLE1 REDUCE STOP
			Critical},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, res := redteamScan(tt.data)
			if got := worst(fs); got != tt.want {
				t.Errorf("worst %s, want %s%s", got, tt.want, dumpFindings(fs, res))
			}
		})
	}
}
