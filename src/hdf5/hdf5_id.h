// Owning wrapper for an HDF5 identifier (file, group, dataset, dataspace, datatype, property
// list): the reference is dropped, under the HDF5 lock, when the wrapper goes away.
#pragma once

#include <hdf5.h>

#include <string>
#include <utility>

namespace chainerser::core {

class H5Id {
public:
    H5Id() = default;
    // Takes ownership of `id`; throws hdf5_fail(code, context) when `id` is negative.
    H5Id(hid_t id, int code, const std::string &context);
    ~H5Id() { reset(); }
    H5Id(H5Id &&o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
    H5Id &operator=(H5Id &&o) noexcept {
        if (this != &o) reset(), id_ = std::exchange(o.id_, H5I_INVALID_HID);
        return *this;
    }
    H5Id(const H5Id &) = delete;
    H5Id &operator=(const H5Id &) = delete;

    hid_t get() const { return id_; }
    explicit operator bool() const { return id_ >= 0; }
    hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }
    void reset() noexcept;

private:
    hid_t id_ = H5I_INVALID_HID;
};

}  // namespace chainerser::core
