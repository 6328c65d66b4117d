package formats

import (
	"path"

	"github.com/modelgate/modelgate/internal/parse/keras"
	"github.com/modelgate/modelgate/internal/parse/pyjson"
	"github.com/modelgate/modelgate/policy"
	"github.com/modelgate/modelgate/scan"
)

// kerasFolder recognises the config.json of an unzipped Keras model
// folder: keras.saving.load_model(folder) (Keras 3.4 and later, and what
// hf:// downloads load) reads config.json from the folder and deserialises
// it exactly as the config.json of a .keras archive. The file is matched by
// its name alone, on disk (a config.json inside an archive is only read by
// Keras as the archive's own, kerasZip), and analysed whatever its
// encoding (pyjson). A config.json that Python's json refuses, or that
// has no class_name at its top (a Hugging Face model's config), does not
// load as a Keras model: it is reported as no format, as before.
type kerasFolder struct{}

var _ scan.Format = kerasFolder{}

func (kerasFolder) Name() string { return "keras-folder" }

func (kerasFolder) Match(in *scan.Input) bool {
	return len(in.Chain) == 0 && path.Base(in.Name) == "config.json"
}

func (kerasFolder) Scan(s *scan.Session, in *scan.Input) error {
	b, err := readInput(s, in)
	if err != nil {
		return err
	}
	v, err := pyjson.Decode(b)
	if o, ok := v.(map[string]any); err != nil || !ok || o["class_name"] == nil {
		// Keras cannot load it: no model, reported as no format.
		s.SetFormat(in, "")
		return nil
	}
	s.Read(in)
	s.Trick(in, policy.Trick{Kind: policy.TrickKerasFolder, Offset: -1, Detail: "an unzipped Keras model folder: " +
		"keras.saving.load_model(folder) (Keras 3.4 and later, hf:// downloads) reads config.json from disk as it reads an archive's"})
	reportKeras(s, in, keras.Analyze(b, s.Limits().Keras, s.Policy().KerasSideEffects()), "")
	return nil
}
