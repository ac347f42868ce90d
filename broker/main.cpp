#include "broker/server/server.hpp"

int main(int argc, char* argv[]) {
  return telemq::server::run(argc, argv);
}
