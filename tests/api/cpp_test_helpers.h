// Shared by the C++ wrapper's API tests.
#pragma once

#include <chainerser/chainerser.hpp>
#include <gtest/gtest.h>

#include <string>

namespace cpptest {

// f() must throw chainerser::Error with @p code and a message containing @p needle.
template <class F>
void expect_error(F &&f, int code, const std::string &needle) {
    try {
        f();
        ADD_FAILURE() << "no error; expected code " << code << " naming " << needle;
    } catch (const chainerser::Error &e) {
        EXPECT_EQ(e.code(), code) << e.what();
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

inline bool is_h5(const std::string &path) { return path.size() > 3 && path.compare(path.size() - 3, 3, ".h5") == 0; }

}  // namespace cpptest
