# SPDX-License-Identifier: MIT
# Round trip build -> extract (issue 5): test_roundtrip.c runs a 200-input
# corpus as a unit test; it needs the corpus generator, and the same program
# runs the 10,000-input corpus under the "long" label.
target_sources(test_roundtrip PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/corpus.c)
add_test(NAME test_roundtrip_long_10k COMMAND test_roundtrip 10000)
set_tests_properties(test_roundtrip_long_10k PROPERTIES
  ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS long TIMEOUT 600)
