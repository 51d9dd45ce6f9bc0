#include "hdf5/hdf5_filters.h"

#include "core/error.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_lock.h"

namespace chainerser::core {
namespace {

// Names of registered third-party filters h5py users meet (HDF Group's filter registry).
const char *known_filter_name(H5Z_filter_t id) {
    switch (id) {
        case H5Z_FILTER_SZIP: return "szip";
        case 307: return "bzip2";
        case 32000: return "lzf";
        case 32001: return "blosc";
        case 32004: return "lz4";
        case 32008: return "bitshuffle";
        case 32015: return "zstd";
        default: return nullptr;
    }
}

bool decodable(H5Z_filter_t id) {
    if (H5Zfilter_avail(id) <= 0) return false;
    unsigned config = 0;
    if (H5Zget_filter_info(id, &config) < 0) return false;
    return (config & H5Z_FILTER_CONFIG_DECODE_ENABLED) != 0;
}

}  // namespace

void check_filters_decodable(hid_t dcpl, const std::string &at) {
    Hdf5Lock lock;
    const int n = H5Pget_nfilters(dcpl);
    if (n < 0) hdf5_fail(SER_EFORMAT, at + "cannot read the filter pipeline");
    for (int k = 0; k < n; ++k) {
        unsigned flags = 0, config = 0;
        size_t nvalues = 0;
        char stored_name[128] = "";
        H5Z_filter_t id = H5Pget_filter2(dcpl, unsigned(k), &flags, &nvalues, nullptr, sizeof stored_name, stored_name, &config);
        if (id < 0) hdf5_fail(SER_EFORMAT, at + "cannot read the filter pipeline");
        if (decodable(id)) continue;
        H5Eclear2(H5E_DEFAULT);
        const char *name = known_filter_name(id);
        std::string label = name ? name : stored_name[0] ? stored_name : "unknown";
        fail(SER_EUNSUPPORTED, at + "compression filter '" + label + "' (HDF5 filter id " + std::to_string(id) +
                                   ") is not available in this HDF5 library; rewrite the file with gzip");
    }
}

}  // namespace chainerser::core
