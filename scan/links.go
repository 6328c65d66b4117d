package scan

import (
	"fmt"
	"path"
	"strings"
)

// maxLinkHops bounds the links followed from one name inside an archive,
// as the kernel bounds symlink chains (40); a longer chain is taken to
// leave the folder (fail closed).
const maxLinkHops = 40

// archiveLink is a link member of an archive: where it points and how.
type archiveLink struct {
	target string
	// hard is set for a tar hard link, whose target tarfile takes from
	// the extraction folder; a symbolic link's is from the link's folder.
	hard bool
}

// linkCheck is a file a loader opens beside an archive member (ONNX
// external data), to be looked up among the archive's links once the
// whole file was read.
type linkCheck struct {
	container string // the archive's chain, joined with NUL
	dir       string // the member's folder inside the archive
	rel       string // the path the loader joins to dir
	found     func(dest string)
}

// chainKey joins a member chain unambiguously (names may hold "/").
func chainKey(chain []string) string { return strings.Join(chain, "\x00") }

// ArchiveLink records that the archive container holds a link member
// name pointing to target (hard for a tar hard link): extracted by
// tarfile or unzip, it becomes a link on disk that loaders follow.
func (s *Session) ArchiveLink(container *Input, name, target string, hard bool) {
	if s.links == nil {
		s.links = map[string]map[string]archiveLink{}
	}
	k := chainKey(container.Chain)
	if s.links[k] == nil {
		s.links[k] = map[string]archiveLink{}
	}
	s.links[k][path.Clean(name)] = archiveLink{target: target, hard: hard}
}

// LinkCheck asks whether rel, a path a loader opens relative to the
// folder of the archive member in (ONNX external data), reaches a link
// member of the same archive that leads out of that folder once the
// archive is extracted; found is called with where it leads when it does.
// The check runs when the whole file was read (Finish), so the archive's
// links may come before or after in.
func (s *Session) LinkCheck(in *Input, rel string, found func(dest string)) {
	if len(in.Chain) == 0 {
		return
	}
	last := in.Chain[len(in.Chain)-1]
	s.checks = append(s.checks, linkCheck{container: chainKey(in.Chain[:len(in.Chain)-1]), dir: path.Dir(path.Clean(last)), rel: rel, found: found})
}

// runLinkChecks resolves each LinkCheck through the links recorded.
func (s *Session) runLinkChecks() {
	for _, c := range s.checks {
		if dest, out := resolveArchiveLink(s.links[c.container], c.dir, c.rel); out {
			c.found(dest)
		}
	}
	s.checks = nil
}

// resolveArchiveLink follows links, component by component (a folder
// may be a link too), from dir/rel inside one archive, and reports where
// the path leads when a link takes it out of dir: to an absolute path,
// above the archive's root, or out of the folder.
func resolveArchiveLink(links map[string]archiveLink, dir, rel string) (string, bool) {
	todo := strings.Split(path.Clean(path.Join(dir, rel)), "/")
	cur, linked, hops := "", false, 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if cur == "" {
				return "..", true // above the archive's root
			}
			if cur = path.Dir(cur); cur == "." {
				cur = ""
			}
			continue
		}
		next := path.Join(cur, c)
		l, ok := links[next]
		if !ok {
			cur = next
			continue
		}
		linked = true
		if hops++; hops > maxLinkHops {
			return fmt.Sprintf("a chain of more than %d links from %s", maxLinkHops, path.Join(dir, rel)), true
		}
		if strings.HasPrefix(l.target, "/") || len(l.target) >= 2 && l.target[1] == ':' {
			return path.Join(append([]string{l.target}, todo...)...), true
		}
		if l.hard {
			cur = "" // tarfile takes a hard link's target from the extraction folder
		}
		todo = append(strings.Split(l.target, "/"), todo...)
	}
	if !linked {
		return "", false
	}
	return cur, outsideDir(dir, cur)
}

// outsideDir reports whether p, a clean path inside an archive, lies
// outside the folder dir.
func outsideDir(dir, p string) bool {
	if dir == "." {
		return false
	}
	return p != dir && !strings.HasPrefix(p, dir+"/")
}
