//go:build !unix

package ghaction

// GiveToOwnerOf does nothing where files have no Unix owner.
func GiveToOwnerOf(path, dir string) error { return nil }
