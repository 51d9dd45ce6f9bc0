#include "core/serializer.h"

#include "core/error.h"
#include "core/keypath.h"

namespace chainerser::core {

std::unique_ptr<AbstractSerializer> AbstractSerializer::child(std::string_view name) {
    return make_child(child_path(path_, name));
}

void AbstractSerializer::save(std::string_view key, const ConstArrayView &value) {
    std::string full = value_key(path_, key);
    if (full.empty()) fail(SER_EINVAL, file_name() + ": empty key");
    if (value.meta.is_none()) {
        write_entry(full, value);
        return;
    }
    check_shape(value.meta.shape);
    uint64_t need = value.meta.nbytes();
    if (value.nbytes != need)
        fail(SER_EINVAL, where(file_name(), full) + "data has " + std::to_string(value.nbytes) + " bytes, dtype " +
                             descr_of(value.meta.type) + " and shape " + value.meta.shape_repr() + " need " +
                             std::to_string(need));
    if (need && !value.data) fail(SER_EINVAL, where(file_name(), full) + "data is NULL");
    write_entry(full, value);
}

void AbstractSerializer::save_none(std::string_view key) {
    ConstArrayView v;
    v.meta = none_meta();
    save(key, v);
}

}  // namespace chainerser::core
