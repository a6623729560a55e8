#!/usr/bin/env bash
# Builds credwatch release binaries into dist/: static (CGO_ENABLED=0),
# -trimpath, the version (`git describe`), commit and build date stamped in,
# for the machines the bureaus run: linux/amd64, linux/arm64 (Kunpeng, Phytium), linux/loong64
# (Loongson) and windows/amd64. Prints each binary's size and SHA-256, and
# writes dist/SHA256SUMS for checking a copy on the target machine
# (`sha256sum -c SHA256SUMS`).
#
# Usage: .ci/build.sh [GOOS/GOARCH ...]     (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(git describe --always --dirty 2>/dev/null || echo unknown)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
# The build date; SOURCE_DATE_EPOCH (reproducible builds) fixes it.
built=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%dT%H:%M:%SZ)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(linux/amd64 linux/arm64 linux/loong64 windows/amd64)
fi

mkdir -p dist
start=$(date +%s)
for t in "${targets[@]}"; do
  os=${t%/*} arch=${t#*/}
  out=dist/credwatch-$version-$os-$arch
  [ "$os" = windows ] && out=$out.exe
  echo "== $t -> $out"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
    -ldflags "-s -w -X main.version=$version -X main.commit=$commit -X main.buildDate=$built" -o "$out" ./cmd/credwatch
done

cd dist
files=()
for t in "${targets[@]}"; do
  os=${t%/*} arch=${t#*/}
  f=credwatch-$version-$os-$arch
  [ "$os" = windows ] && f=$f.exe
  files+=("$f")
done
sha256sum "${files[@]}" > SHA256SUMS
echo
printf '%-48s %10s  %s\n' file bytes sha256
for f in "${files[@]}"; do
  printf '%-48s %10s  %s\n' "$f" "$(wc -c < "$f")" "$(sha256sum "$f" | cut -d' ' -f1)"
done
echo "built ${#files[@]} binaries of credwatch $version in $(( $(date +%s) - start ))s; checksums in dist/SHA256SUMS"
