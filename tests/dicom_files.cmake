# SPDX-License-Identifier: MIT
# libcdaimg-dicom (DICOM files in, DCMTK): dicom_files_test.c reads pydicom's test files where
# Debian's python3-pydicom puts them (PYDICOM_TEST_FILES to change), and fails when they are
# missing. It links the libraries as a user does (public API only; jansson for testutil.c).
if(TARGET cdaimg_dicom)
  add_executable(dicom_files_test dicom_files_test.c testutil.c)
  target_link_libraries(dicom_files_test PRIVATE cdaimg_dicom cdaimg PkgConfig::CMOCKA PkgConfig::JANSSON)
  target_include_directories(dicom_files_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  cdaimg_warnings(dicom_files_test)
  add_test(NAME dicom_files_test COMMAND dicom_files_test)
  set_tests_properties(dicom_files_test PROPERTIES ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS "unit;dicom")
endif()

# cdaimg build --from dicom-json|dicom, run in-process (as cli_test).
if(TARGET cdaimg_cli)
  add_executable(cli_dicom_test cli_dicom_test.c cli_run.c testutil.c)
  target_link_libraries(cli_dicom_test PRIVATE cdaimg_cli PkgConfig::CMOCKA PkgConfig::JANSSON)
  target_include_directories(cli_dicom_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  cdaimg_warnings(cli_dicom_test)
  add_test(NAME cli_dicom_test COMMAND cli_dicom_test)
  set_tests_properties(cli_dicom_test PROPERTIES ENVIRONMENT "${CDAIMG_TEST_ENV}" LABELS "unit;cli;dicom")
endif()
