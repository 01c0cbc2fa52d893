# Install the build into a temporary, then moved, prefix and use it from a
# consumer project (find_package and pkg-config), with header and symbol checks.
add_test(NAME install_consumer
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/consumer/check-install.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
set_tests_properties(install_consumer PROPERTIES LABELS install RUN_SERIAL TRUE)
