# Every library comes from Debian's packages (scripts/install-deps.sh); nothing is vendored.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)

# Asio is used header-only with the separately compiled flavour switched off; keep its
# deprecated interfaces out so nothing starts to depend on them.
add_library(telemq_asio INTERFACE)
target_link_libraries(telemq_asio INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(telemq_asio INTERFACE BOOST_ASIO_NO_DEPRECATED
                                                 BOOST_ASIO_NO_TS_EXECUTORS)

if(TELEMQ_TESTS)
  find_package(GTest REQUIRED)
  find_package(benchmark REQUIRED)
  find_package(PahoMqttCpp REQUIRED)
endif()
