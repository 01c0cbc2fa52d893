# SPDX-License-Identifier: MIT
# Install the build into a temporary, then moved, prefix and use it from a
# consumer project (find_package and pkg-config), with header, symbol and
# SONAME checks; then build the sources again as a static library, install,
# move and use that too (tests/consumer/check-install.sh).
add_test(NAME install_consumer
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/consumer/check-install.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
set_tests_properties(install_consumer PROPERTIES LABELS install RUN_SERIAL TRUE)
