// Arbitrary bytes as an .npz: open, list, and read every entry through the C API.
// max_entry_bytes keeps the fuzzer exploring parsers rather than measuring allocations; the
// limits themselves are part of what is checked.
#include "fuzz/input_file.h"
#include "fuzz/read_everything.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzzsupport::InputFile file(data, size);
    fuzzsupport::require_nothing_broken(fuzzsupport::read_everything(file.path(), false, 1 << 20));
    return 0;
}
