package pickle

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// binunicode is a BINUNICODE opcode with its operand.
func binunicode(b *bytes.Buffer, s string) {
	b.WriteByte('X')
	binary.Write(b, binary.LittleEndian, uint32(len(s)))
	b.WriteString(s)
}

// longBinput is LONG_BINPUT k.
func longBinput(b *bytes.Buffer, k uint32) {
	b.WriteByte('r')
	binary.Write(b, binary.LittleEndian, k)
}

// stateDict writes a protocol 2 pickle shaped like torch.save of a state
// dict with n tensors (the data.pkl of a zip checkpoint): an OrderedDict
// filled by SETITEMS batches of _rebuild_tensor_v2 calls on persistent
// storages, with the memo use of CPython's pickler.
func stateDict(n int) []byte {
	var b bytes.Buffer
	memo := uint32(0)
	put := func() { longBinput(&b, memo); memo++ }
	b.WriteString("\x80\x02ccollections\nOrderedDict\n")
	put()
	b.WriteString(")R")
	put()
	for i := 0; i < n; i++ {
		if i%1000 == 0 {
			if i > 0 {
				b.WriteByte('u')
			}
			b.WriteByte('(')
		}
		binunicode(&b, "layers."+strconv.Itoa(i)+".weight")
		put()
		b.WriteString("ctorch._utils\n_rebuild_tensor_v2\n")
		put()
		b.WriteString("((")
		binunicode(&b, "storage")
		put()
		b.WriteString("ctorch\nFloatStorage\n")
		put()
		binunicode(&b, strconv.Itoa(i))
		put()
		binunicode(&b, "cpu")
		put()
		b.WriteString("M\x00\x04tQK\x00M\x00\x04K\x01\x86")
		put()
		b.WriteString("K\x01K\x01\x86")
		put()
		b.WriteString("\x89h\x00)R")
		put()
		b.WriteString("tR")
		put()
	}
	b.WriteString("u.")
	return b.Bytes()
}

// manySmall writes a protocol 2 list of ints and floats: many tiny opcodes.
func manySmall(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\x80\x02]q\x00(")
	for i := 0; i < n; i++ {
		if i%1000 == 999 {
			b.WriteString("e(")
		}
		switch i % 3 {
		case 0:
			b.WriteString("K\x07")
		case 1:
			b.WriteString("J\x00\x00\x01\x00")
		default:
			b.WriteString("G?\xf0\x00\x00\x00\x00\x00\x00")
		}
	}
	b.WriteString("e.")
	return b.Bytes()
}

// torchStateDict writes the data.pkl that torch.save (torch 1.13, zip
// format) writes for an OrderedDict of n tensors: globals and repeated
// strings are memoized once and fetched with BINGET, every tensor is a
// _rebuild_tensor_v2 REDUCE over a BINPERSID storage and an empty
// OrderedDict of backward hooks.
func torchStateDict(n int) []byte {
	var b bytes.Buffer
	memo := uint32(0)
	put := func() { longBinput(&b, memo); memo++ }
	get := func(k uint32) { b.WriteByte('j'); binary.Write(&b, binary.LittleEndian, k) }
	b.WriteString("\x80\x02ccollections\nOrderedDict\n")
	put() // 0: OrderedDict
	b.WriteString(")R")
	put()
	b.WriteString("(")
	for i := 0; i < n; i++ {
		if i > 0 && i%1000 == 0 {
			b.WriteString("u(")
		}
		binunicode(&b, "model.layers."+strconv.Itoa(i/8)+".mlp.weight")
		put()
		if i == 0 {
			b.WriteString("ctorch._utils\n_rebuild_tensor_v2\n")
			put() // 3
		} else {
			get(3)
		}
		b.WriteString("((")
		if i == 0 {
			binunicode(&b, "storage")
			put() // 4
			b.WriteString("ctorch\nFloatStorage\n")
			put() // 5
		} else {
			get(4)
			get(5)
		}
		binunicode(&b, strconv.Itoa(i))
		put()
		if i == 0 {
			binunicode(&b, "cpu")
			put() // 7
		} else {
			get(7)
		}
		b.WriteString("J\x00\x00\x10\x00tQK\x00M\x00\x04M\x00\x04\x86")
		put()
		b.WriteString("M\x00\x04K\x01\x86")
		put()
		b.WriteString("\x89j\x00\x00\x00\x00)R")
		put()
		b.WriteString("tR")
		put()
	}
	b.WriteString("u.")
	return b.Bytes()
}

func benchRead(b *testing.B, data []byte, opts Options) {
	measure(b, int64(len(data)), func() {
		r := Read(bytes.NewReader(data), opts)
		if r.Err != nil || r.Limit != nil {
			b.Fatalf("err %v limit %v", r.Err, r.Limit)
		}
	})
}

func BenchmarkStateDict(b *testing.B) { benchRead(b, stateDict(20000), DefaultOptions()) }

// BenchmarkTorchStateDict reads a torch.save pickle of 30,000 tensors.
func BenchmarkTorchStateDict(b *testing.B) { benchRead(b, torchStateDict(30000), DefaultOptions()) }

func BenchmarkManySmall(b *testing.B) { benchRead(b, manySmall(3_000_000), DefaultOptions()) }

func BenchmarkJoblibForest(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "joblib", "sklearn_pipeline.joblib"))
	if err != nil {
		b.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Joblib = true
	benchRead(b, data, opts)
}

// BenchmarkHostile reports time and allocation per hostile input; each
// must stay well under a second and 100 MB.
func BenchmarkHostile(b *testing.B) {
	for _, h := range hostile() {
		b.Run(h.name, func(b *testing.B) {
			data := []byte(h.data)
			measure(b, int64(len(data)), func() { Read(bytes.NewReader(data), DefaultOptions()) })
		})
	}
}
