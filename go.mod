module github.com/modelgate/modelgate

go 1.26

require (
	github.com/bmatcuk/doublestar/v4 v4.10.4
	google.golang.org/protobuf v1.36.11
)
