# SPDX-License-Identifier: MIT
# Hostile input, faults and concurrency (issue 7): extra settings for the
# unit tests test_hostile_xml, test_hostile_values, test_oom and test_threads.
set_tests_properties(test_hostile_xml test_hostile_values test_oom test_threads test_schema_nonet PROPERTIES
  LABELS "unit;hostile" TIMEOUT 600)
target_link_libraries(test_threads PRIVATE Threads::Threads)
# Work in proportion to the input (issue 22): an endless input that is read for
# ever fails by this timeout (the test takes 3 s, about 60 s under valgrind).
set_tests_properties(test_scale PROPERTIES LABELS "unit;hostile" TIMEOUT 300)

# The cdaimg command's output files under faults (full disk, size limit,
# killed process, read-only or missing folder, FIFO, symbolic link, /dev/full).
if(CDAIMG_BUILD_CLI)
  add_test(NAME test_atomic COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_atomic.sh
           $<TARGET_FILE:cdaimg_cmd> ${PROJECT_SOURCE_DIR})
  # 'long' keeps it out of `ctest -T memcheck`: valgrind would check /bin/sh
  # itself (dash leaks a few bytes), and the CLI's memory is checked by cli_test.
  set_tests_properties(test_atomic PROPERTIES ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS "cli;hostile;long" TIMEOUT 120)
endif()
