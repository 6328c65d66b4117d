package cli

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// dockerfile is the parsed Dockerfile: its instructions in order.
func dockerfile(t *testing.T) [][2]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		out = append(out, [2]string{strings.ToUpper(instr), strings.TrimSpace(rest)})
	}
	return out
}

func TestDockerfileShape(t *testing.T) {
	var froms, entrypoints []string
	var buildLine string
	args := map[string]string{}
	for _, in := range dockerfile(t) {
		switch in[0] {
		case "FROM":
			froms = append(froms, in[1])
		case "ENTRYPOINT":
			entrypoints = append(entrypoints, in[1])
		case "USER", "WORKDIR":
			t.Errorf("%s %s: the runner sets the user and the working directory", in[0], in[1])
		case "ARG":
			k, v, _ := strings.Cut(in[1], "=")
			args[k] = v
		case "RUN":
			if strings.Contains(in[1], "go build") {
				buildLine = in[1]
			}
		}
	}
	if len(froms) != 2 || !strings.HasSuffix(froms[0], " AS build") {
		t.Errorf("want a builder stage and a final stage, got FROM %q", froms)
	}
	if !strings.HasPrefix(args["GO_IMAGE"], "golang:1.26") || !strings.Contains(args["BASE_IMAGE"], "distroless/static") {
		t.Errorf("base image arguments %v", args)
	}
	if len(entrypoints) != 1 {
		t.Fatalf("ENTRYPOINT %q", entrypoints)
	}
	var ep []string
	if err := json.Unmarshal([]byte(entrypoints[0]), &ep); err != nil || len(ep) != 1 || !filepath.IsAbs(ep[0]) {
		t.Errorf("ENTRYPOINT %s: want exec form with an absolute path", entrypoints[0])
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-o " + ep[0]} {
		if !strings.Contains(buildLine, want) {
			t.Errorf("build line %q lacks %q", buildLine, want)
		}
	}
}

// buildAsDockerfile builds the binary with the Dockerfile's own build line,
// with the source folder and output path moved to the test's.
func buildAsDockerfile(t *testing.T) string {
	t.Helper()
	var line string
	for _, in := range dockerfile(t) {
		if in[0] == "RUN" && strings.Contains(in[1], "go build") {
			line = in[1]
		}
	}
	fields := buildWords(t, line)
	var env []string
	for len(fields) > 0 && strings.Contains(fields[0], "=") {
		env = append(env, fields[0])
		fields = fields[1:]
	}
	if len(fields) < 2 || fields[0] != "go" || fields[1] != "build" {
		t.Fatalf("build line %q does not run go build", line)
	}
	bin := filepath.Join(t.TempDir(), "modelgate")
	context := buildContext(t)
	args := fields[1:]
	for i := 0; i < len(args)-1; i++ {
		switch args[i] {
		case "-C":
			args[i+1] = context
		case "-o":
			args[i+1] = bin
		}
	}
	cmd := exec.Command(goTool(t), args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

// buildWords splits the Dockerfile's build line into words as sh would:
// ${VERSION} is the ARG's default and double quotes group; anything else a
// shell would act on is refused, so the test runs what the image builds.
func buildWords(t *testing.T, line string) []string {
	t.Helper()
	line = strings.ReplaceAll(line, "${VERSION}", "devel")
	if strings.ContainsAny(line, "'\\$&;|`") {
		t.Fatalf("build line %q must be plain words, double quotes and ${VERSION}", line)
	}
	var words []string
	var w strings.Builder
	quoted, started := false, false
	for _, c := range line {
		switch {
		case c == '"':
			quoted, started = !quoted, true
		case c == ' ' && !quoted:
			if started {
				words = append(words, w.String())
			}
			w.Reset()
			started = false
		default:
			w.WriteRune(c)
			started = true
		}
	}
	if started {
		words = append(words, w.String())
	}
	return words
}

// buildContext copies the repository into a temporary folder, leaving out
// what .dockerignore excludes, as docker build does with its context.
func buildContext(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	var patterns []string
	for _, l := range strings.Split(readFile(t, filepath.Join(root, ".dockerignore")), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	dst := t.TempDir()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		if dockerIgnored(filepath.ToSlash(rel), patterns) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// dockerIgnored applies .dockerignore patterns the way docker does: the
// last pattern that matches the path or one of its parent folders decides,
// and "!" re-includes.
func dockerIgnored(rel string, patterns []string) bool {
	ignored := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(strings.TrimPrefix(p, "!"), "/")
		for q := rel; q != "." && q != ""; q = path.Dir(q) {
			if ok, _ := doublestar.Match(p, q); ok {
				ignored = !neg
				break
			}
		}
	}
	return ignored
}
