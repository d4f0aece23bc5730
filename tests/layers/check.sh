#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The layers of src/ call only downwards (doc/layers.md): each file may
# include the headers of its own layer and of the layers below, never of
# one above. Fails naming the file and the header that breaks the rule.
set -u
src="${1:-$(dirname "$0")/../../src}"
core="state lacpdu sm clock wire rules ruleset measure"
os="io nl pcap"
fails=0
# layer_of NAME: core, os, tcl or prog for a source or header base name
layer_of() {
	case " $core " in *" $1 "*) echo core; return ;; esac
	case " $os " in *" $1 "*) echo os; return ;; esac
	case "$1" in tcl_*|notifier) echo tcl; return ;; esac
	echo prog
}
rank() { case "$1" in core) echo 0 ;; os) echo 1 ;; tcl) echo 2 ;; prog) echo 3 ;; esac; }
for f in "$src"/*.c "$src"/*.h; do
	base=$(basename "$f"); base=${base%.*}
	mine=$(layer_of "$base")
	while read -r inc; do
		[ -n "$inc" ] || continue
		h=${inc%.h}
		[ -e "$src/$inc" ] || continue # a system or third-party header
		theirs=$(layer_of "$h")
		if [ "$(rank "$theirs")" -gt "$(rank "$mine")" ]; then
			echo "FAILED: $base ($mine) includes $inc ($theirs)"
			fails=$((fails + 1))
		fi
	done < <(sed -n 's/^#include "\(.*\)"/\1/p' "$f")
	# the core does no I/O and reads no clock of its own
	if [ "$mine" = core ] && [ "$base" != clock ] &&
		grep -nE '\b(fopen|fwrite|printf|socket|sendto|recvfrom|clock_gettime)\(' "$f" >/dev/null; then
		echo "FAILED: $base is core but does I/O: $(grep -nE '\b(fopen|fwrite|printf|socket|sendto|recvfrom|clock_gettime)\(' "$f" | head -1)"
		fails=$((fails + 1))
	fi
done
if [ $fails -gt 0 ]; then
	echo "$fails layer violations"
	exit 1
fi
echo "ok: every include of src/ points down: core <- os <- tcl <- programs"
