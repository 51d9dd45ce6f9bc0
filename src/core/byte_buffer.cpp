#include "core/byte_buffer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>

namespace chainerser::core {
namespace {

size_t page_size() {
    static const size_t size = size_t(::sysconf(_SC_PAGESIZE));
    return size;
}

size_t round_to_pages(size_t n) { return (n + page_size() - 1) / page_size() * page_size(); }

}  // namespace

ByteBuffer::ByteBuffer(size_t size) : size_(size) {
    if (size == 0) return;
    if (size >= kMapThreshold) {
        if (size > SIZE_MAX - page_size()) throw std::bad_alloc();
        const size_t length = round_to_pages(size);
        void *p = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        data_ = static_cast<unsigned char *>(p);
        mapped_ = length;
    } else {
        data_ = static_cast<unsigned char *>(std::malloc(size));
        if (!data_) throw std::bad_alloc();
    }
}

ByteBuffer::~ByteBuffer() { release(); }

ByteBuffer::ByteBuffer(ByteBuffer &&other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapped_(std::exchange(other.mapped_, 0)) {}

ByteBuffer &ByteBuffer::operator=(ByteBuffer &&other) noexcept {
    if (this != &other) {
        release();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        mapped_ = std::exchange(other.mapped_, 0);
    }
    return *this;
}

void ByteBuffer::shrink(size_t size) noexcept {
    if (size >= size_) return;
    if (size == 0) {
        release();
        return;
    }
    if (mapped_) {
        const size_t keep = round_to_pages(size);
        if (keep < mapped_ && ::munmap(data_ + keep, mapped_ - keep) == 0) mapped_ = keep;
    } else if (void *p = std::realloc(data_, size)) {  // glibc shrinks in place; a failure keeps data_
        data_ = static_cast<unsigned char *>(p);
    }
    size_ = size;
}

void ByteBuffer::release() noexcept {
    if (mapped_)
        ::munmap(data_, mapped_);
    else
        std::free(data_);
    data_ = nullptr;
    size_ = 0;
    mapped_ = 0;
}

}  // namespace chainerser::core
