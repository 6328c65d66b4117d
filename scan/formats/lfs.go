package formats

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/finding"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// lfsHeaders start a Git LFS pointer: the current spec, and the
// pre-release "hawser" and "git-media" ones that git-lfs still accepts
// (its v1Aliases).
var lfsHeaders = []string{"version https://git-lfs.github.com/spec/v1", "version https://hawser.github.com/spec/v1", "version http://git-media.io/v/2"}

// lfsPointer recognises Git LFS pointer files: the model itself is not in
// the checkout, so nothing can be scanned and the gate must not pass.
type lfsPointer struct{}

var _ scan.Format = lfsPointer{}

func (lfsPointer) Name() string { return "lfs-pointer" }

func (lfsPointer) Match(in *scan.Input) bool {
	if in.Size < 0 || in.Size >= 1024 {
		return false
	}
	// git-lfs trims white space around the pointer before it reads the
	// keys (DecodePointer): a leading blank line is still a pointer.
	head := bytes.TrimLeft(in.Head, " \t\r\n")
	for _, h := range lfsHeaders {
		if bytes.HasPrefix(head, []byte(h)) {
			return true
		}
	}
	return false
}

func (lfsPointer) Scan(s *scan.Session, in *scan.Input) error {
	s.Read(in)
	oid, size := "", int64(-1)
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimSpace(in.Head)))
	for sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimSuffix(sc.Text(), "\r"), " ")
		switch k {
		case "oid":
			oid = v
		case "size":
			size, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	if !scan.ModelName(in.Name) && size < 1<<20 {
		return nil // a small non-model file kept in LFS: nothing a loader would run
	}
	s.Partial()
	if lead := len(in.Head) - len(bytes.TrimLeft(in.Head, " \t\r\n")); lead > 0 {
		s.Trick(in, policy.Trick{Kind: policy.TrickLFSSpace, Offset: 0, Detail: fmt.Sprintf(
			"Git LFS pointer after %d bytes of white space: git-lfs trims it and smudges the pointer, a reader that expects \"version \" at byte 0 does not", lead)})
	}
	if trimmed := bytes.TrimLeft(in.Head, " \t\r\n"); !bytes.HasPrefix(trimmed, []byte(lfsHeaders[0])) {
		v, _, _ := bytes.Cut(trimmed, []byte("\n"))
		s.Trick(in, policy.Trick{Kind: policy.TrickLFSOldURL, Offset: int64(len(in.Head) - len(trimmed)), Detail: fmt.Sprintf(
			"Git LFS pointer with the pre-release version line %s, which git-lfs still accepts", finding.Quote(string(v), 120))})
	}
	s.Report(in, finding.Finding{
		Rule:   finding.RuleLFSPointer,
		Offset: -1,
		Message: fmt.Sprintf("model content not present: Git LFS pointer (%s, %d bytes); check out LFS content "+
			"before scanning (actions/checkout with lfs: true)", finding.Quote(oid, 80), size),
	})
	return nil
}
