package formats

import (
	"strings"
	"testing"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/scan"
)

// TestRawPickleMatch checks that pickles of every protocol are matched
// and that text files are not.
func TestRawPickleMatch(t *testing.T) {
	longList := "(lp0\n" + strings.Repeat("I1\na", 20000) + "cos\nsystem\n(S'id'\ntR." // MARK LIST PUT (INT APPEND)... GLOBAL
	tests := []struct {
		name string
		data string
		want bool
	}{
		{"proto0_dict", "(dp0\nS'a'\np1\nI1\ns.", true},                        // MARK DICT PUT STRING PUT INT SETITEM STOP
		{"proto0_global", "cos\nsystem\n(S'id'\ntR.", true},                    // GLOBAL MARK STRING TUPLE REDUCE STOP
		{"proto0_broken_after_import", "cos\nsystem\n(S'id'\ntR\xff", true},    // GLOBAL MARK STRING TUPLE REDUCE <bad>
		{"proto1_dict", "}q\x00X\x01\x00\x00\x00aq\x01K\x01s.", true},          // EMPTY_DICT BINPUT BINUNICODE BINPUT BININT1 SETITEM STOP
		{"proto2", "\x80\x02}q\x00.", true},                                    // PROTO EMPTY_DICT BINPUT STOP
		{"proto5", "\x80\x05\x95\x03\x00\x00\x00\x00\x00\x00\x00}\x94.", true}, // PROTO FRAME EMPTY_DICT MEMOIZE STOP
		{"frame_first", "\x95\x03\x00\x00\x00\x00\x00\x00\x00}\x94.", true},    // FRAME EMPTY_DICT MEMOIZE STOP
		{"no_proto_binary", "\x8c\x05posix\x94\x8c\x06system\x94\x93.", true},  // SHORT_BINUNICODE MEMOIZE ... STACK_GLOBAL STOP
		{"long_proto0", longList, true},
		{"proto6", "\x80\x06}.", false},
		{"readme", "# modelgate\n\nScans models.\n", false},
		{"python", "import os\n\ndef main():\n    print('hi')\n", false},
		{"python_class", "class Foo:\n    pass\n", false},
		{"json", "{\"a\": [1, 2, 3]}\n", false},
		{"json_list", "[1, 2, 3]\n", false},
		{"cmake", "cmake_minimum_required(VERSION 3.10)\nproject(demo)\nadd_executable(demo main.c)\n", false},
		{"scheme", "(define (square x) (* x x))\n(display (square 3))\n", false},
		{"csv", "id,name,value\n1,a,0.5\n2,b,0.25\n", false},
		{"version_text", "3\n", false},
		{"byteorder", "little", false},
		{"license", strings.Repeat("Permission is hereby granted, free of charge, to any person.\n", 200), false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.data)
			in, err := scan.NewSectionInput(nil, tt.name, strings.NewReader(tt.data), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if got := (rawPickle{}).Match(in); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRawPickleScan scans pickles as files: facts reach the policy, and
// a long protocol 0 pickle is read past the sniffing window.
func TestRawPickleScan(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"p0.pkl":   "cos\nsystem\n(S'touch /tmp/modelgate_p0'\ntR.", // GLOBAL MARK STRING TUPLE REDUCE STOP
		"long.bin": "(lp0\n" + strings.Repeat("I1\na", 20000) + "cposix\nsystem\n(S'id'\ntR.",
		"notes.md": "cat\ndog\n",
	})
	got := scanPaths(t, nil, dir)
	for _, tt := range []struct{ file, callable string }{
		{"p0.pkl", "os.system@"}, {"long.bin", "posix.system@"}, {"notes.md", "at.dog@"},
	} {
		f := got[tt.file]
		if f.Format != "pickle" || f.Status != finding.StatusScanned {
			t.Errorf("%s: format %q status %q", tt.file, f.Format, f.Status)
		}
		if cs := callables(f); !strings.Contains(strings.Join(cs, " "), tt.callable) {
			t.Errorf("%s: callables %q, want %s", tt.file, cs, tt.callable)
		}
	}
}
