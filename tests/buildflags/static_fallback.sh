#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Sanitizers given the usual way (CMAKE_C_FLAGS) cannot link a static
# program: the build must see that and link lacpctlc (and leave out the
# bench's static lacpctlc) instead of failing. Configures a scratch build
# of the source tree with those flags and builds what used to break.
set -euo pipefail
src=${1:?usage: static_fallback.sh SOURCE_DIR TMP_DIR}
tmp=${2:?usage: static_fallback.sh SOURCE_DIR TMP_DIR}
mkdir -p "$tmp"
dir=$(mktemp -d "$tmp/static-fallback.XXXXXX")
trap 'rm -rf "$dir"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Debug \
	-DCMAKE_C_FLAGS="-fsanitize=address,undefined" >"$dir/configure.log" 2>&1 ||
	{ cat "$dir/configure.log" >&2; fail "configure"; }
grep -q "cannot link statically" "$dir/configure.log" ||
	fail "the configure step did not notice that -fsanitize rules out -static"
targets=(lacpctlc lacpctlc-dynamic)
if cmake --build "$dir" --target help | grep -w lacpctlc-glibc-static >/dev/null; then
	targets+=(lacpctlc-glibc-static)
fi
cmake --build "$dir" -j2 --target "${targets[@]}" >"$dir/build.log" 2>&1 ||
	{ tail -20 "$dir/build.log" >&2; fail "building ${targets[*]} with -fsanitize"; }
out=$("$dir/bin/lacpctlc" --version) || fail "lacpctlc --version"
[[ $out == "lacpctlc "* ]] || fail "lacpctlc --version printed \"$out\""
# the flags were honoured: the sanitizer runtime is linked in
libs=$(ldd "$dir/bin/lacpctlc") || fail "ldd lacpctlc"
[[ $libs == *libasan* ]] || fail "lacpctlc is not built with ASan"
echo "ok: lacpctlc links dynamically, with the sanitizers, under -fsanitize=address,undefined"
