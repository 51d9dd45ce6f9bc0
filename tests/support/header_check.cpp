// Compiled with -Wall -Wextra -Wpedantic -Werror: the public headers must stay warning-free C++.
#include <chainerser/chainerser.h>
#include <chainerser/chainerser.hpp>
#include <chainerser/hdf5.h>
#include <chainerser/npz.h>

int header_check_cpp() { return chainerser::dtype_of<float>() == SER_FLOAT32 ? SER_OK : SER_EINTERNAL; }
