package tfgraph

import "google.golang.org/protobuf/encoding/protowire"

// SniffGraphDef reports whether head, the first bytes of a file of size
// bytes (-1 when unknown), starts like a GraphDef: a first node whose name
// and op (the first two fields, in field order) are plausible and whose
// length fits in the file.
func SniffGraphDef(head []byte, size int64) bool {
	if len(head) < 4 || head[0] != 0x0a {
		return false
	}
	n, k := protowire.ConsumeVarint(head[1:])
	if k < 0 || size >= 0 && n > uint64(size) {
		return false
	}
	node := head[1+k:]
	name, op := "", ""
	for i := 0; i < 2; i++ {
		num, typ, t := protowire.ConsumeTag(node)
		if t < 0 || typ != protowire.BytesType {
			return false
		}
		v, l := protowire.ConsumeBytes(node[t:])
		if l < 0 {
			return false
		}
		switch num {
		case 1:
			name = string(v)
		case 2:
			op = string(v)
		default:
			return false
		}
		node = node[t+l:]
	}
	return nodeName(name) && opName(op)
}

// SniffSavedModel reports whether head starts like a SavedModel: top
// level fields that are all saved_model_schema_version (1, a varint) or
// meta_graphs (2, a message whose length fits in the file), in any order,
// at least one meta graph among them, and a first meta graph field that
// is one of MetaGraphDef's messages (1 to 7). Fields cut by the end of
// head are not held against it.
func SniffSavedModel(head []byte, size int64) bool {
	metas := 0
	for b := head; len(b) > 0; {
		num, typ, t := protowire.ConsumeTag(b)
		if t < 0 {
			break
		}
		switch {
		case num == 1 && typ == protowire.VarintType:
			_, n := protowire.ConsumeVarint(b[t:])
			if n < 0 {
				return metas > 0
			}
			b = b[t+n:]
		case num == 2 && typ == protowire.BytesType:
			l, n := protowire.ConsumeVarint(b[t:])
			if n < 0 || size >= 0 && l > uint64(size) {
				return false
			}
			if metas == 0 && !metaGraphStart(b[t+n:]) {
				return false
			}
			metas++
			if l > uint64(len(b)-t-n) {
				return true
			}
			b = b[t+n+int(l):]
		default:
			return false
		}
	}
	return metas > 0
}

// metaGraphStart reports whether b starts with a MetaGraphDef field:
// meta_info_def, graph_def, saver_def, collection_def, signature_def,
// asset_file_def or object_graph_def, all length-delimited.
func metaGraphStart(b []byte) bool {
	num, typ, t := protowire.ConsumeTag(b)
	return t > 0 && typ == protowire.BytesType && num >= 1 && num <= 7
}
