# SPDX-License-Identifier: MIT
# The examples are built with the command (CMakeLists.txt).
if(CDAIMG_BUILD_CLI)
  # The README's example program must build, produce a valid entry and exit 0.
  add_test(NAME example_build_series COMMAND build_series)
  set_tests_properties(example_build_series PROPERTIES
    ENVIRONMENT "CDAIMG_SCHEMA_DIR=${PROJECT_SOURCE_DIR}/schemas"
    PASS_REGULAR_EXPRESSION "valid: the ANS extended schema and the ANS rules"
    LABELS example)

  # The vendor's job: a study put into the ANS example report, which still passes the official check.
  add_test(NAME example_put_studies
           COMMAND put_studies ${PROJECT_SOURCE_DIR}/tests/data/IMG_CR_IMG_2024.01.xml
                   ${CMAKE_CURRENT_BINARY_DIR}/put_studies.xml)
  set_tests_properties(example_put_studies PROPERTIES
    ENVIRONMENT "CDAIMG_SCHEMA_DIR=${PROJECT_SOURCE_DIR}/schemas"
    PASS_REGULAR_EXPRESSION "the study is in the report, which passes the official check"
    LABELS example)
endif()
