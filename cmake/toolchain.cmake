# Compiler settings shared by every target: warnings are errors, ccache when present,
# sanitizers for the asan preset.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

add_compile_options(-Wall -Wextra -Werror -Wno-missing-field-initializers)

if(TELEMQ_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(TELEMQ_LIBFUZZER)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
