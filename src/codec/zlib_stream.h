// Streaming raw inflate through zlib, for what libdeflate's whole-buffer API cannot do: decoding
// just a prefix of a member, a member too large to hold whole, and stopping at block ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace chainerser::core {

class RawInflateStream {
public:
    RawInflateStream();  // throws std::bad_alloc
    ~RawInflateStream();
    RawInflateStream(const RawInflateStream &) = delete;
    RawInflateStream &operator=(const RawInflateStream &) = delete;

    enum class Status {
        OutputFull,  // out is full (or, with stop_at_blocks, a block has ended)
        NeedInput,   // the input is used up
        End,         // the final block has ended
        Corrupt,
    };

    // The next input; it must stay valid until it is used up (NeedInput).
    void feed(const void *data, size_t size);

    // Decodes into out[0, size), adding what it wrote to `written`.
    Status inflate(void *out, size_t size, size_t &written);

private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace chainerser::core
