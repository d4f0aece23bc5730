# SPDX-License-Identifier: GPL-3.0-or-later
# Included from tests/CMakeLists.txt: every fuzz harness linked with
# regress_main.c instead of libFuzzer, replaying fuzz/corpus/NAME and the
# crash reproducers in fuzz/regress/NAME under ctest (label unit), so that
# what the fuzzers found stays tested with any compiler.
file(GLOB LACP_FUZZ_HARNESSES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/fuzz_*.c)
foreach(src IN LISTS LACP_FUZZ_HARNESSES)
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" short ${name})
  add_executable(regress_${short} ${src} ${CMAKE_SOURCE_DIR}/fuzz/regress_main.c)
  if(short STREQUAL "tcl")
    # The Tcl binding's parsers, in a real interpreter.
    target_sources(regress_${short} PRIVATE $<TARGET_OBJECTS:lacptcl>)
    target_include_directories(regress_${short} PRIVATE ${TCL_INCLUDE_DIR})
    target_link_libraries(regress_${short} PRIVATE lacpos lacpcore ${TCL_STUB_LIBRARY}
      ${TCL_LIBRARY})
  elseif(short STREQUAL "machines")
    target_link_libraries(regress_${short} PRIVATE lacpsim lacpcore)
  else()
    target_link_libraries(regress_${short} PRIVATE lacpcore)
  endif()
  target_include_directories(regress_${short} PRIVATE ${CMAKE_SOURCE_DIR}/fuzz)
  set_target_properties(regress_${short} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME fuzz.${short} COMMAND regress_${short}
    ${CMAKE_SOURCE_DIR}/fuzz/corpus/${short} ${CMAKE_SOURCE_DIR}/fuzz/regress/${short})
  set_tests_properties(fuzz.${short} PROPERTIES LABELS unit TIMEOUT 300)
endforeach()
