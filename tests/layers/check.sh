#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The layers of src/ call only downwards (doc/layers.md): a file of
# src/LAYER/ may include the headers of its own layer and of the layers
# below (core <- os <- tcl <- prog), never of one above, and the core does
# no I/O of its own. Fails naming the file and what breaks the rule.
set -u
src="${1:-$(dirname "$0")/../../src}"
layers="core os tcl prog"
fails=0
# rank LAYER: its place, from the bottom
rank() {
	local i=0 l
	for l in $layers; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo 99
}
# layer_of HEADER: the layer whose folder holds it, or nothing
layer_of() {
	local l
	for l in $layers; do
		[ -e "$src/$l/$1" ] && { echo "$l"; return; }
	done
}
for mine in $layers; do
	for f in "$src/$mine"/*.[ch]; do
		[ -e "$f" ] || continue
		while read -r inc; do
			theirs=$(layer_of "$inc")
			[ -n "$theirs" ] || continue # a system or third-party header
			if [ "$(rank "$theirs")" -gt "$(rank "$mine")" ]; then
				echo "FAILED: $mine/$(basename "$f") includes $theirs/$inc"
				fails=$((fails + 1))
			fi
		done < <(sed -n 's/^#include "\(.*\)"/\1/p' "$f")
		# the core does no I/O and reads no clock (clock.c's real clock
		# aside, which only the hosts call)
		if [ "$mine" = core ] && [ "$(basename "$f")" != clock.c ]; then
			io=$(grep -nE '\b(fopen|fwrite|printf|socket|sendto|recvfrom|clock_gettime)\(' "$f" | head -1)
			if [ -n "$io" ]; then
				echo "FAILED: core/$(basename "$f") does I/O: $io"
				fails=$((fails + 1))
			fi
		fi
	done
done
for f in "$src"/*; do
	[ -d "$f" ] && case " $layers " in *" $(basename "$f") "*) continue ;; esac
	echo "FAILED: $f is in no layer (src/core, src/os, src/tcl or src/prog)"
	fails=$((fails + 1))
done
if [ $fails -gt 0 ]; then
	echo "$fails layer violations"
	exit 1
fi
echo "ok: every include of src/ points down: core <- os <- tcl <- prog"
