package formats

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/internal/parse/pickle"
	"github.com/modelgate/modelgate/scan"
)

// The loader model of a pickle stream (docs/loaders.md): every stream is
// read once the way joblib.load reads it (Options.Joblib), which is also
// how pickle.load reads a stream without joblib's array wrappers. Where
// joblib's reading left pickle.load's (array data joblib skips, or an
// inline pickle of an object array, which pickle.load reads as opcodes of
// the same pickle), the stream is read a second time as pickle.load,
// torch.load, numpy.load(allow_pickle=True) on a file without the NPY
// magic and pandas.read_pickle read it, and the union is reported:
//
//   - what the second reading does from the first place the readings part
//     is judged and reported (before it, both readings are the same bytes
//     read the same way, already reported);
//   - when it imports or calls anything there, the disagreement itself is
//     a finding (MG141, high) naming the trick, with both readings as
//     evidence. A joblib dump whose array bytes are mere data makes the
//     second reading fail at once, without a finding;
//   - a joblib NDArrayWrapper that names the file itself makes joblib.load
//     open it again with numpy.load, which unpickles it from offset 0 as
//     pickle.load does: reported as a disagreement too.
//
// The second reading costs only the bytes that differ: the reader copies
// its machine where the readings part (pickle.ReadFork: the stack, memo
// and facts there are pickle.load's too) and the copy reads on from
// there, first from the bytes after the parting that joblib's reading
// kept as it read them, then from the input opened at the offset where
// they end. It costs what pickle.load reads of the array bytes: random
// array bytes end it within a few bytes, and long operands are skipped by
// Seek. A stream without joblib's wrappers is read once.

// plainPrefix starts the messages of the second reading.
const plainPrefix = "read as pickle.load reads it (joblib's array data as opcodes): "

// otherReadings reads in as pickle.load does from where res, joblib's
// reading, parted from it (fork), and reports the union and the
// disagreement. The error is the input's own.
func otherReadings(s *scan.Session, in *scan.Input, res *pickle.Result, fork *pickle.Fork) error {
	if len(res.JoblibData) == 0 {
		return nil // the same bytes read the same way: nothing more to read
	}
	var plain *pickle.Result
	var err error
	if fork != nil {
		plain, err = resumeFork(in, fork)
	} else {
		// Not reached: joblib's reading records array data only after
		// it forked. Read again from the start rather than not at all.
		opts := s.PickleOptions()
		opts.Joblib = false
		plain, err = readPicklesAt(in, 0, opts, false)
	}
	if plain == nil {
		return err
	}
	part := res.JoblibData[0].Offset
	news := newFindings(s.Policy().Pickle(res), s.Policy().Pickle(plain), part)
	did := does(news)
	self := selfLoad(in, res)
	if len(did) == 0 && self == nil {
		return err
	}
	reportParting(s, in, res.JoblibData[0], did, self)
	for _, f := range news {
		f.Message = plainPrefix + f.Message
		s.Report(in, f)
	}
	if plain.Limit != nil && plain.Limit.Offset >= part {
		s.Partial()
	}
	return err
}

// readForked reads every pickle of in as joblib.load does, and returns
// the fork of pickle.load's reading where the two part (pickle.ReadFork).
func readForked(in *scan.Input, opts pickle.Options) (*pickle.Result, *pickle.Fork, error) {
	return readWith(in, 0, opts, pickle.ReadFork)
}

// resumeFork reads on from fork's parting as pickle.load does: the kept
// bytes, then in opened where they end (a seek with random access, the
// stream decompressed again and skipped up to there without). The error
// is the input's own.
func resumeFork(in *scan.Input, fork *pickle.Fork) (*pickle.Result, error) {
	var c io.Closer
	er := &inputErr{}
	res := fork.Resume(func(off int64) (io.Reader, error) {
		r, cl, err := openAt(in, off)
		if err != nil {
			er.err = err
			return nil, err
		}
		c, er.r = cl, r
		return er.reader(), nil
	})
	if c != nil {
		c.Close()
	}
	return res, er.err
}

// newFindings returns the findings of pickle.load's reading from offset
// part on that joblib's reading did not report. An object array's inline
// pickle is read by both (as a nested pickle by joblib, as opcodes of the
// same pickle by pickle.load) and reported once.
func newFindings(joblib, plain []finding.Finding, part int64) []finding.Finding {
	type key struct {
		rule, callable string
		off            int64
	}
	had := map[key]bool{}
	for _, f := range joblib {
		had[key{f.Rule, f.Callable, f.Offset}] = true
	}
	var news []finding.Finding
	for _, f := range plain {
		if f.Offset >= part && !had[key{f.Rule, f.Callable, f.Offset}] {
			news = append(news, f)
		}
	}
	return news
}

// maxDoes bounds the findings listed as what the second reading does.
const maxDoes = 4

// does lists what the findings say pickle.load's reading does: those
// about globals (valid dotted names: random array bytes rarely spell one)
// and nested pickles, not those about the reading failing or stopping.
func does(news []finding.Finding) []string {
	var did []string
	for _, f := range news {
		switch f.Rule {
		case finding.RuleMalformedPickle, finding.RuleTrailingData, finding.RuleInconclusive, finding.RulePolyglot:
			continue
		}
		if f.Callable != "" && !dottedIdent(f.Callable) {
			continue
		}
		what := f.Evidence
		if what == "" {
			what = f.Callable
		}
		if len(did) < maxDoes {
			did = append(did, fmt.Sprintf("%s at offset %d (%s)", clip(what, 80), f.Offset, f.Rule))
		}
	}
	return did
}

// clip cuts s to n bytes with an ellipsis.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// selfLoad returns the old joblib wrapper of res that names the input
// itself, or nil.
func selfLoad(in *scan.Input, res *pickle.Result) *pickle.ExternalFile {
	for i, f := range res.JoblibFiles {
		name := path.Base(strings.ReplaceAll(f.Name, "\\", "/"))
		if f.Name != "" && name == path.Base(in.Name) {
			return &res.JoblibFiles[i]
		}
	}
	return nil
}

// reportParting reports the disagreement between joblib.load's reading
// and pickle.load's from the span where they part.
func reportParting(s *scan.Session, in *scan.Input, span pickle.Span, did []string, self *pickle.ExternalFile) {
	joblib := fmt.Sprintf("joblib.load: reads %d bytes at offset %d as the data of a NumpyArrayWrapper array and skips them", span.Size, span.Offset)
	if span.Size < 0 {
		joblib = fmt.Sprintf("joblib.load: reads the bytes at offset %d as the data of a NumpyArrayWrapper array", span.Offset)
	}
	plain := "pickle.load, torch.load, numpy.load(allow_pickle=True) and pandas.read_pickle: read them as opcodes"
	if len(did) > 0 {
		plain += ", which run " + strings.Join(did, ", ")
	}
	msg := fmt.Sprintf("loaders disagree at offset %d (joblib array data that is also opcodes): %s; %s", span.Offset, joblib, plain)
	if self != nil {
		msg += fmt.Sprintf("; the joblib %s at offset %d names this very file (%q): joblib.load itself opens it again with numpy.load(allow_pickle=True), which reads it from offset 0 as pickle.load does",
			self.Wrapper, self.Offset, self.Name)
	}
	s.Report(in, finding.Finding{Rule: finding.RulePolyglot, Offset: span.Offset, Length: max(span.Size, 1),
		Message: msg, Evidence: joblib + " | " + plain})
}

// framePrefix starts the messages of the reading from a frame's end.
const framePrefix = "read from the end of the FRAME at offset %d, where pickle.load of an unbuffered file or io.BytesIO starts the next pickle: "

// frameRestReading reads in again from the end of the first frame whose
// STOP left bytes in it: the next pickle as pickle.load of an unbuffered
// file, io.BytesIO and pickle.py read it (res read it from right after
// STOP, as pickle.load of a buffered file does). Its findings are
// reported at their offsets in in. The error is the input's own.
func frameRestReading(s *scan.Session, in *scan.Input, res *pickle.Result) error {
	if len(res.FrameRests) == 0 {
		return nil
	}
	r := res.FrameRests[0]
	at := r.Offset + r.Size
	opts := s.PickleOptions()
	opts.Joblib = true
	next, err := readPicklesAt(in, at, opts, false)
	if next == nil {
		return err
	}
	for _, f := range s.Policy().Pickle(next) {
		if f.Offset >= 0 {
			f.Offset += at
		}
		f.Message = fmt.Sprintf(framePrefix, at) + f.Message
		s.Report(in, f)
	}
	if next.Limit != nil {
		s.Partial()
	}
	return err
}
