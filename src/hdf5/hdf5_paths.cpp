#include "hdf5/hdf5_paths.h"

#include "core/error.h"
#include "hdf5/hdf5_error.h"
#include "hdf5/hdf5_lock.h"

namespace chainerser::core {

bool hdf5_path_exists(hid_t file, const std::string &path) {
    Hdf5Lock lock;
    std::string prefix;
    for (size_t pos = 0; pos <= path.size();) {
        size_t slash = path.find('/', pos);
        if (slash == std::string::npos) slash = path.size();
        if (slash > pos) {
            if (!prefix.empty()) prefix += '/';
            prefix.append(path, pos, slash - pos);
            if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) {
                H5Eclear2(H5E_DEFAULT);
                return false;
            }
        }
        pos = slash + 1;
    }
    return true;
}

H5Id hdf5_open_dataset_if_any(hid_t file, const std::string &path) {
    Hdf5Lock lock;
    // One lookup: H5Oopen fails, as hdf5_path_exists would say, when a component is missing; walking
    // the components first costs a lookup from the root for each, all under the HDF5 lock.
    hid_t id = H5Oopen(file, path.empty() ? "/" : path.c_str(), H5P_DEFAULT);
    if (id < 0) {
        H5Eclear2(H5E_DEFAULT);
        return H5Id();
    }
    H5Id object(id, SER_EINTERNAL, path);
    if (H5Iget_type(id) != H5I_DATASET) return H5Id();
    return object;
}

H5Id h5py_link_properties(const std::string &at) {
    Hdf5Lock lock;
    H5Id lcpl(H5Pcreate(H5P_LINK_CREATE), SER_EINTERNAL, at + "cannot create link properties");
    if (H5Pset_create_intermediate_group(lcpl.get(), 1) < 0 || H5Pset_char_encoding(lcpl.get(), H5T_CSET_UTF8) < 0)
        hdf5_fail(SER_EINTERNAL, at + "cannot set link properties");
    return lcpl;
}

}  // namespace chainerser::core
