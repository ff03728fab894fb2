#!/usr/bin/env bash
# Packages a handler's bootstrap executable as a Lambda zip for provided.al2023 / provided.al2:
#
#   scripts/package-function.sh BINARY NAME OUT.zip
#
# Like the official C++ runtime's packager, the zip carries every shared library the binary
# loads (the C library and its loader included), so it runs on Amazon Linux whatever this
# machine's library versions are: bin/NAME, lib/*, and a `bootstrap` script that starts
# bin/NAME through the bundled loader.
set -euo pipefail
binary=$1
name=$2
out=$3

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
cp "$binary" "$stage/bin/$name"
strip --strip-debug "$stage/bin/$name" 2>/dev/null || true

loader=""
while read -r lib; do
  [[ -z "$lib" ]] && continue
  cp -L "$lib" "$stage/lib/"
  case "$(basename "$lib")" in ld-linux*) loader=$(basename "$lib") ;; esac
done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
if [[ -z "$loader" ]]; then
  echo "package-function: no dynamic loader found in ldd's output for $binary" >&2
  exit 1
fi

cat > "$stage/bootstrap" <<SCRIPT
#!/bin/bash
set -euo pipefail
export AWS_EXECUTION_ENV=lambda-cpp
exec "\$LAMBDA_TASK_ROOT/lib/$loader" --library-path "\$LAMBDA_TASK_ROOT/lib" "\$LAMBDA_TASK_ROOT/bin/$name" \${_HANDLER}
SCRIPT
chmod 755 "$stage/bootstrap" "$stage/bin/$name"

mkdir -p "$(dirname "$out")"
rm -f "$out"
(cd "$stage" && cmake -E tar cf "$out.tmp" --format=zip bootstrap bin lib)
mv "$out.tmp" "$out"
echo "package-function: $out ($(du -h "$out" | cut -f1))"
