package scan

// Limits bounds the work spent on one file. Hitting one is reported as an
// inconclusive finding, never a crash. The zero value is not useful: start
// from DefaultLimits.
type Limits struct {
	// MaxDepth is how deep containers may nest (a pickle in a zip in a 7z
	// is depth 2).
	MaxDepth int
	// MaxMembers is how many members of one archive are looked at.
	MaxMembers int
	// MaxMemberSize is the largest decompressed member that is scanned.
	MaxMemberSize int64
	// MaxRatio is the largest decompressed-to-compressed ratio accepted
	// for a member before it is treated as a bomb (checked as it inflates).
	MaxRatio int64
	// MaxDecompressed is the total of decompressed bytes read per file.
	MaxDecompressed int64
}

// DefaultLimits returns the documented defaults: nesting 4, 100 000
// members, 4 GiB per member, ratio 1000, 16 GiB decompressed per file.
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:        4,
		MaxMembers:      100_000,
		MaxMemberSize:   4 << 30,
		MaxRatio:        1000,
		MaxDecompressed: 16 << 30,
	}
}
