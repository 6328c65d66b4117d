package formats

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/torchscript"
	"github.com/modelgate/modelgate/internal/parse/zipread"
	"github.com/modelgate/modelgate/scan"
)

// scanTorchScript reads what torch.jit.load reads of a TorchScript
// archive besides data.pkl and constants.pkl: every code/**.py file, which
// torch compiles (its calls judged together, so that __setstate__ is
// followed into the functions it calls), and every other .pkl or
// .debug_pkl member, read as a pickle whatever its content. The members
// read are added to t.pickles so that they are not scanned again.
func scanTorchScript(s *scan.Session, in *scan.Input, a *zipread.Archive, names []string, t *torchArchive) {
	var files []*torchscript.File
	var inputs []*scan.Input
	for i := range a.Members {
		m := &a.Members[i]
		root, rest, _ := strings.Cut(m.Name, "/")
		lower := strings.ToLower(rest)
		switch {
		case !t.roots[root] || t.pickles[i] || m.IsDir():
		case strings.HasPrefix(lower, "code/") && strings.HasSuffix(lower, ".py"):
			t.pickles[i] = true
			if f, mi := readTorchCode(s, in, a, m, names[i]); f != nil {
				files, inputs = append(files, f), append(inputs, mi)
			}
		case strings.HasSuffix(lower, ".pkl") || strings.HasSuffix(lower, ".debug_pkl"):
			t.pickles[i] = true
			scanZipMember(s, in, a, m, names[i], true)
		}
	}
	for _, cf := range s.Policy().TorchScript(files) {
		s.Report(inputs[cf.File], cf.Finding)
	}
}

// readTorchCode reads and parses one code file; a file it cannot read or
// parse is reported (unscannable, or inconclusive over the limit).
func readTorchCode(s *scan.Session, in *scan.Input, a *zipread.Archive, m *zipread.Member, name string) (*torchscript.File, *scan.Input) {
	bare := &scan.Input{Chain: in.Child(name), Name: path.Base(name), Size: m.Size, Depth: in.Depth + 1}
	mi, err := memberInput(s, a, m, bare)
	if err != nil {
		s.Unscannable(bare, err)
		return nil, nil
	}
	opt := s.Limits().TorchScript
	if mi.Size > opt.MaxBytes {
		s.Partial()
		s.Report(mi, finding.Finding{Rule: finding.RuleInconclusive, Offset: -1,
			Message: fmt.Sprintf("TorchScript code of %d bytes is over the limit of %d and was not read", mi.Size, opt.MaxBytes)})
		return nil, nil
	}
	s.SetFormat(mi, "torchscript-code")
	rc, err := mi.Open()
	if err != nil {
		s.Unscannable(mi, err)
		return nil, nil
	}
	defer rc.Close()
	src, err := io.ReadAll(io.LimitReader(rc, opt.MaxBytes+1))
	if err != nil {
		s.Unscannable(mi, fmt.Errorf("read TorchScript code: %w", err))
		return nil, nil
	}
	f, err := torchscript.Parse(src, opt)
	if err != nil {
		// torch's compiler rejects what its tokenizer cannot read, but
		// the calls read so far are still judged.
		s.Report(mi, finding.Finding{Rule: finding.RuleMalformedFormat, Offset: -1, Message: "TorchScript code does not tokenize: " + err.Error()})
	}
	if f == nil {
		return nil, nil
	}
	return f, mi
}
