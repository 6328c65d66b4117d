package formats

import (
	"bufio"
	"compress/zlib"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/modelgate/modelgate/scan"
)

// joblibZFile is the compressed format of joblib before 0.9.3, which
// joblib.load still reads (numpy_pickle_compat.read_zfile): "ZF", the
// length of the content as 19 characters of hexadecimal text, an optional
// space, then a zlib stream of a pickle. joblib unpickles the content
// whatever the file's name.
//
// Decisions:
//   - Matched by the prefix and a length field that Python's int(s, 16)
//     takes; the zlib stream is not looked at before Scan.
//   - The content is read as a pickle, as joblib does, and reported as
//     the file itself (like a compressed joblib dump), when it is one:
//     joblib also wrote the raw data of arrays in this format, to side
//     files (x.pkl_01.npy.z) that it never unpickles.
type joblibZFile struct{}

var _ scan.Format = joblibZFile{}

// zfileHeader is the length of "ZF" and the length field.
const zfileHeader = 2 + 19

func (joblibZFile) Name() string { return "joblib-zfile" }

func (joblibZFile) Match(in *scan.Input) bool {
	h := in.Head
	if len(h) < zfileHeader || !in.HasPrefix("ZF") {
		return false
	}
	_, ok := pyHexInt(string(h[2:zfileHeader]))
	return ok
}

func (joblibZFile) Scan(s *scan.Session, in *scan.Input) error {
	skip := int64(zfileHeader)
	if len(in.Head) > zfileHeader && in.Head[zfileHeader] == ' ' {
		skip++ // the wider header of joblib <= 0.8.4
	}
	open := func() (io.ReadCloser, error) {
		r, c, err := openAt(in, skip)
		if err != nil {
			return nil, err
		}
		src := &scan.CountingReader{R: bufio.NewReader(r)}
		dec, err := zlib.NewReader(src)
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("open zlib stream at offset %d: %w", skip, err)
		}
		return readCloser{s.Bounded(dec, src), c}, nil
	}
	inner, err := scan.NewStreamInput(in.Chain, in.Name, -1, open)
	if err != nil {
		return fmt.Errorf("read head of zlib stream at offset %d: %w", skip, err)
	}
	inner.Depth = in.Depth
	if !(rawPickle{}).Match(inner) {
		// joblib's side files of arrays (x.pkl_01.npy.z) hold raw array
		// data in this format, which joblib never unpickles.
		if why := scan.PickleRefused(inner); why != "" {
			s.JoblibRefuses(in, why)
		}
		s.SetFormat(in, "")
		return nil
	}
	s.Read(in)
	_, err = scanPickleAt(s, inner, 0, false, fmt.Sprintf("zlib content at byte %d (offsets in it): ", skip))
	return err
}

// pyHexInt parses s as Python's int(s, 16) does for the text joblib
// writes: surrounding white space, an optional sign and 0x prefix,
// underscores between digits.
func pyHexInt(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
		if s[0] == '_' {
			s = s[1:]
		}
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 16, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
