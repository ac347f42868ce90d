# Writes OUTPUT, a C++ source that defines telemq::persistence::schema_sql as the text of INPUT,
# so the schema ships inside the binary and cannot drift from it. Run as
#   cmake -DINPUT=schema.sql -DOUTPUT=schema_sql.cpp -P embed_sql.cmake
file(READ ${INPUT} text)
set(delimiter "telemq_sql")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )${delimiter}\"")
endif()
set(source "// Generated from ${INPUT} by embed_sql.cmake; edit the .sql file instead.
#include \"persistence/schema.hpp\"

namespace telemq::persistence {

const std::string_view schema_sql = R\"${delimiter}(${text})${delimiter}\";

}  // namespace telemq::persistence
")
# Rewrite only on change, so touching nothing rebuilds nothing.
file(WRITE ${OUTPUT}.tmp "${source}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUTPUT}.tmp)
