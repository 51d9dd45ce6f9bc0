// HDF5's deflate filter (H5Z_FILTER_DEFLATE, what h5py's compression="gzip" stores) encoding with
// libdeflate for as long as a DeflateFilterOverride lives.
//
// The serial writer deflates chunks itself and hands them over with H5Dwrite_chunk. Parallel
// HDF5 1.10 cannot take precompressed chunks (H5Dwrite_chunk fails under the MPI-IO driver unless
// every rank writes every chunk), so the MPI writer lets a collective filtered H5Dwrite compress,
// with zlib unless the filter's encoder is replaced. Decoding is left to HDF5's own filter, and
// the encoder is zlib_compress: the chunks are the bytes the serial writer stores. It goes through
// HDF5 internals (hdf5_deflate_filter.cpp), as the public H5Zregister refuses predefined filters.
#pragma once

namespace chainerser::core {

// Call with the HDF5 lock held, and keep it held for the object's life: the filter table is
// process-wide. If the override cannot be registered HDF5's own encoder stays in use.
class DeflateFilterOverride {
public:
    DeflateFilterOverride() noexcept;
    ~DeflateFilterOverride();  // restores HDF5's own deflate filter
    DeflateFilterOverride(const DeflateFilterOverride &) = delete;
    DeflateFilterOverride &operator=(const DeflateFilterOverride &) = delete;

    bool active() const noexcept { return active_; }

private:
    bool active_ = false;
};

}  // namespace chainerser::core
