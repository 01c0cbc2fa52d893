# SPDX-License-Identifier: MIT
# Each fact about the templates (template ids, code systems, fixed codes, header fields) is written
# in one source file of src/ (tools/single-source.cmake says which facts, and what is left out).
add_test(NAME single_source
         COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -P ${PROJECT_SOURCE_DIR}/tools/single-source.cmake)
set_tests_properties(single_source PROPERTIES LABELS script)
