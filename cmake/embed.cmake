# SPDX-License-Identifier: GPL-3.0-or-later
# Writes the Tcl scripts of tcl/ into a C file as one string array, so the
# extension carries its Tcl library inside itself. Called with -DOUT=file
# and -DSCRIPTS=list.
set(body "/* Generated from the scripts in tcl/; do not edit. */\n#include <stddef.h>\n")
string(APPEND body "const char *const lacp_tcl_scripts[] = {\n")
string(REPLACE "|" ";" SCRIPTS "${SCRIPTS}")
foreach(script IN LISTS SCRIPTS)
  file(READ "${script}" text HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" text "${text}")
  # Split into lines of escaped bytes so no compiler limit is hit.
  string(REGEX REPLACE "((\\\\x[0-9a-f][0-9a-f]){32})" "\\1\"\n\"" text "${text}")
  get_filename_component(name "${script}" NAME)
  string(APPEND body "/* ${name} */\n\"${text}\",\n")
endforeach()
string(APPEND body "NULL\n};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
