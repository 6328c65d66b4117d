package onnx

import "strings"

// StandardDomain reports whether an operator domain is one that ONNX
// runtimes implement themselves: the ONNX domains ("" and "ai.onnx" are
// the same), and ONNX Runtime's built-in contrib domains com.microsoft
// and com.microsoft.* (shipped inside onnxruntime, not a separate native
// library).
func StandardDomain(d string) bool {
	switch d {
	case "", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "com.microsoft":
		return true
	}
	return strings.HasPrefix(d, "com.microsoft.")
}

// LeavesFolder reports whether an external data location would be read
// from outside the model's folder: absolute (POSIX or Windows, drive or
// UNC), or with a ".." segment anywhere (even one that comes back down:
// loaders differ in how they resolve it), with either kind of separator.
func LeavesFolder(loc string) bool {
	l := strings.ReplaceAll(loc, `\`, "/")
	if strings.HasPrefix(l, "/") || len(l) >= 2 && l[1] == ':' || strings.ContainsRune(l, 0) {
		return true
	}
	for _, seg := range strings.Split(l, "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}
