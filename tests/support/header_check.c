/* Compiled as strict C99 with -Werror: the public C headers must stay clean C. */
#include <chainerser/chainerser.h>
#include <chainerser/hdf5.h>
#include <chainerser/npz.h>

int header_check_c99(void) {
    ser_options opts = SER_OPTIONS_INIT;
    return opts.version == SER_OPTIONS_VERSION ? SER_OK : SER_EINTERNAL;
}
