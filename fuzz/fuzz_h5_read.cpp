// Arbitrary bytes as an HDF5 checkpoint: open, list, and read every dataset (whole and as a
// hyperslab) through the C API. Crashes whose frames are all inside libhdf5 are upstream's; see
// docs/security.md and tools/hardening.sh for how they are told apart.
#include "fuzz/input_file.h"
#include "fuzz/read_everything.h"

#include <hdf5.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzzsupport::InputFile file(data, size);
    fuzzsupport::require_nothing_broken(fuzzsupport::read_everything(file.path(), true, 1 << 20));
    // Every file, group, dataset, type and space we opened is closed again, whatever failed.
    if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0)
        fuzzsupport::require_nothing_broken("HDF5 objects left open after ser_close");
    return 0;
}
