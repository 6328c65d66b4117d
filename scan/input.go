package scan

import (
	"bytes"
	"io"
	"strings"

	"github.com/modelgate/modelgate/internal/parse/zipread"
)

// HeadSize is how many leading bytes are read to identify an input. It
// covers every magic number we know, including tar's at offset 257.
const HeadSize = 512

// Input is one byte stream to identify and scan: a file on disk or a
// member of an archive, at any depth.
type Input struct {
	// Chain lists the archive members from the file down to this input;
	// it is empty for the file itself.
	Chain []string
	// Name is the base name of the file or member: a hint for messages and
	// ordering, never for deciding what the content is.
	Name string
	// Size is the length in bytes, or -1 when unknown (a compressed stream).
	Size int64
	// At gives random access when the input allows it (files, stored zip
	// members); it is nil for streams that must be read in order.
	At io.ReaderAt
	// Head holds the first HeadSize bytes (fewer when the input is shorter).
	Head []byte
	// Depth is the container nesting depth: 0 for a file.
	Depth int

	open func() (io.ReadCloser, error)
	zip  *zipCache
}

// zipCache holds the central directory of an input once read, so that the
// zip formats' Match calls and the Scan of the one that matched read it
// once.
type zipCache struct {
	opts zipread.Options
	a    *zipread.Archive
	err  error
}

// Zip returns the zip structure of an input with random access,
// read once per set of options.
func (in *Input) Zip(o zipread.Options) (*zipread.Archive, error) {
	if in.At == nil {
		return nil, zipread.ErrNotZip
	}
	if in.zip == nil || in.zip.opts != o {
		a, err := zipread.Open(in.At, in.Size, o)
		in.zip = &zipCache{opts: o, a: a, err: err}
	}
	return in.zip.a, in.zip.err
}

// NewSectionInput returns an input with random access over r.
func NewSectionInput(chain []string, name string, r io.ReaderAt, size int64) (*Input, error) {
	head := make([]byte, min(int64(HeadSize), size))
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	in := &Input{Chain: chain, Name: name, Size: size, At: r, Head: head[:n]}
	in.open = func() (io.ReadCloser, error) { return sectionCloser{io.NewSectionReader(r, 0, size)}, nil }
	return in, nil
}

// streamKeep is how many leading bytes of a stream input are kept to
// serve a later open without restarting the stream: the head and what a
// format's Match may read beyond it (a headerless pickle is parsed for its
// first SniffSize bytes).
const streamKeep = SniffSize

// SniffSize is how far past the head a format's Match may read to
// identify an input (a headerless pickle is parsed this far).
const SniffSize = 64 << 10

// NewStreamInput returns an input that can only be read in order. open
// starts the stream afresh; it is called once at once, and the reader it
// returns is shared: the head is read from it, and the first reader a
// format asks for (and any later one, while nobody has read past the
// first streamKeep bytes) continues it instead of restarting. A stream
// that is decompressed is thus decompressed once in the common case (a
// format matched on the head reads the stream to its end). open is
// called again only when a format needs a second pass.
func NewStreamInput(chain []string, name string, size int64, open func() (io.ReadCloser, error)) (*Input, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	return NewLiveStreamInput(chain, name, size, rc, open)
}

// NewLiveStreamInput returns a stream input over live, a reader at the start of
// the content, and reopen, which starts the content afresh. The readers
// hold memory only (the file itself is closed by the scanner), so the
// live reader is left to the garbage collector once the input is done.
func NewLiveStreamInput(chain []string, name string, size int64, live io.Reader, reopen func() (io.ReadCloser, error)) (*Input, error) {
	rp := newReplay(live, streamKeep, reopen)
	rc, err := rp.Open()
	if err != nil {
		return nil, err
	}
	head := make([]byte, HeadSize)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	return &Input{Chain: chain, Name: name, Size: size, Head: head[:n], open: rp.Open}, nil
}

// Open returns a reader from the start of the input. When the input has
// random access the reader also implements io.Seeker, so large parts can
// be skipped without reading them.
func (in *Input) Open() (io.ReadCloser, error) { return in.open() }

// MemberSep joins the levels of a member chain in reports:
// "model.7z/archive/data.pkl" is archive/data.pkl inside model.7z. Zip
// member names hold slashes of their own, so the chain is for people and
// for matching, not for splitting.
const MemberSep = "/"

// Member returns the member chain joined for reports, "" for the file.
func (in *Input) Member() string { return strings.Join(in.Chain, MemberSep) }

// Child returns the chain of a member of this input.
func (in *Input) Child(name string) []string {
	return append(append([]string(nil), in.Chain...), name)
}

// HasPrefix reports whether the input starts with p.
func (in *Input) HasPrefix(p string) bool { return bytes.HasPrefix(in.Head, []byte(p)) }

// sectionCloser keeps the Seek of a section reader visible through the
// io.ReadCloser that Open returns (io.NopCloser would hide it).
type sectionCloser struct{ *io.SectionReader }

func (sectionCloser) Close() error { return nil }
