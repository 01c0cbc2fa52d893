# SPDX-License-Identifier: MIT
# samples/: regenerate every CDA output into the build tree, fail when one
# drifts from the committed file, validate them all (ANS extended schema;
# entries also HL7 CDA.xsd), and run samples/invalid/ (exact messages and
# status, no output file). To accept a change: tools/regen-samples.sh <cdaimg>.
if(CDAIMG_BUILD_CLI)
  add_test(NAME samples
           COMMAND sh ${PROJECT_SOURCE_DIR}/tools/regen-samples.sh --check $<TARGET_FILE:cdaimg_cmd>
                   ${CMAKE_CURRENT_BINARY_DIR}/samples-check)
  set_tests_properties(samples PROPERTIES ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS "cli;samples;script")
endif()
