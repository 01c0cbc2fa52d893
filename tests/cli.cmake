# SPDX-License-Identifier: MIT
# The cdaimg command's tests: cli_test.c calls cdaimg_cli_run() in-process
# (the cdaimg_cli static library), so it is not one of the test_*.c programs.
if(CDAIMG_BUILD_CLI)
  add_executable(cli_test cli_test.c cli_run.c testutil.c)
  target_link_libraries(cli_test PRIVATE cdaimg_cli PkgConfig::CMOCKA PkgConfig::JANSSON)
  target_include_directories(cli_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  cdaimg_warnings(cli_test)
  add_test(NAME cli_test COMMAND cli_test)
  set_tests_properties(cli_test PROPERTIES ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS "unit;cli")

  # cdaimg build of an array read item by item (pipes, two passes, memory).
  add_executable(cli_stream_test cli_stream_test.c cli_run.c testutil.c)
  target_link_libraries(cli_stream_test PRIVATE cdaimg_cli PkgConfig::CMOCKA PkgConfig::JANSSON Threads::Threads)
  target_include_directories(cli_stream_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  cdaimg_warnings(cli_stream_test)
  add_test(NAME cli_stream_test COMMAND cli_stream_test)
  set_tests_properties(cli_stream_test PROPERTIES ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS "unit;cli")

  # cdaimg validate's rule options (--svrl, --rules, --rules-root, --rules-info), run as a user does.
  add_test(NAME validate_official
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/validate_official.sh $<TARGET_FILE:cdaimg_cmd> ${PROJECT_SOURCE_DIR})
  set_tests_properties(validate_official PROPERTIES ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS "cli;script")
endif()
