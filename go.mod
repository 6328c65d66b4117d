module github.com/modelgate/modelgate

go 1.26

require github.com/nlpodyssey/gopickle v0.2.0
