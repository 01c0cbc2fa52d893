# SPDX-License-Identifier: MIT
# The README's example program must build, produce a valid entry and exit 0.
if(TARGET build_series)
  add_test(NAME example_build_series COMMAND build_series)
  set_tests_properties(example_build_series PROPERTIES
    ENVIRONMENT "CDAIMG_SCHEMA_DIR=${PROJECT_SOURCE_DIR}/schemas"
    PASS_REGULAR_EXPRESSION "valid: the ANS extended schema and the ANS rules"
    LABELS example)
endif()
