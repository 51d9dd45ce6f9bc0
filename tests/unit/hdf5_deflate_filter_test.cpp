// DeflateFilterOverride: while it lives, HDF5's own H5Dwrite compresses gzip chunks with
// libdeflate (the bytes zlib_compress gives, as the serial writer stores them); HDF5 still decodes
// them; once it ends HDF5's built-in filter (zlib's compress2) is back.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chainerser/chainerser.h>

#include <cmath>
#include <string>
#include <vector>

#include "codec/deflate.h"
#include "hdf5/hdf5_deflate_filter.h"
#include "hdf5/hdf5_id.h"
#include "hdf5/hdf5_lock.h"
#include "support/test_support.h"

namespace {

using namespace chainerser::core;

constexpr hsize_t kCount = 1 << 16;

std::vector<float> weights() {
    std::vector<float> v(kCount);
    for (hsize_t i = 0; i < kCount; ++i) v[i] = std::round(std::sin(double(i) * 0.01) * 1000.0) / 1000.0f;
    return v;
}

// The single chunk's stored bytes after H5Dwrite of `data` into a new gzip-`level` dataset.
std::vector<unsigned char> written_chunk(hid_t file, const std::string &name, const std::vector<float> &data,
                                         unsigned level) {
    H5Id space(H5Screate_simple(1, &kCount, nullptr), SER_EINTERNAL, name);
    H5Id dcpl(H5Pcreate(H5P_DATASET_CREATE), SER_EINTERNAL, name);
    EXPECT_GE(H5Pset_chunk(dcpl.get(), 1, &kCount), 0);
    EXPECT_GE(H5Pset_deflate(dcpl.get(), level), 0);
    H5Id dataset(H5Dcreate2(file, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                 SER_EINTERNAL, name);
    EXPECT_GE(H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), 0);
    EXPECT_GE(H5Dflush(dataset.get()), 0);
    const hsize_t origin = 0;
    hsize_t size = 0;
    EXPECT_GE(H5Dget_chunk_storage_size(dataset.get(), &origin, &size), 0);
    std::vector<unsigned char> chunk(static_cast<size_t>(size));
    uint32_t mask = 0;
    EXPECT_GE(H5Dread_chunk(dataset.get(), H5P_DEFAULT, &origin, &mask, chunk.data()), 0);
    EXPECT_EQ(mask, 0u) << name;
    std::vector<float> back(kCount);
    EXPECT_GE(H5Dread(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data()), 0);
    EXPECT_EQ(back, data) << name << " does not decode to what was written";
    return chunk;
}

std::vector<unsigned char> zlib_compress2(const std::vector<float> &data, int level) {
    uLongf size = compressBound(uLong(data.size() * sizeof(float)));
    std::vector<unsigned char> out(size);
    EXPECT_EQ(compress2(out.data(), &size, reinterpret_cast<const Bytef *>(data.data()), uLong(data.size() * sizeof(float)), level), Z_OK);
    out.resize(size);
    return out;
}

TEST(DeflateFilterOverride, EncodesWithLibdeflateWhileAliveAndRestoresHdf5sOwnFilter) {
    const std::string path = testsupport::scratch_dir() + "/override.h5";
    const std::vector<float> data = weights();
    Hdf5Lock lock;
    H5Id file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), SER_EIO, path);
    for (unsigned level : {1u, 4u, 9u}) {
        const std::string at = "level " + std::to_string(level);
        const ByteBuffer ours = zlib_compress(data.data(), data.size() * sizeof(float), int(level));
        const std::vector<unsigned char> libdeflate(ours.data(), ours.data() + ours.size());
        const std::vector<unsigned char> zlib = zlib_compress2(data, int(level));
        ASSERT_NE(libdeflate, zlib) << at << ": the two encoders must be told apart for this test to mean anything";
        {
            const DeflateFilterOverride override_filter;
            ASSERT_TRUE(override_filter.active());
            EXPECT_EQ(written_chunk(file.get(), "during" + std::to_string(level), data, level), libdeflate) << at;
        }
        EXPECT_EQ(written_chunk(file.get(), "after" + std::to_string(level), data, level), zlib) << at;
    }
}

}  // namespace
