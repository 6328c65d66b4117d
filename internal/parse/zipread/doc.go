// Package zipread reads the structure of zip archives as leniently as the
// loaders that take models out of them: PyTorch's PyTorchStreamReader
// (miniz) and Python's zipfile. A scanner stricter than the loader would
// miss what the loader reads, so every quirk one of them accepts is
// accepted here too.
//
// Decisions:
//   - The end record is searched backward in the last 64 KiB + 22 bytes,
//     like zipfile. Candidates are tried from the end; the first whose
//     central directory can be found wins. The last kilobyte is read
//     first and the rest of the window only when it holds no such
//     candidate, so an archive without a long comment costs about 1 KiB
//     beyond its directory.
//   - Data prepended before the archive is found like zipfile's "concat":
//     the central directory is assumed to end where the end record (or the
//     zip64 end record) starts, and the difference with the recorded
//     offset shifts every header offset. When that does not point at a
//     central directory, the recorded offset is tried as is (miniz). When
//     both do, and differ, the archive has two readings: miniz's is
//     Archive.Miniz (torch.load reads that one), so both are scanned.
//   - The central directory is walked entry by entry until its signature
//     stops; the entry count of the end record is only compared. Walking
//     stops after Options.MaxMembers entries (Archive.More is then set).
//   - CRCs are never verified and flag bits never refuse a member: the
//     caller decides what an encryption flag means (Member.Encrypted).
//   - A member's data offset comes from its local header's own name and
//     extra lengths; its name, method and sizes come from the central
//     directory, which both loaders trust.
//   - Stored, deflated and bzip2 members can be decompressed; any other
//     method is ErrMethod. Decompression is never bounded here: the caller
//     wraps the reader with its own bounds.
//   - Nothing is read from a member's data unless asked (Raw, Open).
package zipread
