package policy

import "github.com/modelgate/modelgate/finding"

// Kinds of Trick. Each names a layout that the real loader reads and a
// reader assuming what the library writes would not; the parsers and
// adapters report them as facts, this package weighs them.
const (
	TrickFieldOrder   = "protobuf-field-order"   // fields not in ascending number order
	TrickSplitMessage = "protobuf-split-message" // a singular field given twice (merged)
	TrickKerasNoMeta  = "keras-no-metadata"      // .keras archive without metadata.json
	TrickKerasFolder  = "keras-folder"           // an unzipped Keras model folder
	TrickH5UserBlock  = "hdf5-user-block"        // superblock after a user block
	TrickH5Committed  = "hdf5-committed-type"    // an attribute with a shared datatype
	TrickGzipHeader   = "gzip-header-crc"        // FHCRC with a wrong CRC16
	TrickLFSSpace     = "lfs-leading-space"      // an LFS pointer after white space
	TrickLFSOldURL    = "lfs-old-version-url"    // hawser or git-media version line
	TrickXZFilters    = "xz-filters"             // branch converters before LZMA2
	TrickZipMethod    = "zip-method"             // a member compressed with LZMA or bzip2
	TrickFileLink     = "external-data-link"     // external data reached through a symlink
	TrickBudgetFlood  = "budget-flood"           // content padded to a reader's bound
	TrickZipName      = "zip-member-name"        // a name zipfile cuts at NUL, or given twice
	TrickJSONEncoding = "json-encoding"          // JSON in UTF-16/32 or with a BOM
	TrickUnknownField = "protobuf-unknown-field" // a field the schema does not name, skipped
	TrickTextProto    = "protobuf-text-format"   // saved_model.pbtxt read instead of .pb
	TrickTemplateEnd  = "template-inner-end"     // "}}" closing brackets inside a Jinja tag
)

// Trick is a place where a file departs from what its library writes in a
// way the loader accepts and a simpler reader misreads, and which the
// engine read as the loader does. Detail says what and where, e.g.
// "ModelProto field 1 (ir_version) after field 7 at offset 40".
type Trick struct {
	Kind   string
	Detail string
	Offset int64
	Key    string
}

// trickSeverity weighs each kind. Layouts that real tools write (a model
// folder, a user block, a committed datatype, filters, LZMA members, an
// LFS pointer edited by hand) are low; layouts no writer of the format
// produces are medium. None is more: the layout alone runs nothing, and
// what it hid is judged on its own (a benign file stays at medium or
// below).
var trickSeverity = map[string]finding.Severity{
	TrickFieldOrder:   finding.Medium,
	TrickSplitMessage: finding.Medium,
	TrickKerasNoMeta:  finding.Medium,
	TrickKerasFolder:  finding.Low,
	TrickH5UserBlock:  finding.Low,
	TrickH5Committed:  finding.Low,
	TrickGzipHeader:   finding.Medium,
	TrickLFSSpace:     finding.Low,
	TrickLFSOldURL:    finding.Low,
	TrickXZFilters:    finding.Low,
	TrickZipMethod:    finding.Low,
	TrickFileLink:     finding.Medium,
	TrickBudgetFlood:  finding.Medium,
	TrickZipName:      finding.Medium,
	TrickJSONEncoding: finding.Medium,
	TrickUnknownField: finding.Low,
	TrickTextProto:    finding.Low,
	TrickTemplateEnd:  finding.Low,
}

// Trick turns a trick fact into a finding (MG142); a kind this package
// does not list weighs medium.
func (j *Judge) Trick(t Trick) finding.Finding {
	sev, ok := trickSeverity[t.Kind]
	if !ok {
		sev = finding.Medium
	}
	return finding.Finding{Rule: finding.RuleLoaderTrick, Severity: sev, Offset: t.Offset, Key: finding.Plain(t.Key),
		Evidence: t.Kind, Message: "a layout that a simpler reader misreads: " + t.Detail}
}

// TrickClause is what is added to a high or critical finding of a file
// whose content was reached past tricks: their kinds, so that the finding
// itself says how it was hidden.
func TrickClause(kinds []string) string {
	if len(kinds) == 0 {
		return ""
	}
	s := " (found past "
	for i, k := range kinds {
		if i > 0 {
			s += ", "
		}
		s += k
	}
	return s + ")"
}
