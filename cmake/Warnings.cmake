# Strict warnings for the project's own targets (docs/architecture.md, "Conventions").
function(audiocloud_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
    -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wformat=2)
  # GCC 12 reports -Wrestrict on ordinary std::string concatenation at -O2/-O3
  # (GCC bug 105329, a false positive); it finds nothing real in our code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(AUDIOCLOUD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# One library per layer: src/<layer>/*.cpp, headers included as "layer/x.h".
function(audiocloud_layer name)
  cmake_parse_arguments(L "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(audiocloud_${name} STATIC ${sources})
  target_include_directories(audiocloud_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(audiocloud_${name} PUBLIC ${L_DEPS})
  audiocloud_warnings(audiocloud_${name})
endfunction()
