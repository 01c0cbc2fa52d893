# SPDX-License-Identifier: MIT
# CDAIMG_WITH_DCMTK: libcdaimg-dicom (DICOM Part 10 files in, src/dicomfile) on DCMTK's dcmdata,
# the reference DICOM toolkit, packaged by Debian (libdcmtk-dev). AUTO builds it when DCMTK is
# found, and wants it under CI (the environment variable CI set); ON wants it; OFF leaves it out.
set(CDAIMG_WITH_DCMTK AUTO CACHE STRING "Build libcdaimg-dicom on DCMTK: AUTO, ON or OFF")
set_property(CACHE CDAIMG_WITH_DCMTK PROPERTY STRINGS AUTO ON OFF)
if(NOT CDAIMG_WITH_DCMTK STREQUAL "OFF")
  find_package(DCMTK QUIET NO_MODULE)
  if(DCMTK_FOUND AND TARGET DCMTK::dcmdata)
    enable_language(CXX)
    add_subdirectory(src/dicomfile)
    message(STATUS "DCMTK ${DCMTK_VERSION} found: libcdaimg-dicom and cdaimg build --from dicom")
  elseif(CDAIMG_WITH_DCMTK STREQUAL "ON" OR DEFINED ENV{CI})
    message(FATAL_ERROR "CDAIMG_WITH_DCMTK: DCMTK not found (Debian: apt-get install libdcmtk-dev)")
  else()
    message(STATUS "DCMTK not found: libcdaimg-dicom and --from dicom left out")
  endif()
endif()
