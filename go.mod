module github.com/modelgate/modelgate

go 1.26

require (
	github.com/bmatcuk/doublestar/v4 v4.10.4
	go.yaml.in/yaml/v3 v3.0.6
	google.golang.org/protobuf v1.36.11
)

require github.com/nlpodyssey/gopickle v0.2.0
