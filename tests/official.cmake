# SPDX-License-Identifier: MIT
# The official verdicts (tests/data/official/): mutated copies of the ANS example
# are described by tests/data/official/mutations.txt and built by mutate.c.
# cdaimg-mutate writes them into a folder for tests/data/official/record.sh
# (developers only; needs Java; never run by ctest). test_mutate.c (registered
# by tests/CMakeLists.txt) checks the tool, the manifest and the recorded data.
add_executable(cdaimg_mutate mutate_main.c mutate.c)
set_target_properties(cdaimg_mutate PROPERTIES OUTPUT_NAME cdaimg-mutate)
target_link_libraries(cdaimg_mutate PRIVATE LibXml2::LibXml2)
target_compile_definitions(cdaimg_mutate PRIVATE "MUTATE_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
cdaimg_warnings(cdaimg_mutate)

target_sources(test_mutate PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/mutate.c)
target_sources(test_official PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/mutate.c)
target_sources(test_render PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/mutate.c) # every official document rendered
target_sources(test_scale PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/mutate.c)  # every mutation extracted both ways

# The command itself: two entries into the build tree, and the hash of the base.
add_test(NAME mutate_cmd
         COMMAND sh -c "rm -rf mutate-cmd && mkdir mutate-cmd && \"$1\" mutate-cmd conclusion-section-removed ok-comment-added >mutate-cmd/out.tsv && test -s mutate-cmd/conclusion-section-removed.xml && test -s mutate-cmd/ok-comment-added.xml && test $(wc -l <mutate-cmd/out.tsv) -eq 2 && ! \"$1\" mutate-cmd no-such-entry 2>/dev/null"
                 sh $<TARGET_FILE:cdaimg_mutate>
         WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(mutate_cmd PROPERTIES LABELS "official;script")
