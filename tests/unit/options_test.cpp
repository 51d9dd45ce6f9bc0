// The options table against what users see of it: SER_OPTIONS_INIT, ser_options_init, the
// validation at open, and the C++ wrapper's defaults.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <string>

#include "chainerser/chainerser.hpp"
#include "core/error.h"
#include "core/options.h"

using chainerser::core::checked_options;
using chainerser::core::default_options;
using chainerser::core::option_table;
using chainerser::core::OptionSpec;

namespace {

int64_t field_value(const ser_options &o, const OptionSpec &s) {
    const auto *p = reinterpret_cast<const unsigned char *>(&o) + s.offset;
    if (s.size == 4) {
        if (s.is_signed) {
            int32_t v;
            std::memcpy(&v, p, 4);
            return v;
        }
        uint32_t v;
        std::memcpy(&v, p, 4);
        return int64_t(v);
    }
    uint64_t v;
    std::memcpy(&v, p, 8);
    return int64_t(v);
}

void set_field(ser_options &o, const OptionSpec &s, uint64_t bits) {
    auto *p = reinterpret_cast<unsigned char *>(&o) + s.offset;
    if (s.size == 4) {
        const uint32_t v = uint32_t(bits);
        std::memcpy(p, &v, 4);
    } else {
        std::memcpy(p, &bits, 8);
    }
}

std::string error_of(const ser_options &o) {
    try {
        checked_options(&o);
    } catch (const chainerser::core::Error &e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(OptionsTable, CoversEveryNumericFieldInStructOrderWithoutOverlap) {
    size_t end = sizeof(uint32_t);  // after `version`
    for (const OptionSpec &s : option_table()) {
        EXPECT_GE(s.offset, end) << s.name;
        EXPECT_TRUE(s.size == 4 || s.size == 8) << s.name;
        end = s.offset + s.size;
        EXPECT_GE(s.default_value, s.min) << s.name;
        if (s.default_value >= 0) EXPECT_LE(uint64_t(s.default_value), s.max) << s.name;
    }
    EXPECT_LE(end, sizeof(ser_options));
}

TEST(OptionsTable, StaticInitialiserHoldsTheTablesDefaults) {
    const ser_options init = SER_OPTIONS_INIT;
    EXPECT_EQ(init.version, uint32_t(SER_OPTIONS_VERSION));
    for (const OptionSpec &s : option_table()) EXPECT_EQ(field_value(init, s), s.default_value) << s.name;
    EXPECT_EQ(init.path, nullptr);
    EXPECT_EQ(init.ignore_names, nullptr);
    EXPECT_EQ(init.ignore_count, 0u);
    EXPECT_EQ(init.ignore_fn, nullptr);
    EXPECT_EQ(init.ignore_ctx, nullptr);
}

TEST(OptionsTable, OptionsInitFillsTheDefaultsOfTheRequestedVersionOnly) {
    for (uint32_t version : {1u, 2u}) {
        ser_options o;
        std::memset(&o, 0xAB, sizeof o);
        ASSERT_EQ(ser_options_init(&o, version), SER_OK);
        EXPECT_EQ(o.version, version);
        const size_t size = chainerser::core::options_size(version);
        for (const OptionSpec &s : option_table()) {
            if (s.offset + s.size <= size) {
                EXPECT_EQ(field_value(o, s), s.default_value) << s.name << " v" << version;
                EXPECT_LE(s.since_version, version) << s.name;
            } else {
                EXPECT_GT(s.since_version, version) << s.name;
                EXPECT_EQ(reinterpret_cast<unsigned char *>(&o)[s.offset], 0xAB) << s.name << " written past v" << version;
            }
        }
    }
    ser_options o;
    EXPECT_EQ(ser_options_init(&o, 3), SER_EINVAL);
    EXPECT_NE(std::string(ser_errmsg()).find("version 3"), std::string::npos) << ser_errmsg();
}

TEST(OptionsTable, EveryBoundIsAcceptedAndEveryValueOutsideRefusedNamingTheField) {
    for (const OptionSpec &s : option_table()) {
        ser_options o = default_options();
        set_field(o, s, uint64_t(s.min));
        EXPECT_EQ(error_of(o), "") << s.name << " at its minimum";
        set_field(o, s, s.max);
        EXPECT_EQ(error_of(o), "") << s.name << " at its maximum";

        const uint64_t field_max = s.size == 8 ? std::numeric_limits<uint64_t>::max()
                                   : s.is_signed ? uint64_t(std::numeric_limits<int32_t>::max())
                                                 : uint64_t(std::numeric_limits<uint32_t>::max());
        if (s.max < field_max) {
            set_field(o, s, s.max + 1);
            EXPECT_NE(error_of(o).find(std::string("ser_options.") + s.name), std::string::npos) << s.name << " above";
        }
        const int64_t field_min = s.is_signed ? std::numeric_limits<int32_t>::min() : 0;
        if (s.min > field_min) {
            set_field(o, s, uint64_t(s.min - 1));
            EXPECT_NE(error_of(o).find(std::string("ser_options.") + s.name), std::string::npos) << s.name << " below";
        }
    }
}

TEST(OptionsTable, OpenRefusesAnOutOfRangeFieldThroughTheCApi) {
    ser_options o = SER_OPTIONS_INIT;
    o.compression_level = 10;
    ser_handle *h = nullptr;
    EXPECT_EQ(ser_npz_open(&h, "never-written.npz", SER_WRITE, &o), SER_EINVAL);
    EXPECT_EQ(h, nullptr);
    EXPECT_NE(std::string(ser_errmsg()).find("compression_level is 10"), std::string::npos) << ser_errmsg();
}

TEST(OptionsTable, CppWrapperLoadsWithTheTablesStrictnessAndChainersCastRule) {
    const chainerser::LoadOptions wrapper;
    const ser_options c = default_options();
    EXPECT_EQ(wrapper.strict, c.strict != 0);
    // Chainer's load_npz copies with numpy.copyto (same_kind); the C default is the stricter no-cast.
    EXPECT_EQ(wrapper.cast, SER_CAST_SAME_KIND);
    EXPECT_EQ(c.cast, SER_CAST_NO);
}
