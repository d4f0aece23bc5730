# SPDX-License-Identifier: GPL-3.0-or-later
# Included from tests/CMakeLists.txt: every scenario script of examples/
# run against lacp's own ports on in-process wires in virtual time
# (-sim), without root, in about a second each: against the standard DUT
# it must PASS; against a DUT made to misbehave in the way the script
# judges (its negative control) it must FAIL on that very criterion.
# Test names: examples.SCRIPT (standard) and examples.SCRIPT.BEHAVIOUR,
# then the further options. REASON is - where the verdict is PASS.
function(lacp_example script behaviour verdict reason)
  if(behaviour STREQUAL "standard")
    set(name examples.${script})
  else()
    set(name examples.${script}.${behaviour})
  endif()
  if(ARGN)
    # more options make the name longer: -strict 1 -> .strict_1
    string(REPLACE ";" "_" suffix "${ARGN}")
    string(REGEX REPLACE "(^|_)-" "\\1" suffix "${suffix}")
    set(name ${name}.${suffix})
  endif()
  add_test(NAME ${name}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/examples/check.sh ${CMAKE_BINARY_DIR}/bin/lacpsh
      ${CMAKE_SOURCE_DIR}/examples/${script}.tcl ${verdict} "${reason}" -sim ${behaviour} ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 120
    ENVIRONMENT "TCLLIBPATH=${CMAKE_BINARY_DIR}/lib")
endfunction()

#             script          -sim            verdict  the criterion it fails on   more options
lacp_example(basic            standard        PASS -)
lacp_example(basic            split-key       FAIL "one DUT system and key on all links")
lacp_example(passive_dut      standard        PASS -)
lacp_example(passive_dut      active          FAIL "the DUT kept sending LACPDUs to a passive partner")
lacp_example(dut_timeout      standard        PASS -)
lacp_example(dut_timeout      late            FAIL "the DUT timed out in 6000 ms")
lacp_example(sync_flap        standard        PASS - -strict 1)
lacp_example(sync_flap        keep-cd         FAIL "flap 1: the DUT stopped collecting and distributing" -strict 1)
lacp_example(sync_flap        keep-cd         PASS -)
lacp_example(key_mismatch     standard        PASS -)
lacp_example(key_mismatch     all-up          FAIL "the DUT keeps the mismatched links out of one LAG")
lacp_example(key_mismatch     all-up          PASS - -separate-ok 1)
lacp_example(individual       standard        PASS -)
lacp_example(individual       aggregates      FAIL "the DUT records link1 as individual")
lacp_example(malformed        standard        PASS -)
lacp_example(malformed        lenient         FAIL "the DUT never took the bogus actor")
lacp_example(marker           standard        PASS -)
lacp_example(marker           mute            FAIL "every Marker PDU answered (0 of")
lacp_example(tx_rate          standard        PASS -)
lacp_example(tx_rate          unlimited       FAIL "link1: at most 3 LACPDUs in any second when provoked")
lacp_example(identity_change  standard        PASS -)
lacp_example(identity_change  stale           FAIL "link1: the DUT is in Sync with the new partner")
lacp_example(max_links        standard        PASS -)
lacp_example(max_links        ignore-standby  FAIL "link2: STANDBY; the DUT keeps it out of the LAG")
lacp_example(fallback         standard        PASS -)
lacp_example(fallback         collects        FAIL "link1: the DUT did not collect or distribute towards our fallback")
