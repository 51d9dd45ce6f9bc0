#include "core/byte_buffer.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace chainerser::core {
namespace {

const size_t kPage = size_t(::sysconf(_SC_PAGESIZE));

// True if every page of [p, p + n) is mapped into the process (mincore fails with ENOMEM otherwise).
bool mapped(const unsigned char *p, size_t n) {
    std::vector<unsigned char> residency((n + kPage - 1) / kPage);
    return ::mincore(const_cast<unsigned char *>(p), n, residency.data()) == 0;
}

void fill_pattern(ByteBuffer &b) {
    for (size_t i = 0; i < b.size(); ++i) b.data()[i] = static_cast<unsigned char>(i * 7 + 3);
}

void expect_pattern(const ByteBuffer &b) {
    for (size_t i = 0; i < b.size(); ++i) ASSERT_EQ(b.data()[i], static_cast<unsigned char>(i * 7 + 3)) << i;
}

TEST(ByteBuffer, EmptyHasNoStorage) {
    ByteBuffer b;
    EXPECT_EQ(b.size(), 0u);
    EXPECT_EQ(b.data(), nullptr);
    ByteBuffer zero(0);
    EXPECT_EQ(zero.data(), nullptr);
}

TEST(ByteBuffer, SmallAndLargeBuffersHoldWhatIsWritten) {
    for (size_t size : {size_t(1), size_t(4095), ByteBuffer::kMapThreshold - 1, ByteBuffer::kMapThreshold,
                        ByteBuffer::kMapThreshold * 5 + 123}) {
        ByteBuffer b(size);
        ASSERT_EQ(b.size(), size);
        fill_pattern(b);
        expect_pattern(b);
    }
}

TEST(ByteBuffer, ShrinkKeepsThePrefixAndUnmapsTheTailOfALargeBuffer) {
    const size_t size = ByteBuffer::kMapThreshold * 4;
    ByteBuffer b(size);
    fill_pattern(b);
    unsigned char *start = b.data();
    ASSERT_TRUE(mapped(start, size));
    const size_t keep = kPage * 3 + 10;
    b.shrink(keep);
    EXPECT_EQ(b.size(), keep);
    EXPECT_EQ(b.data(), start);
    expect_pattern(b);
    EXPECT_TRUE(mapped(start, kPage * 4));
    EXPECT_FALSE(mapped(start + kPage * 4, kPage)) << "the tail past the kept pages is still mapped";
}

TEST(ByteBuffer, ShrinkOfASmallBufferKeepsThePrefix) {
    ByteBuffer b(1000);
    fill_pattern(b);
    b.shrink(10);
    EXPECT_EQ(b.size(), 10u);
    expect_pattern(b);
    b.shrink(20);  // growing is not shrinking: no change
    EXPECT_EQ(b.size(), 10u);
    b.shrink(0);
    EXPECT_EQ(b.size(), 0u);
    EXPECT_EQ(b.data(), nullptr);
}

TEST(ByteBuffer, MoveTransfersOwnership) {
    ByteBuffer a(ByteBuffer::kMapThreshold * 2);
    fill_pattern(a);
    const unsigned char *p = a.data();
    ByteBuffer b(std::move(a));
    EXPECT_EQ(a.data(), nullptr);
    EXPECT_EQ(a.size(), 0u);
    EXPECT_EQ(b.data(), p);
    expect_pattern(b);
    ByteBuffer c(100);
    c = std::move(b);
    EXPECT_EQ(c.data(), p);
    EXPECT_EQ(b.data(), nullptr);
    expect_pattern(c);
}

TEST(ByteBuffer, AnImpossibleSizeThrowsBadAlloc) {
    EXPECT_THROW(ByteBuffer(SIZE_MAX - 1), std::bad_alloc);
    EXPECT_THROW(ByteBuffer(SIZE_MAX / 2), std::bad_alloc);
}

}  // namespace
}  // namespace chainerser::core
