// An owned, uninitialised byte buffer for large transient data: member copies awaiting
// compression and compressed output.
//
// Buffers of kMapThreshold bytes or more are private anonymous mappings, so that freeing one gives
// its memory back to the system at once, and pages never written (the unused tail of a
// compression bound) never become resident. malloc is not enough: glibc raises its own mmap
// threshold after large frees, its heap then keeps freed multi-megabyte member copies, and a
// compressed save peaked at twice its working set.
#pragma once

#include <cstddef>

namespace chainerser::core {

class ByteBuffer {
public:
    static constexpr size_t kMapThreshold = size_t(256) << 10;

    ByteBuffer() noexcept = default;
    explicit ByteBuffer(size_t size);  // throws std::bad_alloc
    ~ByteBuffer();
    ByteBuffer(ByteBuffer &&other) noexcept;
    ByteBuffer &operator=(ByteBuffer &&other) noexcept;
    ByteBuffer(const ByteBuffer &) = delete;
    ByteBuffer &operator=(const ByteBuffer &) = delete;

    unsigned char *data() noexcept { return data_; }
    const unsigned char *data() const noexcept { return data_; }
    size_t size() const noexcept { return size_; }

    // Keeps the first `size` bytes (at most size()) and returns the memory past them.
    void shrink(size_t size) noexcept;

private:
    void release() noexcept;
    unsigned char *data_ = nullptr;
    size_t size_ = 0;
    size_t mapped_ = 0;  // length of the mapping, or 0 if data_ came from malloc
};

}  // namespace chainerser::core
