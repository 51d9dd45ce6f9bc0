#include "hdf5/hdf5_error.h"

#include <algorithm>

#include "core/error.h"

namespace chainerser::core {
namespace {

std::string message_of(hid_t msg_id) {
    char text[256];
    H5E_type_t type;
    ssize_t n = H5Eget_msg(msg_id, &type, text, sizeof text);
    return n > 0 ? std::string(text, std::min<size_t>(size_t(n), sizeof text - 1)) : std::string();
}

herr_t append_frame(unsigned, const H5E_error2_t *e, void *data) {
    auto &out = *static_cast<std::string *>(data);
    if (!out.empty()) out += "; ";
    out += e->func_name ? e->func_name : "?";
    out += "(): ";
    out += e->desc ? e->desc : "";
    std::string minor = message_of(e->min_num);
    if (!minor.empty() && minor != (e->desc ? e->desc : "")) out += " [" + minor + "]";
    return 0;
}

}  // namespace

std::string hdf5_error_stack() {
    std::string out;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, append_frame, &out);
    H5Eclear2(H5E_DEFAULT);
    return out;
}

void hdf5_fail(int code, const std::string &context) { hdf5_fail(code, context, hdf5_error_stack()); }

void hdf5_fail(int code, const std::string &context, const std::string &stack) {
    fail(code, stack.empty() ? context : context + " (HDF5: " + stack + ")");
}

hid_t hdf5_checked(hid_t id, int code, const std::string &context) {
    if (id < 0) hdf5_fail(code, context);
    return id;
}

}  // namespace chainerser::core
