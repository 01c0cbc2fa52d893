# SPDX-License-Identifier: MIT
# The pages of cdaimg render and validate --report in headless Chromium (Debian's chromium, which
# tools/setup-debian.sh installs): no console message. A script test, left out of valgrind.
if(CDAIMG_BUILD_CLI)
  add_test(NAME render_chromium
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_chromium.sh $<TARGET_FILE:cdaimg_cmd> ${PROJECT_SOURCE_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/render-chromium)
  set_tests_properties(render_chromium PROPERTIES ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS "cli;script;chromium"
                       TIMEOUT 300)
endif()
