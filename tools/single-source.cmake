# SPDX-License-Identifier: MIT
# Each fact about the templates is written once in the library (docs/conventions.md): this
# script fails when one of these appears in more than one source file of src/ (comments aside):
#  - an OID under the roots of the templates and code systems the library writes or reads
#    (1.2.250.1.213. CI-SIS, 1.2.250.1.71. RPPS/FINESS, 1.2.840.10008. DICOM, 2.16.840.1.113883. HL7);
#  - a fixed code as a string: a DCM code ("113015"), a LOINC code ("64100-1");
#  - the name of a field of cdaimg_document_header as a string ("patient_given").
# Left out: the Schematron engine (src/sch_*.c, src/sch*.h, whose rule files are vendored data)
# and the command (src/cli/: it uses the public API only, and its help quotes ids for the user).
#
#   cmake -DSOURCE_DIR=<the source tree> -P tools/single-source.cmake
if(NOT SOURCE_DIR)
  get_filename_component(SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
endif()

file(GLOB files "${SOURCE_DIR}/src/*.c" "${SOURCE_DIR}/src/*.h")
list(FILTER files EXCLUDE REGEX "/src/sch[^/]*$")

# the header's fields, from the public struct
file(READ "${SOURCE_DIR}/include/cdaimg/document.h" header)
string(REGEX MATCH "typedef struct cdaimg_document_header {[^}]*}" header "${header}")
string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " header "${header}")
string(REPLACE ";" "@" header "${header}") # a CMake list holds no ';'
string(REGEX MATCHALL "[a-z_]+@" fields "${header}")
list(TRANSFORM fields REPLACE "@$" "")
# "title" is also the name of a CDA element the mapping writes
list(REMOVE_ITEM fields title)

set(patterns
  "(1\\.2\\.250\\.1\\.213|1\\.2\\.250\\.1\\.71|1\\.2\\.840\\.10008|2\\.16\\.840\\.1\\.113883)(\\.[0-9]+)+"
  "\"1[12][0-9][0-9][0-9][0-9]\""
  "\"[0-9][0-9][0-9][0-9][0-9]?-[0-9]\"")
foreach(f ${fields})
  list(APPEND patterns "\"${f}\"")
endforeach()

set(failed 0)
foreach(file ${files})
  file(READ "${file}" text)
  # comments out: /* ... */ (a C comment cannot hold "*/") and // to the end of the line
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " text "${text}")
  string(REGEX REPLACE "//[^\n]*" "" text "${text}")
  get_filename_component(name "${file}" NAME)
  set(seen "")
  foreach(p ${patterns})
    string(REGEX MATCHALL "${p}" found "${text}")
    list(APPEND seen ${found})
  endforeach()
  list(REMOVE_DUPLICATES seen)
  foreach(fact ${seen})
    string(MAKE_C_IDENTIFIER "fact_${fact}" key)
    if(DEFINED ${key})
      message(SEND_ERROR "${fact} is written in ${${key}} and in ${name}")
      set(failed 1)
    else()
      set(${key} "${name}")
    endif()
  endforeach()
endforeach()
list(LENGTH files n)
if(failed)
  message(FATAL_ERROR "a fact about the templates is written in more than one file of src/")
endif()
message(STATUS "single source: ${n} files of src/, each fact in one of them")
