// Inflating a raw deflate stream so that all but its first bytes go straight to their
// destination: a zip member's npy header skipped, the array into the caller's buffer, with no
// second copy of the array. libdeflate writes only one contiguous output, so the stream is
// restarted where the skipped bytes end: right there if a symbol starts there (a few synthesized
// bits in front reopen the block it lies in), else at the first block boundary past them, the
// blocks before it inflated as a stream of their own and the rest behind a stored block that
// holds the window its back-references may reach (up to 32 KiB already decoded: the caller's own
// bytes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace chainerser::core {

// Writable bytes that inflate_split needs in front of its input for the restarted stream's head.
constexpr size_t kSplitHeadroom = 5 + 32768 + 3;

// inflate_split writes no byte of `in` at or past this offset (its cuts lie before it): the rest
// of a mapped stream may be handed back to the file while it runs (file_view.h).
constexpr size_t kSplitWritesBelow = size_t(32) << 20;

// Inflates in[0, in_size), which must decode to exactly `total` bytes, writing bytes [skip, total)
// to out[0, total - skip) and the CRC-32 of all `total` bytes to `crc`. The kSplitHeadroom bytes
// before `in` are scratch; `in` itself is modified during the call and restored before it returns.
// False, with `out` in an unspecified state, if the stream is corrupt, does not decode to `total`
// bytes, has no block boundary past `skip` within its first 16 MiB of output, or refers back
// from after that boundary into the skipped bytes: callers then inflate it the ordinary way,
// which also names what is wrong.
bool inflate_split(unsigned char *in, size_t in_size, uint64_t total, uint64_t skip, unsigned char *out,
                   uint32_t &crc);

// inflate_split's first way by itself, with the same contract: the stream restarted exactly
// after `skip` bytes. It declines where a match runs across that place, or where a
// back-reference from past it reaches into the skipped bytes.
bool inflate_from_symbol_cut(unsigned char *in, size_t in_size, uint64_t total, uint64_t skip, unsigned char *out,
                             uint32_t &crc);

}  // namespace chainerser::core
