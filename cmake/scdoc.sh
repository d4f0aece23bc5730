#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# scdoc.sh SCDOC SOURCE OUTPUT SECTION: one manual page from its scdoc
# source. scdoc only takes sections that start with a digit: a page written
# as NAME(n) goes through it as 3tcl, and its .TH line then says SECTION.
# A line that starts with "[" and an option ("[*-quick*]", a synopsis
# continued) would be read as a table and refused: its "[" is escaped
# (outside ``` blocks; a real table row starts with "[[", "[-", "[]" or "[ ").
set -e
scdoc=$1 src=$2 out=$3 section=$4
sed '1s/(n)/(3tcl)/' "$src" |
	awk '/^```/ { code = !code } !code && /^\[[^][ -]/ { $0 = "\\" $0 } { print }' |
	"$scdoc" | sed "/^\.TH/s/\"3tcl\"/\"$section\"/" >"$out.tmp"
mv "$out.tmp" "$out"
