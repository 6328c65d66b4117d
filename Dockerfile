# modelgate as a GitHub Action: a static Go binary in a distroless image.
#
# Base images are build arguments so that they can be pinned to digests
# (docker build --build-arg GO_IMAGE=golang:1.26-bookworm@sha256:...).
# The builder's Go must be at least go.mod's go version.
ARG GO_IMAGE=golang:1.26-bookworm
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:latest

FROM ${GO_IMAGE} AS build
# The version the binary reports (--version, SARIF, step summary); the
# release workflow passes the tag.
ARG VERSION=devel
COPY go.mod go.sum /src/
RUN go mod download -C /src
COPY . /src/
# The build line is also run by the test suite (internal/cli/e2e_test.go): keep it one
# line, with double quotes only around -ldflags.
RUN CGO_ENABLED=0 go build -C /src -trimpath -buildvcs=false -ldflags="-s -X github.com/modelgate/modelgate/internal/cli.buildVersion=${VERSION}" -o /modelgate .

# Static and minimal: no shell, no package manager. The Actions runner
# starts the container as root with the workspace as working directory, so
# there is no USER (files in GITHUB_OUTPUT and the workspace must be
# writable) and no WORKDIR (the runner sets it).
FROM ${BASE_IMAGE}
COPY --from=build /modelgate /modelgate
ENTRYPOINT ["/modelgate"]
