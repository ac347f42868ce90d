#!/usr/bin/env bash
# Runs every *_fuzz binary in BIN_DIR under libFuzzer for SECONDS each, starting from a copy of
# its committed seed corpus (tests/fuzz/corpus/<name>/) so the repository is never modified.
# Crashes are written to BIN_DIR/../fuzz-artifacts/<name>/; the script fails if any target did.
#
#   tests/fuzz/run-libfuzzer.sh build/fuzz/bin 300
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BIN_DIR SECONDS" >&2
  exit 2
fi
bin_dir=$(cd "$1" && pwd)
seconds=$2
corpus_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/corpus
artifacts_root=$(dirname "$bin_dir")/fuzz-artifacts

shopt -s nullglob
targets=("$bin_dir"/*_fuzz)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "no *_fuzz binaries in $bin_dir" >&2
  exit 2
fi

failed=()
for target in "${targets[@]}"; do
  [[ -x $target ]] || continue
  name=$(basename "$target")
  work=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")
  if [[ -d $corpus_root/$name ]]; then
    cp -R "$corpus_root/$name/." "$work/"
  fi
  artifacts=$artifacts_root/$name
  mkdir -p "$artifacts"
  echo "== $name: ${seconds}s, corpus $(find "$work" -type f | wc -l) files"
  if "$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/" \
       "$work" 2>&1 | tee "$artifacts/last-run.log" | grep -E '^(#[0-9]+[[:space:]]+DONE|stat::|==[0-9]+==|SUMMARY)'; then
    :
  fi
  if grep -qE 'ERROR: (libFuzzer|AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error:|deadly signal' \
       "$artifacts/last-run.log"; then
    failed+=("$name")
    echo "!! $name found a failure; see $artifacts/"
  fi
  rm -rf "$work"
done

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzz failures: ${failed[*]}" >&2
  exit 1
fi
echo "all fuzz targets ran ${seconds}s without a failure"
