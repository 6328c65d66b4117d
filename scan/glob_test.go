package scan

import "testing"

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		name, glob, rel string
		want            bool
	}{
		{"base_name_any_depth", "*.pkl", "models/a/b.pkl", true},
		{"base_name_top", "*.pkl", "b.pkl", true},
		{"base_name_other_ext", "*.pkl", "models/b.pt", false},
		{"folder_name_any_depth", "vendor", "a/vendor/x.pkl", true},
		{"slash_from_root", "a/*.pkl", "models/a/b.pkl", false},
		{"slash_from_root_match", "models/a/*.pkl", "models/a/b.pkl", true},
		{"folder_path_covers_below", "models/a", "models/a/b/c.pkl", true},
		{"leading_slash_anchors", "/b.pkl", "models/b.pkl", false},
		{"leading_slash_top", "/b.pkl", "b.pkl", true},
		{"dir_only_matches_folder", "a/", "models/a/b.pkl", true},
		{"dir_only_not_file", "b.pkl/", "models/b.pkl", false},
		{"doublestar", "**/a/*.pkl", "models/a/b.pkl", true},
		{"doublestar_suffix", "models/**", "models/a/b.pkl", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := globMatch(tt.glob, tt.rel); got != tt.want {
				t.Errorf("globMatch(%q, %q) = %v, want %v", tt.glob, tt.rel, got, tt.want)
			}
		})
	}
}
