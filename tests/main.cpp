// doctest's main for both test binaries (tests_f32 and tests_f64).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
