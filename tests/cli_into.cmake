# SPDX-License-Identifier: MIT
# `cdaimg build --into REPORT.xml`: cli_into_test.c calls cdaimg_cli_run() in-process.
if(CDAIMG_BUILD_CLI)
  add_executable(cli_into_test cli_into_test.c cli_run.c testutil.c)
  target_link_libraries(cli_into_test PRIVATE cdaimg_cli PkgConfig::CMOCKA)
  target_include_directories(cli_into_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  cdaimg_warnings(cli_into_test)
  add_test(NAME cli_into_test COMMAND cli_into_test)
  set_tests_properties(cli_into_test PROPERTIES ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS "unit;cli")
endif()
