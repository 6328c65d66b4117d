package scan

import (
	"path"
	"strings"
)

// modelExtensions are names that say "model" for messages, LFS pointers
// and symlinks. Content decides the format; these are only hints.
var modelExtensions = map[string]bool{
	".pkl": true, ".pickle": true, ".pt": true, ".pth": true, ".ckpt": true, ".bin": true,
	".joblib": true, ".npy": true, ".npz": true, ".dill": true, ".safetensors": true,
	".h5": true, ".hdf5": true, ".keras": true, ".pb": true, ".onnx": true, ".gguf": true,
	".ggml": true, ".model": true, ".mar": true, ".tflite": true, ".msgpack": true, ".7z": true,
}

// pickleExtensions are names whose loaders unpickle: such a file whose
// content we cannot identify is reported rather than passed.
var pickleExtensions = map[string]bool{
	".pkl": true, ".pickle": true, ".pt": true, ".pth": true, ".ckpt": true,
	".joblib": true, ".npy": true, ".npz": true, ".dill": true,
}

// compressionExtensions are looked through: "clf.pkl.gz" is named like
// a pickle, as joblib.load reads it.
var compressionExtensions = map[string]bool{
	".gz": true, ".bz2": true, ".xz": true, ".lzma": true, ".z": true, ".zlib": true, ".lz4": true, ".zst": true,
}

// nameExt returns the extension of name, lower case, looking through one
// compression extension.
func nameExt(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if compressionExtensions[ext] {
		if inner := strings.ToLower(path.Ext(strings.TrimSuffix(name, name[len(name)-len(ext):]))); inner != "" {
			return inner
		}
	}
	return ext
}

// ModelName reports whether name says "model" (a hint for messages, LFS
// pointers and symlinks; content decides the format).
func ModelName(name string) bool {
	return modelExtensions[nameExt(name)]
}

// PickleName reports whether a loader that unpickles would open a file of
// this name: such a file whose content nothing identifies is reported.
func PickleName(name string) bool {
	return pickleExtensions[nameExt(name)]
}
