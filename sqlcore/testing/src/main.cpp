// The main() of sqlcore::testing: a test program that defines none gets this one (it is its own
// object in the library, so a program with its own main() keeps it and calls run_all_tests()).
#include "sqlcore/testing/backend.hpp"

int main(int argc, char** argv) {
  return sqlcore::test::run_all_tests(argc, argv);
}
