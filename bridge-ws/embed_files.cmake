# Writes OUTPUT, a C++ file defining telemq::bridge_ws::embedded_console_files() with the bytes of
# every file under INPUT_DIR. Run by the build (cmake -P) whenever one of those files changes.
file(GLOB_RECURSE files RELATIVE ${INPUT_DIR} ${INPUT_DIR}/*)
list(SORT files)
set(arrays "")
set(entries "")
set(index 0)
foreach(name ${files})
  file(READ ${INPUT_DIR}/${name} hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  # Keep lines short enough for compilers and editors.
  string(REGEX REPLACE "(('[^']*',){32})" "\\1\n" bytes "${bytes}")
  string(APPEND arrays "constexpr char file_${index}[] = {\n${bytes}'\\0'};\n")
  string(APPEND entries "    {\"${name}\", std::string_view(file_${index}, ${size})},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE ${OUTPUT}
"// Generated from bridge-ws/web/ by bridge-ws/embed_files.cmake. Do not edit.
#include \"bridge-ws/console_assets.hpp\"

namespace telemq::bridge_ws {

namespace {
${arrays}
constexpr embedded_file files[] = {
${entries}};
}  // namespace

std::span<const embedded_file> embedded_console_files() { return files; }

}  // namespace telemq::bridge_ws
")
