!> Fortran binding of libchainerser: read and write Chainer checkpoints (NumPy .npz and HDF5).
!>
!> Array layout. NumPy and Chainer describe an array by its shape in C order (row-major, last
!> index fastest); Fortran stores arrays column-major (first index fastest). This module keeps
!> the *indices* the same, not the memory: a Fortran array A with dims (n1, ..., nr) is the NumPy
!> array a of shape (n1, ..., nr) with A(i1, ..., ir) == a[i1-1, ..., ir-1]. So a Chainer Linear
!> weight W of NumPy shape (out, in) is the Fortran array W(out, in), and W(i, j) is the weight
!> from input j to output i, exactly as in NumPy.
!>   - put stores the Fortran memory as it is, as a Fortran-ordered npy (fortran_order: True,
!>     shape (n1, ..., nr)), which is what np.save(np.asfortranarray(a)) writes; HDF5, which only
!>     knows C order, gets the transposed copy from the library. No copy is made in Fortran.
!>   - get asks the library for the column-major layout (ser_get_array_ex with SER_ORDER_F):
!>     a Fortran-ordered npy member is copied or inflated straight into the array, anything
!>     else is transposed by the library in cache-sized blocks. No scratch copy, no transpose in
!>     Fortran. get with `offset` reads the block of shape(array) there (ser_get_array_slab_ex).
!> Rank 0 (scalars) and rank 1 are the same in both orders and need no transposition.
!> Scalars. put of a scalar writes a 0-d array of its type, as Chainer stores a Python or NumPy
!> scalar (1000_int64 is a Python int, 0.5_real64 a float, .true. a bool). get into a scalar
!> variable (integer, real or logical; no offset) follows Chainer's rules for Python scalars:
!> integers from any integer or bool entry, reals from any integer, bool or float entry, logicals
!> from bool entries, each 0-d or of one element; an integer too large for the variable's kind is
!> SER_EMISMATCH. Complex scalars read a 0-d entry of their own dtype.
!>
!> Errors. Every procedure takes optional `stat` and `errmsg`, as Fortran's own statements take
!> stat=/errmsg= (or iostat=/iomsg=): with `stat` present, a failure sets it to the library's
!> negative code (0 on success) and `errmsg`, a character variable of any length, receives the
!> library's message (unchanged on success); without `stat`, a failure stops the program with
!> the message (error stop). ser_last_error() returns the message of the last failed call (an
!> argument this module refuses itself, such as an offset of the wrong length, reports SER_EINVAL
!> through stat/errmsg only). ser_strerror(code) is the static text of a code.
!>
!> Element types: real32/real64, complex of both, int8/int16/int32/int64, logical(c_bool) (NumPy
!> bool, read and written in place) and default logical (converted through a logical(c_bool)
!> copy, as its storage is 4 bytes). Strings: put_string/get_string (a Python str), put_strings/
!> get_strings (`<U n` arrays, UTF-8 in Fortran), put_byte_strings/get_byte_strings (`|S n`) and
!> put_bytes/get_bytes (a Python bytes value). Open options: pass `options` (start from
!> ser_default_options(), the library's defaults), and `key_path` / `ignore_names` for the
!> reading prefix and skipped keys. Batched reads: a ser_batch collects arrays (`add`, which
!> keeps their addresses: pass whole TARGET arrays that live until the read; `add_strings` and
!> `add_byte_strings` for string arrays), read at once on the library's worker threads by
!> `get_batch`. get, get_strings and get_byte_strings with `offset` read a block. Also: `info` (the stored dtype, byte order, memory
!> order and shape), `copy_entry` / `copy_all` (to another writer, e.g. NPZ to HDF5),
!> ser_version_string() / ser_version_number(), and ser_h5_lock() / ser_h5_unlock() for programs
!> that call HDF5 themselves.
!>
!> Layering. Modules built on this one (chainerser_mpi, the MPI flavour's) and programs that
!> call the C API themselves use: ser_file_handle(f) (the C ser_handle*), ser_check(rc, stat,
!> errmsg) (a C status reported with the stat/errmsg conventions above), ser_open_through (an
!> open with this module's options handling through a C open function that takes one integer
!> more, ser_c_opener) and ser_get_batch_through (a ser_batch read through a C batch function that
!> takes one integer more, ser_c_batch_reader); SER_READ / SER_WRITE are the open modes.
!>
!> Ownership. A ser_file is a plain handle: copying the variable copies the handle, not the file.
!> Close each file exactly once: `close` commits a writer, `discard` abandons it (an open writer
!> that is never closed leaves no file). Children (`child`) share their root's file; close them
!> too (before or after the root, either works), but use them only while the root is open.
module chainerser
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: real32, real64, int8, int16, int32, int64
  implicit none
  private

  !> Status codes (ser_error).
  integer, parameter, public :: SER_OK = 0, SER_ENOTFOUND = -1, SER_EEXISTS = -2, SER_EINVAL = -3, &
                                SER_EMISMATCH = -4, SER_EBUFSIZE = -5, SER_EFORMAT = -6, SER_EIO = -7, &
                                SER_ENOMEM = -8, SER_EUNSUPPORTED = -9, SER_EINTERNAL = -10, SER_ELIMIT = -11
  !> Outcomes of a read (ser_outcome): only SER_LOADED changes the array.
  integer, parameter, public :: SER_LOADED = 0, SER_WAS_NONE = 1, SER_SKIP_MISSING = 2, SER_SKIP_IGNORED = 3
  !> Cast rules of ser_options%cast (ser_cast).
  integer(c_int32_t), parameter, public :: SER_CAST_NO = 0, SER_CAST_SAFE = 1, SER_CAST_SAME_KIND = 2
  !> Memory orders (ser_order), as in ser_array_info%fortran_order.
  integer(c_int32_t), parameter, public :: SER_ORDER_C = 0, SER_ORDER_F = 1
  !> Element types (ser_dtype), as in ser_array_info%dtype.
  integer(c_int32_t), parameter, public :: SER_BOOL = 1, SER_INT8 = 2, SER_INT16 = 3, SER_INT32 = 4, &
                                           SER_INT64 = 5, SER_UINT8 = 6, SER_UINT16 = 7, SER_UINT32 = 8, &
                                           SER_UINT64 = 9, SER_FLOAT16 = 10, SER_FLOAT32 = 11, SER_FLOAT64 = 12, &
                                           SER_COMPLEX64 = 13, SER_COMPLEX128 = 14, SER_UNICODE = 15, &
                                           SER_BYTES = 16, SER_NONE = 17
  !> The ser_options layout this module mirrors (SER_OPTIONS_VERSION).
  integer(c_int32_t), parameter, public :: SER_OPTIONS_VERSION = 2

  !> Open modes (ser_mode), for ser_open_through.
  integer(c_int32_t), parameter, public :: SER_READ = 1, SER_WRITE = 2
  integer(c_int32_t), parameter :: BYTEORDER_LITTLE = 1, BYTEORDER_BIG = 2
  integer, parameter :: MAX_NDIM = 32
  integer(c_int32_t), parameter :: DEFAULT_LOGICAL = -1  ! get_scalar's code for a default logical

  !> ser_array_info: what a file holds under a key (the uint64 fields are read as int64).
  type, bind(C), public :: ser_array_info
    integer(c_int32_t) :: dtype = 0, byteorder = 0, fortran_order = 0, ndim = 0
    integer(c_int64_t) :: shape(MAX_NDIM) = 0
    integer(c_int64_t) :: itemsize = 0, count = 0, nbytes = 0
  end type

  !> ser_options, field for field (unsigned fields as the signed integer of their width;
  !> tests/options/options_table_check.py compares it with the header). Start from
  !> ser_default_options(): a zero version is refused. path/ignore_names are simpler to give
  !> as the key_path/ignore_names arguments of the open calls; ignore_fn takes
  !> c_funloc of a ser_ignore_fn, called by the library during reads: a variable it changes
  !> through ignore_ctx must be VOLATILE where the program reads it (the compiler cannot see
  !> the call).
  type, bind(C), public :: ser_options
    integer(c_int32_t) :: version = 0
    integer(c_int32_t) :: compress = 0
    integer(c_int32_t) :: compression_level = 0
    integer(c_int32_t) :: threads = 0
    integer(c_int32_t) :: strict = 0
    integer(c_int32_t) :: cast = 0
    type(c_ptr) :: path = c_null_ptr
    type(c_ptr) :: ignore_names = c_null_ptr
    integer(c_size_t) :: ignore_count = 0
    type(c_funptr) :: ignore_fn = c_null_funptr
    type(c_ptr) :: ignore_ctx = c_null_ptr
    integer(c_int64_t) :: max_header_bytes = 0
    integer(c_int64_t) :: max_entry_bytes = 0
    integer(c_int32_t) :: align_data = 0
    integer(c_int64_t) :: max_members = 0
    integer(c_int32_t) :: max_inflate_ratio = 0
    integer(c_int64_t) :: max_total_bytes = 0
  end type

  abstract interface
    !> ser_options%ignore_fn: return non-zero to skip the full key (ser_c_string(key) reads it).
    function ser_ignore_fn(key, ctx) bind(C) result(skip)
      import :: c_ptr, c_int
      type(c_ptr), value :: key, ctx
      integer(c_int) :: skip
    end function
  end interface
  public :: ser_ignore_fn

  abstract interface
    !> A C open function taking one integer more than ser_npz_open, after the handle (e.g.
    !> ser_npz_open_mpi_f's Fortran communicator): what ser_open_through calls.
    function ser_c_opener(out, arg, path, mode, opts) bind(C) result(rc)
      import :: c_ptr, c_char, c_int, c_int32_t
      type(c_ptr), intent(out) :: out
      integer(c_int), value :: arg
      character(kind=c_char), intent(in) :: path(*)
      integer(c_int32_t), value :: mode
      type(c_ptr), value :: opts
      integer(c_int) :: rc
    end function
    !> A C batch read taking one integer more than ser_get_arrays_ex, after the handle (e.g.
    !> ser_get_arrays_bcast_ex's root); requests is the address of `count` ser_get_request.
    function ser_c_batch_reader(h, arg, requests, count, order) bind(C) result(rc)
      import :: c_ptr, c_int, c_size_t, c_int32_t
      type(c_ptr), value :: h, requests
      integer(c_int), value :: arg
      integer(c_size_t), value :: count
      integer(c_int32_t), value :: order
      integer(c_int) :: rc
    end function
  end interface
  public :: ser_c_opener, ser_c_batch_reader

  !> ser_get_request: one read of a batch.
  type, bind(C) :: get_request
    type(c_ptr) :: key = c_null_ptr
    integer(c_int32_t) :: dtype = 0, ndim = 0
    type(c_ptr) :: shape = c_null_ptr, buf = c_null_ptr
    integer(c_size_t) :: bufsize = 0
    integer(c_int32_t) :: status = 0, outcome = 0
  end type

  !> A read queued in a ser_batch: the key as a C string, the array's address and extents.
  type :: batch_entry
    character(kind=c_char), allocatable :: key(:)
    integer(c_int32_t) :: dtype = 0, ndim = 0
    integer(c_int64_t) :: shape(MAX_NDIM) = 0
    type(c_ptr) :: buf = c_null_ptr
    integer(c_size_t) :: bufsize = 0
    integer :: status = SER_OK, outcome = SER_SKIP_MISSING
    ! A string array (add_strings, add_byte_strings): its address, length and size; get_batch
    ! reads it into units, width code points or bytes an element, then decodes it.
    type(c_ptr) :: text = c_null_ptr
    integer :: text_len = 0, text_count = 0, width = -1
    integer(c_int32_t), allocatable :: units(:)
  end type

  !> Many reads done at once by ser_file%get_batch (ser_get_arrays_ex, on the library's workers).
  type, public :: ser_batch
    type(batch_entry), allocatable, private :: entries(:)
    integer, private :: n = 0
  contains
    procedure, private :: add_r32, add_r64, add_c64, add_c128, add_i8, add_i16, add_i32, add_i64, add_b
    !> call batch%add(key, array): queues a read of key into array (a whole TARGET array that
    !> lives until get_batch; default logical is not supported, use logical(c_bool)).
    generic :: add => add_r32, add_r64, add_c64, add_c128, add_i8, add_i16, add_i32, add_i64, add_b
    !> call batch%add_strings(key, a) / add_byte_strings(key, a): a `<U n` / `|S n` read into a
    !> character(*) TARGET array of the stored shape, decoded as get_strings does.
    procedure :: add_strings => batch_add_strings
    procedure :: add_byte_strings => batch_add_byte_strings
    procedure :: size => batch_size
    procedure :: status => batch_status
    procedure :: outcome => batch_outcome
    procedure :: clear => batch_clear
  end type

  !> An open checkpoint at a key prefix (the root, or a child from `child`).
  type, public :: ser_file
    type(c_ptr), private :: h = c_null_ptr
  contains
    procedure :: is_open => file_is_open
    procedure :: close => file_close
    procedure :: discard => file_discard
    procedure :: child => file_child
    procedure, private :: put_r32, put_r64, put_c64, put_c128, put_i8, put_i16, put_i32, put_i64, put_b, put_l
    procedure, private :: get_r32, get_r64, get_c64, get_c128, get_i8, get_i16, get_i32, get_i64, get_b, get_l
    !> call f%put(key, array [, stat, errmsg]): any type above, any rank (0-32).
    generic :: put => put_r32, put_r64, put_c64, put_c128, put_i8, put_i16, put_i32, put_i64, put_b, put_l
    !> call f%get(key, array [, outcome, stat, errmsg, offset]): the stored shape must equal
    !> shape(array); with offset (NumPy's 0-based first indices, one per axis) the block of
    !> shape(array) there is read instead. A scalar variable reads with Chainer's scalar rules
    !> (see the module header).
    generic :: get => get_r32, get_r64, get_c64, get_c128, get_i8, get_i16, get_i32, get_i64, get_b, get_l
    procedure :: get_batch => file_get_batch
    procedure :: view => file_view
    procedure :: put_none => file_put_none
    procedure :: put_string => file_put_string
    procedure :: get_string => file_get_string
    !> call f%put_strings(key, a [, stat, errmsg]): character(*) a of any rank as `<U n`;
    !> put_byte_strings as `|S n`; get_strings / get_byte_strings into a character(*) array of
    !> the stored shape (size its length from info: itemsize bytes per element always fit), or
    !> with offset (as get) its block of shape(a) there.
    procedure :: put_strings => file_put_strings
    procedure :: put_byte_strings => file_put_byte_strings
    procedure :: get_strings => file_get_strings
    procedure :: get_byte_strings => file_get_byte_strings
    procedure :: put_bytes => file_put_bytes
    procedure :: get_bytes => file_get_bytes
    procedure :: has => file_has
    procedure :: is_none => file_is_none
    procedure :: info => file_info
    procedure :: shape_of => file_shape_of
    procedure :: keys => file_keys
    procedure :: copy_entry => file_copy_entry
    procedure :: copy_all => file_copy_all
  end type

  public :: ser_default_options, ser_version_string, ser_version_number, ser_strerror, ser_c_string
  public :: ser_h5_lock, ser_h5_unlock, ser_half_to_real32, ser_real32_to_half
  public :: ser_open_npz, ser_create_npz, ser_open_h5, ser_create_h5, ser_last_error
  public :: ser_file_handle, ser_check, ser_open_through, ser_get_batch_through

  interface
    function c_npz_open(out, path, mode, opts) bind(C, name='ser_npz_open') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_int
      type(c_ptr), intent(out) :: out
      character(kind=c_char), intent(in) :: path(*)
      integer(c_int32_t), value :: mode
      type(c_ptr), value :: opts
      integer(c_int) :: rc
    end function
    function c_h5_open(out, path, mode, opts) bind(C, name='ser_h5_open') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_int
      type(c_ptr), intent(out) :: out
      character(kind=c_char), intent(in) :: path(*)
      integer(c_int32_t), value :: mode
      type(c_ptr), value :: opts
      integer(c_int) :: rc
    end function
    function c_child(out, h, name) bind(C, name='ser_child') result(rc)
      import :: c_ptr, c_char, c_int
      type(c_ptr), intent(out) :: out
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: name(*)
      integer(c_int) :: rc
    end function
    function c_close(h) bind(C, name='ser_close') result(rc)
      import :: c_ptr, c_int
      type(c_ptr), value :: h
      integer(c_int) :: rc
    end function
    subroutine c_discard(h) bind(C, name='ser_discard')
      import :: c_ptr
      type(c_ptr), value :: h
    end subroutine
    function c_errmsg() bind(C, name='ser_errmsg') result(p)
      import :: c_ptr
      type(c_ptr) :: p
    end function
    function c_strlen(s) bind(C, name='strlen') result(n)
      import :: c_ptr, c_size_t
      type(c_ptr), value :: s
      integer(c_size_t) :: n
    end function
    function c_put_array_ex(h, key, info, data, nbytes) bind(C, name='ser_put_array_ex') result(rc)
      import :: c_ptr, c_char, c_size_t, c_int, ser_array_info
      type(c_ptr), value :: h, data
      character(kind=c_char), intent(in) :: key(*)
      type(ser_array_info), intent(in) :: info
      integer(c_size_t), value :: nbytes
      integer(c_int) :: rc
    end function
    function c_put_none(h, key) bind(C, name='ser_put_none') result(rc)
      import :: c_ptr, c_char, c_int
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int) :: rc
    end function
    function c_put_string(h, key, utf8) bind(C, name='ser_put_string') result(rc)
      import :: c_ptr, c_char, c_int
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*), utf8(*)
      integer(c_int) :: rc
    end function
    function c_put_bytes(h, key, data, size) bind(C, name='ser_put_bytes') result(rc)
      import :: c_ptr, c_char, c_size_t, c_int
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*), data(*)
      integer(c_size_t), value :: size
      integer(c_int) :: rc
    end function
    function c_has(out, h, key) bind(C, name='ser_has') result(rc)
      import :: c_ptr, c_char, c_int
      integer(c_int), intent(out) :: out
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int) :: rc
    end function
    function c_get_info(out, h, key) bind(C, name='ser_get_info') result(rc)
      import :: c_ptr, c_char, c_int, ser_array_info
      type(ser_array_info), intent(out) :: out
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int) :: rc
    end function
    function c_key_count(out, h) bind(C, name='ser_key_count') result(rc)
      import :: c_ptr, c_size_t, c_int
      integer(c_size_t), intent(out) :: out
      type(c_ptr), value :: h
      integer(c_int) :: rc
    end function
    function c_key_at(out, h, index) bind(C, name='ser_key_at') result(rc)
      import :: c_ptr, c_size_t, c_int
      type(c_ptr), intent(out) :: out
      type(c_ptr), value :: h
      integer(c_size_t), value :: index
      integer(c_int) :: rc
    end function
    function c_get_array_ex(outcome, h, key, dtype, ndim, shape, order, buf, bufsize) &
        bind(C, name='ser_get_array_ex') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_int64_t, c_size_t, c_int
      integer(c_int32_t), intent(out) :: outcome
      type(c_ptr), value :: h, buf
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int32_t), value :: dtype, ndim, order
      integer(c_int64_t), intent(in) :: shape(*)
      integer(c_size_t), value :: bufsize
      integer(c_int) :: rc
    end function
    function c_get_array_slab_ex(outcome, h, key, dtype, ndim, offset, count, order, buf, bufsize) &
        bind(C, name='ser_get_array_slab_ex') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_int64_t, c_size_t, c_int
      integer(c_int32_t), intent(out) :: outcome
      type(c_ptr), value :: h, buf
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int32_t), value :: dtype, ndim, order
      integer(c_int64_t), intent(in) :: offset(*), count(*)
      integer(c_size_t), value :: bufsize
      integer(c_int) :: rc
    end function
    function c_get_int64(out, outcome, h, key) bind(C, name='ser_get_int64') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_int64_t, c_int
      integer(c_int64_t), intent(inout) :: out
      integer(c_int32_t), intent(out) :: outcome
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int) :: rc
    end function
    function c_get_float64(out, outcome, h, key) bind(C, name='ser_get_float64') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_double, c_int
      real(c_double), intent(inout) :: out
      integer(c_int32_t), intent(out) :: outcome
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int) :: rc
    end function
    function c_get_bool(out, outcome, h, key) bind(C, name='ser_get_bool') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_int
      integer(c_int), intent(inout) :: out
      integer(c_int32_t), intent(out) :: outcome
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int) :: rc
    end function
    function c_get_arrays_ex(h, requests, count, order) bind(C, name='ser_get_arrays_ex') result(rc)
      import :: c_ptr, c_size_t, c_int32_t, c_int, get_request
      type(c_ptr), value :: h
      type(get_request), intent(inout) :: requests(*)
      integer(c_size_t), value :: count
      integer(c_int32_t), value :: order
      integer(c_int) :: rc
    end function
    function c_options_init(opts, version) bind(C, name='ser_options_init') result(rc)
      import :: c_int32_t, c_int, ser_options
      type(ser_options), intent(inout) :: opts
      integer(c_int32_t), value :: version
      integer(c_int) :: rc
    end function
    function c_copy_entry(dst, src, key) bind(C, name='ser_copy_entry') result(rc)
      import :: c_ptr, c_char, c_int
      type(c_ptr), value :: dst, src
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int) :: rc
    end function
    function c_copy_all(dst, src) bind(C, name='ser_copy_all') result(rc)
      import :: c_ptr, c_int
      type(c_ptr), value :: dst, src
      integer(c_int) :: rc
    end function
    function c_version_string() bind(C, name='ser_version_string') result(p)
      import :: c_ptr
      type(c_ptr) :: p
    end function
    function c_version_number() bind(C, name='ser_version_number') result(n)
      import :: c_int
      integer(c_int) :: n
    end function
    function c_strerror(code) bind(C, name='ser_strerror') result(p)
      import :: c_ptr, c_int
      integer(c_int), value :: code
      type(c_ptr) :: p
    end function
    function c_h5_lock() bind(C, name='ser_h5_lock') result(rc)
      import :: c_int
      integer(c_int) :: rc
    end function
    function c_h5_unlock() bind(C, name='ser_h5_unlock') result(rc)
      import :: c_int
      integer(c_int) :: rc
    end function
    function c_npz_view(out, info, h, key) bind(C, name='ser_npz_view') result(rc)
      import :: c_ptr, c_char, c_int, ser_array_info
      type(c_ptr), intent(out) :: out
      type(ser_array_info), intent(out) :: info
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int) :: rc
    end function
    function c_get_string(size, outcome, h, key, buf, bufsize) bind(C, name='ser_get_string') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_size_t, c_int
      integer(c_size_t), intent(out) :: size
      integer(c_int32_t), intent(out) :: outcome
      type(c_ptr), value :: h, buf
      character(kind=c_char), intent(in) :: key(*)
      integer(c_size_t), value :: bufsize
      integer(c_int) :: rc
    end function
  end interface

contains

  ! ---- strings and errors ------------------------------------------------------------------

  !> A Fortran string as a NUL-terminated C string (kept as given: no trimming).
  pure function cstr(s) result(c)
    character(*), intent(in) :: s
    character(kind=c_char, len=len(s) + 1) :: c
    c = s // c_null_char
  end function

  !> Copies a NUL-terminated C string.
  function fstr(p) result(s)
    type(c_ptr), intent(in) :: p
    character(:), allocatable :: s
    character(kind=c_char), pointer :: chars(:)
    integer :: i, n
    n = int(c_strlen(p))
    allocate (character(n) :: s)
    call c_f_pointer(p, chars, [n])
    do i = 1, n
      s(i:i) = chars(i)
    end do
  end function

  !> This thread's message for the last failed call ("" after a success).
  function ser_last_error() result(msg)
    character(:), allocatable :: msg
    msg = fstr(c_errmsg())
  end function

  !> A NUL-terminated C string (e.g. the key an ignore_fn receives) as a Fortran string.
  function ser_c_string(p) result(s)
    type(c_ptr), intent(in) :: p
    character(:), allocatable :: s
    s = fstr(p)
  end function

  !> The library's static text for a status code ("not found", ...).
  function ser_strerror(code) result(text)
    integer, intent(in) :: code
    character(:), allocatable :: text
    text = fstr(c_strerror(int(code, c_int)))
  end function

  !> The library's version as "major.minor.patch".
  function ser_version_string() result(version)
    character(:), allocatable :: version
    version = fstr(c_version_string())
  end function

  !> The library's version as major * 10000 + minor * 100 + patch.
  integer function ser_version_number()
    ser_version_number = int(c_version_number())
  end function

  !> Fails with a status of this module's own (a bad argument seen before the library is called),
  !> through stat/errmsg or error stop as report does.
  subroutine report_local(rc, msg, stat, errmsg)
    integer(c_int), intent(in) :: rc
    character(*), intent(in) :: msg
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    if (present(errmsg)) errmsg = msg
    if (present(stat)) then
      stat = rc
    else
      error stop 'chainerser: ' // msg
    end if
  end subroutine

  !> Reports the status rc of a C API call as this module's procedures do (see the header).
  subroutine ser_check(rc, stat, errmsg)
    integer(c_int), intent(in) :: rc
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call report(rc, stat, errmsg)
  end subroutine

  !> Reports rc: through stat/errmsg when stat is present, else error stop on failure. The
  !> message is read at once, before any other library call can clear it.
  subroutine report(rc, stat, errmsg)
    integer(c_int), intent(in) :: rc
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    character(:), allocatable :: msg
    msg = ''
    if (rc /= SER_OK) msg = fstr(c_errmsg())
    if (present(errmsg) .and. rc /= SER_OK) errmsg = msg
    if (present(stat)) then
      stat = rc
    else if (rc /= SER_OK) then
      error stop 'chainerser: ' // msg
    end if
  end subroutine

  ! ---- opening and closing -----------------------------------------------------------------

  !> The library's defaults for every field (ser_options_init): change fields, then pass the
  !> result as the `options` of an open call.
  function ser_default_options() result(opts)
    type(ser_options) :: opts
    integer(c_int) :: rc
    rc = c_options_init(opts, SER_OPTIONS_VERSION)
    if (rc /= SER_OK) error stop 'chainerser: ser_options_init: ' // fstr(c_errmsg())
  end function

  !> NUL-terminated copies of names, one after the other, and their addresses.
  subroutine c_string_list(names, chars, ptrs)
    character(*), intent(in) :: names(:)
    character(kind=c_char), allocatable, target, intent(out) :: chars(:)
    type(c_ptr), allocatable, intent(out) :: ptrs(:)
    integer :: i, j, at
    allocate (chars(max(1, sum(len_trim(names) + 1))), ptrs(size(names)))
    at = 1
    do i = 1, size(names)
      do j = 1, len_trim(names(i))
        chars(at + j - 1) = names(i)(j:j)
      end do
      chars(at + len_trim(names(i))) = c_null_char
      ptrs(i) = c_loc(chars(at))
      at = at + len_trim(names(i)) + 1
    end do
  end subroutine

  !> Opens with `options` (default: the library's), the reading prefix key_path and the skipped
  !> full keys ignore_names (trailing blanks removed) put into them; through opener(arg) if given.
  subroutine open_file(f, path, mode, h5, stat, errmsg, options, key_path, ignore_names, opener, arg)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer(c_int32_t), intent(in) :: mode
    logical, intent(in) :: h5
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    character(*), intent(in), optional :: key_path, ignore_names(:)
    procedure(ser_c_opener), optional :: opener
    integer(c_int), intent(in), optional :: arg
    type(ser_options), target :: opts
    character(kind=c_char, len=:), allocatable, target :: prefix
    character(kind=c_char), allocatable, target :: name_chars(:)
    type(c_ptr), allocatable, target :: name_ptrs(:)
    integer(c_int) :: rc
    opts = ser_default_options()
    if (present(options)) opts = options
    if (present(key_path)) then
      prefix = cstr(key_path)
      opts%path = c_loc(prefix)
    end if
    if (present(ignore_names)) then
      call c_string_list(ignore_names, name_chars, name_ptrs)
      opts%ignore_names = c_null_ptr
      if (size(name_ptrs) > 0) opts%ignore_names = c_loc(name_ptrs)
      opts%ignore_count = size(name_ptrs, kind=c_size_t)
    end if
    if (present(opener)) then
      rc = opener(f%h, arg, cstr(path), mode, c_loc(opts))
    else if (h5) then
      rc = c_h5_open(f%h, cstr(path), mode, c_loc(opts))
    else
      rc = c_npz_open(f%h, cstr(path), mode, c_loc(opts))
    end if
    call report(rc, stat, errmsg)
  end subroutine

  !> Opens a .npz (Chainer's save_npz) for reading.
  subroutine ser_open_npz(f, path, stat, errmsg, options, key_path, ignore_names)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    character(*), intent(in), optional :: key_path, ignore_names(:)
    call open_file(f, path, SER_READ, .false., stat, errmsg, options, key_path, ignore_names)
  end subroutine

  !> Starts a .npz; it appears (replacing any old file atomically) at close.
  subroutine ser_create_npz(f, path, stat, errmsg, options)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    call open_file(f, path, SER_WRITE, .false., stat, errmsg, options)
  end subroutine

  !> Opens an HDF5 file (Chainer's save_hdf5) for reading.
  subroutine ser_open_h5(f, path, stat, errmsg, options, key_path, ignore_names)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    character(*), intent(in), optional :: key_path, ignore_names(:)
    call open_file(f, path, SER_READ, .true., stat, errmsg, options, key_path, ignore_names)
  end subroutine

  !> Starts an HDF5 file; it appears at close.
  subroutine ser_create_h5(f, path, stat, errmsg, options)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    call open_file(f, path, SER_WRITE, .true., stat, errmsg, options)
  end subroutine

  !> Opens path in mode (SER_READ or SER_WRITE) through the C function opener, passing it arg,
  !> with the options handling of ser_open_npz (ser_create_npz for writing: key_path and
  !> ignore_names are for reading). For modules layered on this one.
  subroutine ser_open_through(f, opener, arg, path, mode, stat, errmsg, options, key_path, ignore_names)
    type(ser_file), intent(out) :: f
    procedure(ser_c_opener) :: opener
    integer(c_int), intent(in) :: arg
    character(*), intent(in) :: path
    integer(c_int32_t), intent(in) :: mode
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    character(*), intent(in), optional :: key_path, ignore_names(:)
    call open_file(f, path, mode, .false., stat, errmsg, options, key_path, ignore_names, opener, arg)
  end subroutine

  !> The C handle (ser_handle*) of f, for C API calls of one's own; null when f is not open.
  pure function ser_file_handle(f) result(h)
    type(ser_file), intent(in) :: f
    type(c_ptr) :: h
    h = f%h
  end function

  !> Takes the process-wide HDF5 lock, for a program that calls HDF5 itself (ser_h5_lock).
  subroutine ser_h5_lock(stat, errmsg)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call report(c_h5_lock(), stat, errmsg)
  end subroutine

  !> Releases the HDF5 lock this thread took with ser_h5_lock.
  subroutine ser_h5_unlock(stat, errmsg)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call report(c_h5_unlock(), stat, errmsg)
  end subroutine

  logical function file_is_open(self)
    class(ser_file), intent(in) :: self
    file_is_open = c_associated(self%h)
  end function

  !> Releases the file; a root writer is committed first (stat reports the commit). The handle
  !> is released either way; closing a closed file does nothing.
  subroutine file_close(self, stat, errmsg)
    class(ser_file), intent(inout) :: self
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    integer(c_int) :: rc
    rc = SER_OK
    if (c_associated(self%h)) rc = c_close(self%h)
    self%h = c_null_ptr
    call report(rc, stat, errmsg)
  end subroutine

  !> Releases the file without committing: any old file at the path stays as it was.
  subroutine file_discard(self)
    class(ser_file), intent(inout) :: self
    if (c_associated(self%h)) call c_discard(self%h)
    self%h = c_null_ptr
  end subroutine

  !> The view at the sub-path name (Chainer's serializer[name]).
  subroutine file_child(self, name, child, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: name
    type(ser_file), intent(out) :: child
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call report(c_child(child%h, self%h, cstr(name)), stat, errmsg)
  end subroutine

  ! ---- writing -----------------------------------------------------------------------------

  !> Writes the Fortran array at p (dims shp, column-major) so that NumPy reads the same indices:
  !> a Fortran-ordered array of shape shp (see the module header).
  subroutine put_any(self, key, dtype, shp, itemsize, p, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    integer(int64), intent(in) :: shp(:), itemsize
    type(c_ptr), intent(in) :: p
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_array_info) :: info
    info%dtype = dtype
    info%byteorder = host_byteorder()
    info%fortran_order = merge(1, 0, size(shp) > 1)
    info%ndim = size(shp)
    info%shape(1:size(shp)) = shp
    info%itemsize = itemsize
    call report(c_put_array_ex(self%h, cstr(key), info, p, int(product(shp) * itemsize, c_size_t)), stat, errmsg)
  end subroutine

  subroutine put_r32(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    real(real32), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, SER_FLOAT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  subroutine put_r64(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    real(real64), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, SER_FLOAT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  subroutine put_c64(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    complex(real32), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, SER_COMPLEX64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  subroutine put_c128(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    complex(real64), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, SER_COMPLEX128, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  subroutine put_i8(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int8), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, SER_INT8, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  !> dtype: SER_INT16 (the default), SER_UINT16 or SER_FLOAT16 (a holds binary16 bits, see
  !> ser_real32_to_half).
  subroutine put_i16(self, key, a, stat, errmsg, dtype)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int16), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    integer(c_int32_t), intent(in), optional :: dtype
    call put_any(self, key, int16_dtype(dtype), shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  pure integer(c_int32_t) function int16_dtype(dtype)
    integer(c_int32_t), intent(in), optional :: dtype
    int16_dtype = SER_INT16
    if (present(dtype)) int16_dtype = dtype
  end function

  subroutine put_i32(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int32), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, SER_INT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  subroutine put_i64(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int64), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, SER_INT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  subroutine put_b(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    logical(c_bool), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, SER_BOOL, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  !> Default logical (4 bytes an element) goes through a logical(c_bool) copy.
  subroutine put_l(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    logical, intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    logical, pointer :: flat(:)
    logical(c_bool), allocatable, target :: bytes(:)
    call c_f_pointer(c_loc(a), flat, [size(a)])
    allocate (bytes(max(1, size(a))))
    bytes(1:size(a)) = logical(flat, c_bool)
    call put_any(self, key, SER_BOOL, shape(a, int64), 1_int64, c_loc(bytes), stat, errmsg)
  end subroutine

  !> Writes Chainer's None (an uninitialised parameter or a None persistent).
  subroutine file_put_none(self, key, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call report(c_put_none(self%h, cstr(key)), stat, errmsg)
  end subroutine

  !> Writes a Python str persistent (UTF-8; trailing blanks are kept: pass trim(s) if unwanted).
  subroutine file_put_string(self, key, value, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key, value
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call report(c_put_string(self%h, cstr(key), cstr(value)), stat, errmsg)
  end subroutine

  ! ---- reading -----------------------------------------------------------------------------

  !> Reads key (or, with offset, its block at offset of extents shp) into the Fortran array at p
  !> (dims shp), which the library fills column-major (see the module header).
  subroutine get_any(self, key, dtype, shp, itemsize, p, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    integer(int64), intent(in) :: shp(:), itemsize
    type(c_ptr), intent(in) :: p
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    integer(c_int32_t) :: oc
    integer(c_size_t) :: nbytes
    nbytes = int(product(shp) * itemsize, c_size_t)
    oc = SER_SKIP_MISSING
    if (.not. present(offset)) then
      call report(c_get_array_ex(oc, self%h, cstr(key), dtype, size(shp), shp, SER_ORDER_F, p, nbytes), stat, errmsg)
    else if (size(offset) /= size(shp)) then
      call report_local(SER_EINVAL, "key '" // key // "': offset has " // itoa(size(offset)) // &
                        " values, the array " // itoa(size(shp)) // " dimensions", stat, errmsg)
    else
      call report(c_get_array_slab_ex(oc, self%h, cstr(key), dtype, size(shp), offset, shp, SER_ORDER_F, p, nbytes), &
                  stat, errmsg)
    end if
    if (present(outcome)) outcome = oc
  end subroutine

  pure integer(c_int32_t) function host_byteorder()
    host_byteorder = merge(BYTEORDER_LITTLE, BYTEORDER_BIG, transfer(1_int32, 1_int8) == 1_int8)
  end function

  !> call f%view(key, dtype, p, shp [, stat, errmsg, transposed]): the stored data of an NPZ
  !> member, not copied, then call c_f_pointer(p, A, shp) with A a pointer array of the element
  !> type of dtype (integer(int16) for SER_FLOAT16) and rank size(shp). A(i1, ..., ir) ==
  !> a[i1-1, ..., ir-1] as for get, so only members whose stored bytes already are that Fortran
  !> array are viewed: dtype as stored, host byte order, and Fortran order (what put and
  !> np.asfortranarray write) or at most one extent above 1; others are SER_EMISMATCH (read them
  !> with get). The library refuses compressed members (SER_EUNSUPPORTED, so write with
  !> options%compress = 0 or np.savez), None (SER_EMISMATCH) and HDF5 files.
  !> transposed=.true. views a C-ordered member (np.save's default) as the Fortran array its
  !> memory is, the transpose: shp is the NumPy shape reversed and A(ir, ..., i1) ==
  !> a[i1-1, ..., ir-1] (a Linear weight W of NumPy shape (out, in) is viewed as A(in, out));
  !> Fortran-ordered members are then SER_EMISMATCH. Members with at most one extent above 1
  !> are viewable either way.
  !> Lifetime: p and A point into the library's read-only mapping of the file, valid until the
  !> root file and every child of it are closed; A must never be written to nor used after that.
  subroutine file_view(self, key, dtype, p, shp, stat, errmsg, transposed)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    type(c_ptr), intent(out) :: p
    integer(int64), allocatable, intent(out) :: shp(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    logical, intent(in), optional :: transposed
    type(ser_array_info) :: info
    integer(c_int) :: rc
    logical :: either, t
    t = .false.
    if (present(transposed)) t = transposed
    rc = c_npz_view(p, info, self%h, cstr(key))
    allocate (shp(0))
    ! With at most one extent above 1 (or no elements) the bytes are the same in both orders.
    either = count(info%shape(1:max(0, info%ndim)) > 1) <= 1 .or. any(info%shape(1:max(0, info%ndim)) == 0)
    if (rc /= SER_OK) then
      call report(rc, stat, errmsg)
    else if (info%dtype /= dtype) then
      call view_refused('its dtype is ' // itoa(int(info%dtype)) // ', not ' // itoa(int(dtype)), 'get')
    else if (info%byteorder /= 0 .and. info%byteorder /= host_byteorder()) then
      call view_refused('it is stored in the other byte order', 'get')
    else if (.not. either .and. .not. t .and. info%fortran_order /= SER_ORDER_F) then
      call view_refused('it is stored C-ordered, so its memory is not the Fortran array but its transpose', &
                        'view with transposed=.true., or read it with get')
    else if (.not. either .and. t .and. info%fortran_order == SER_ORDER_F) then
      call view_refused('it is stored Fortran-ordered, so its memory is the Fortran array, not its transpose', &
                        'view without transposed, or read it with get')
    else
      shp = info%shape(1:info%ndim)
      if (t) shp = shp(size(shp):1:-1)
      call report(rc, stat, errmsg)
    end if
  contains
    subroutine view_refused(why, instead)
      character(*), intent(in) :: why, instead
      p = c_null_ptr
      call report_local(SER_EMISMATCH, "key '" // key // "': cannot view: " // why // " (use " // instead // ")", &
                        stat, errmsg)
    end subroutine
  end subroutine

  !> IEEE binary16 bits (as SER_FLOAT16 arrays are read into integer(int16)) to real32, exactly
  !> (every half value is a float32); NaN payloads are kept as NumPy keeps them.
  elemental function ser_half_to_real32(h) result(x)
    integer(int16), intent(in) :: h
    real(real32) :: x
    integer(int32) :: b, sgn, e, m, bits
    b = iand(int(h, int32), 65535)
    sgn = ishft(iand(b, 32768), 16)
    e = iand(ishft(b, -10), 31)
    m = iand(b, 1023)
    if (e == 31) then
      bits = ior(sgn, ior(int(z'7F800000', int32), ishft(m, 13)))
    else if (e == 0) then
      bits = ior(sgn, transfer(real(m, real32) * 2.0_real32**(-24), 0_int32))
    else
      bits = ior(sgn, ior(ishft(e + 112, 23), ishft(m, 13)))
    end if
    x = transfer(bits, x)
  end function

  !> real32 to IEEE binary16 bits, rounded as NumPy's astype(np.float16): to nearest, ties to
  !> even; overflow gives Inf, underflow a subnormal or signed zero, NaN stays NaN.
  elemental function ser_real32_to_half(x) result(h)
    real(real32), intent(in) :: x
    integer(int16) :: h
    integer(int64) :: f, sgn, fexp, fsig, hbits
    f = iand(int(transfer(x, 0_int32), int64), int(z'FFFFFFFF', int64))
    sgn = ishft(iand(f, int(z'80000000', int64)), -16)
    fexp = iand(f, int(z'7F800000', int64))
    fsig = iand(f, int(z'007FFFFF', int64))
    if (fexp >= int(z'47800000', int64)) then
      hbits = int(z'7C00', int64)
      if (fexp == int(z'7F800000', int64) .and. fsig /= 0) hbits = hbits + max(1_int64, ishft(fsig, -13))
    else if (fexp <= int(z'38000000', int64)) then
      hbits = 0
      if (fexp >= int(z'33000000', int64)) then
        fexp = ishft(fexp, -23)
        fsig = ishft(fsig + int(z'00800000', int64), -(113 - fexp))
        ! Ties to even, looking also at the bits the shift above dropped.
        if (iand(fsig, 16383_int64) /= 4096_int64 .or. iand(f, 2047_int64) /= 0) fsig = fsig + 4096
        hbits = ishft(fsig, -13)
      end if
    else
      if (iand(fsig, 16383_int64) /= 4096_int64) fsig = fsig + 4096
      ! A carry out of the significand increments the exponent, up to Inf: the right result.
      hbits = ishft(fexp - int(z'38000000', int64), -13) + ishft(fsig, -13)
    end if
    hbits = sgn + hbits
    h = int(merge(hbits - 65536, hbits, hbits >= 32768), int16)
  end function

  pure function itoa(i) result(s)
    integer, intent(in) :: i
    character(:), allocatable :: s
    character(24) :: buf
    write (buf, '(i0)') i
    s = trim(buf)
  end function

  !> A scalar target (rank 0, no offset) reads with Chainer's rules for Python scalars, as
  !> serializer(key, value) does: an int (ser_get_int64) from any integer or bool entry, a float
  !> (ser_get_float64) from any integer, bool or float entry, a bool (ser_get_bool) from a bool
  !> entry; the entry is 0-d or has one element. An integer that does not fit the target's kind
  !> is SER_EMISMATCH, and the target is unchanged.
  logical function scalar_read(a, offset)
    type(*), intent(in) :: a(..)
    integer(int64), intent(in), optional :: offset(:)
    scalar_read = rank(a) == 0 .and. .not. present(offset)
  end function

  !> Reads the scalar at p, of element type dtype (DEFAULT_LOGICAL for a default logical), with
  !> Chainer's rule for its Python type (see scalar_read).
  subroutine get_scalar(self, key, dtype, p, outcome, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    type(c_ptr), intent(in) :: p
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(c_int32_t) :: oc
    integer(c_int) :: rc, b
    integer(c_int64_t) :: i, hi
    real(c_double) :: x
    integer(int8), pointer :: i8
    integer(int16), pointer :: i16
    integer(int32), pointer :: i32
    integer(int64), pointer :: i64
    real(real32), pointer :: r32
    real(real64), pointer :: r64
    logical(c_bool), pointer :: cb
    logical, pointer :: l
    oc = SER_SKIP_MISSING
    b = 0
    i = 0
    x = 0
    select case (dtype)
    case (SER_FLOAT32, SER_FLOAT64)
      rc = c_get_float64(x, oc, self%h, cstr(key))
    case (SER_BOOL, DEFAULT_LOGICAL)
      rc = c_get_bool(b, oc, self%h, cstr(key))
    case default
      rc = c_get_int64(i, oc, self%h, cstr(key))
    end select
    hi = huge(0_int64)
    if (dtype == SER_INT8) hi = huge(0_int8)
    if (dtype == SER_INT16) hi = huge(0_int16)
    if (dtype == SER_INT32) hi = huge(0_int32)
    if (rc == SER_OK .and. oc == SER_LOADED .and. (i > hi .or. i < -hi - 1)) then
      if (present(outcome)) outcome = SER_SKIP_MISSING
      call report_local(SER_EMISMATCH, "key '" // key // "': the value " // i64toa(i) // &
                        ' does not fit the integer (of at most ' // i64toa(hi) // ')', stat, errmsg)
      return
    end if
    if (rc == SER_OK .and. oc == SER_LOADED) then
      select case (dtype)
      case (SER_INT8)
        call c_f_pointer(p, i8)
        i8 = int(i, int8)
      case (SER_INT16)
        call c_f_pointer(p, i16)
        i16 = int(i, int16)
      case (SER_INT32)
        call c_f_pointer(p, i32)
        i32 = int(i, int32)
      case (SER_INT64)
        call c_f_pointer(p, i64)
        i64 = i
      case (SER_FLOAT32)
        call c_f_pointer(p, r32)
        r32 = real(x, real32)
      case (SER_FLOAT64)
        call c_f_pointer(p, r64)
        r64 = x
      case (SER_BOOL)
        call c_f_pointer(p, cb)
        cb = logical(b /= 0, c_bool)
      case (DEFAULT_LOGICAL)
        call c_f_pointer(p, l)
        l = b /= 0
      end select
    end if
    if (present(outcome)) outcome = oc
    call report(rc, stat, errmsg)
  end subroutine

  pure function i64toa(i) result(s)
    integer(int64), intent(in) :: i
    character(:), allocatable :: s
    character(24) :: buf
    write (buf, '(i0)') i
    s = trim(buf)
  end function

  subroutine get_r32(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    real(real32), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    if (scalar_read(a, offset)) then
      call get_scalar(self, key, SER_FLOAT32, c_loc(a), outcome, stat, errmsg)
      return
    end if
    call get_any(self, key, SER_FLOAT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg, offset)
  end subroutine

  subroutine get_r64(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    real(real64), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    if (scalar_read(a, offset)) then
      call get_scalar(self, key, SER_FLOAT64, c_loc(a), outcome, stat, errmsg)
      return
    end if
    call get_any(self, key, SER_FLOAT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg, offset)
  end subroutine

  subroutine get_c64(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    complex(real32), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    call get_any(self, key, SER_COMPLEX64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg, offset)
  end subroutine

  subroutine get_c128(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    complex(real64), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    call get_any(self, key, SER_COMPLEX128, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg, offset)
  end subroutine

  subroutine get_i8(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int8), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    if (scalar_read(a, offset)) then
      call get_scalar(self, key, SER_INT8, c_loc(a), outcome, stat, errmsg)
      return
    end if
    call get_any(self, key, SER_INT8, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg, offset)
  end subroutine

  !> dtype: as for put_i16 (SER_FLOAT16 reads binary16 bits, see ser_half_to_real32).
  subroutine get_i16(self, key, a, outcome, stat, errmsg, offset, dtype)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int16), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    integer(c_int32_t), intent(in), optional :: dtype
    if (scalar_read(a, offset) .and. int16_dtype(dtype) == SER_INT16) then
      call get_scalar(self, key, SER_INT16, c_loc(a), outcome, stat, errmsg)
      return
    end if
    call get_any(self, key, int16_dtype(dtype), shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, &
                 errmsg, offset)
  end subroutine

  subroutine get_i32(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int32), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    if (scalar_read(a, offset)) then
      call get_scalar(self, key, SER_INT32, c_loc(a), outcome, stat, errmsg)
      return
    end if
    call get_any(self, key, SER_INT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg, offset)
  end subroutine

  subroutine get_i64(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int64), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    if (scalar_read(a, offset)) then
      call get_scalar(self, key, SER_INT64, c_loc(a), outcome, stat, errmsg)
      return
    end if
    call get_any(self, key, SER_INT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg, offset)
  end subroutine

  subroutine get_b(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    logical(c_bool), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    if (scalar_read(a, offset)) then
      call get_scalar(self, key, SER_BOOL, c_loc(a), outcome, stat, errmsg)
      return
    end if
    call get_any(self, key, SER_BOOL, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg, offset)
  end subroutine

  !> Default logical: read into a logical(c_bool) copy, then converted.
  subroutine get_l(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    logical, intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    logical, pointer :: flat(:)
    logical(c_bool), allocatable, target :: bytes(:)
    integer :: oc
    if (scalar_read(a, offset)) then
      call get_scalar(self, key, DEFAULT_LOGICAL, c_loc(a), outcome, stat, errmsg)
      return
    end if
    allocate (bytes(max(1, size(a))))
    call get_any(self, key, SER_BOOL, shape(a, int64), 1_int64, c_loc(bytes), oc, stat, errmsg, offset)
    if (oc == SER_LOADED) then
      call c_f_pointer(c_loc(a), flat, [size(a)])
      flat = logical(bytes(1:size(a)))
    end if
    if (present(outcome)) outcome = oc
  end subroutine

  !> Reads a 0-d string as UTF-8 into an allocatable string.
  subroutine file_get_string(self, key, value, outcome, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    character(:), allocatable, intent(out) :: value
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    character(kind=c_char), allocatable, target :: buf(:)
    integer(c_size_t) :: n
    integer(c_int32_t) :: oc
    integer(c_int) :: rc
    value = ''
    rc = c_get_string(n, oc, self%h, cstr(key), c_null_ptr, 0_c_size_t)
    if (rc == SER_OK .and. oc == SER_LOADED) then
      allocate (buf(n))
      rc = c_get_string(n, oc, self%h, cstr(key), c_loc(buf), n)
      if (rc == SER_OK) value = fstr(c_loc(buf))
    end if
    if (present(outcome)) outcome = oc
    call report(rc, stat, errmsg)
  end subroutine

  ! ---- string arrays and bytes -------------------------------------------------------------

  !> Writes a character array of any rank as a NumPy `<U n` array of the same shape (A(i, j) is
  !> a[i-1, j-1], as put): each element is UTF-8, trailing blanks removed (len_trim); n is the
  !> most code points of any element, at least 1. Invalid UTF-8 is SER_EINVAL.
  subroutine file_put_strings(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    character(*), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    character(len(a)), pointer :: flat(:)
    integer(c_int32_t), allocatable, target :: units(:, :), cps(:)
    integer :: i, n, width
    logical :: ok
    call flat_view(a, flat)
    ! First pass: the width (the most code points); second: the code points themselves.
    width = 1
    allocate (cps(len(a)))
    do i = 1, size(flat)
      call utf8_decode(flat(i)(1:len_trim(flat(i))), cps, n, ok)
      if (.not. ok) then
        call report_local(SER_EINVAL, "key '" // key // "': element " // itoa(i) // ' is not valid UTF-8', stat, errmsg)
        return
      end if
      width = max(width, n)
    end do
    allocate (units(width, max(1, size(flat))))
    units = 0
    do i = 1, size(flat)
      call utf8_decode(flat(i)(1:len_trim(flat(i))), cps, n, ok)
      units(1:n, i) = cps(1:n)
    end do
    call put_any(self, key, SER_UNICODE, shape(a, int64), 4_int64 * width, c_loc(units), stat, errmsg)
  end subroutine

  !> Writes a character array of any rank as a NumPy `|S n` array (raw bytes): like put_strings,
  !> each element loses its trailing blanks (len_trim) and n is the longest, at least 1.
  subroutine file_put_byte_strings(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    character(*), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    character(len(a)), pointer :: flat(:)
    character(kind=c_char), allocatable, target :: units(:, :)
    integer :: i, j, width
    call flat_view(a, flat)
    width = 1
    if (size(flat) > 0) width = max(1, maxval(len_trim(flat)))
    allocate (units(width, max(1, size(flat))))
    units = c_null_char
    do i = 1, size(flat)
      do j = 1, len_trim(flat(i))
        units(j, i) = flat(i)(j:j)
      end do
    end do
    call put_any(self, key, SER_BYTES, shape(a, int64), int(width, int64), c_loc(units), stat, errmsg)
  end subroutine

  !> Reads a `<U n` array (NPZ, or an HDF5 string dataset) into a, whose shape must be the stored
  !> one (shape_of), as get. Each element is UTF-8 encoded without its trailing NULs (NumPy's
  !> value) and blank-padded; one longer than len(a) is SER_EBUFSIZE, and a is then unchanged
  !> (len(a) >= info%itemsize always fits: UTF-8 takes at most 4 bytes per code point). Other
  !> dtypes are SER_EMISMATCH. a changes only when outcome is SER_LOADED. With offset (NumPy's
  !> 0-based first indices, one per axis) the block of shape(a) there is read instead, as get
  !> reads one (an HDF5 hyperslab in an HDF5 file).
  subroutine file_get_strings(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    character(*), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    call get_text(self, key, SER_UNICODE, a, shape(a, int64), outcome, stat, errmsg, offset)
  end subroutine

  !> Reads a `|S n` array into a as get_strings does, bytes unchanged (trailing NULs removed).
  subroutine file_get_byte_strings(self, key, a, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    character(*), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    call get_text(self, key, SER_BYTES, a, shape(a, int64), outcome, stat, errmsg, offset)
  end subroutine

  subroutine get_text(self, key, dtype, a, shp, outcome, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    character(*), intent(inout), target, contiguous :: a(..)
    integer(int64), intent(in) :: shp(:)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    character(len(a)), pointer :: flat(:)
    character(:), allocatable :: msg
    integer(c_int32_t), allocatable, target :: units(:)
    integer :: width
    integer(c_int32_t) :: oc
    integer(c_int) :: rc
    call read_units(self, key, dtype, shp, units, width, oc, stat, errmsg, offset)
    if (present(outcome)) outcome = oc
    if (oc /= SER_LOADED .or. width < 0) return
    call flat_view(a, flat)
    call unpack_text(units, dtype, width, key, flat, rc, msg)
    if (rc == SER_OK) return
    call report_local(rc, msg, stat, errmsg)
    if (present(outcome)) outcome = SER_SKIP_MISSING
  end subroutine

  !> Sets flat to the elements of units (see text_element), all of them or, on a failure, none:
  !> rc is SER_OK, or SER_EFORMAT / SER_EBUFSIZE with msg naming key and the element.
  subroutine unpack_text(units, dtype, width, key, flat, rc, msg)
    integer(c_int32_t), intent(in), target :: units(:)
    integer(c_int32_t), intent(in) :: dtype
    integer, intent(in) :: width
    character(*), intent(in) :: key
    character(*), intent(inout) :: flat(:)
    integer(c_int), intent(out) :: rc
    character(:), allocatable, intent(out) :: msg
    character(len(flat)), allocatable :: values(:)
    character(:), allocatable :: element
    integer :: i
    logical :: ok
    rc = SER_OK
    msg = ''
    allocate (values(size(flat)))
    do i = 1, size(flat)
      call text_element(units, dtype, width, i, element, ok)
      if (.not. ok) then
        rc = SER_EFORMAT
        msg = "key '" // key // "': element " // itoa(i) // ' holds a code point that is not a Unicode scalar value'
        return
      end if
      if (len(element) > len(flat)) then
        rc = SER_EBUFSIZE
        msg = "key '" // key // "': element " // itoa(i) // ' needs ' // itoa(len(element)) // &
              ' characters, the array has ' // itoa(len(flat))
        return
      end if
      values(i) = element
    end do
    flat = values
  end subroutine

  !> Reads key as dtype (SER_UNICODE or SER_BYTES) with shape shp (with offset: its block of
  !> extents shp there), column-major, into units (whole 4-byte words, the bytes of |S n packed
  !> in them); width is the stored element size in units of the dtype (code points or bytes), -1
  !> after a failure.
  subroutine read_units(self, key, dtype, shp, units, width, oc, stat, errmsg, offset)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    integer(int64), intent(in) :: shp(:)
    integer(c_int32_t), allocatable, target, intent(out) :: units(:)
    integer, intent(out) :: width
    integer(c_int32_t), intent(out) :: oc
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    integer(int64), intent(in), optional :: offset(:)
    type(ser_array_info) :: info
    integer(c_int) :: rc
    integer(int64) :: nbytes
    width = -1
    oc = SER_SKIP_MISSING
    if (present(offset)) then
      if (size(offset) /= size(shp)) then
        call report_local(SER_EINVAL, "key '" // key // "': offset has " // itoa(size(offset)) // &
                          " values, the array " // itoa(size(shp)) // " dimensions", stat, errmsg)
        return
      end if
    end if
    rc = c_get_info(info, self%h, cstr(key))
    nbytes = info%nbytes
    if (present(offset)) nbytes = product(shp) * info%itemsize
    allocate (units(max(1_int64, (nbytes + 3) / 4)))
    if (rc == SER_OK .and. present(offset)) then
      rc = c_get_array_slab_ex(oc, self%h, cstr(key), dtype, size(shp), offset, shp, SER_ORDER_F, c_loc(units), &
                               int(nbytes, c_size_t))
    else if (rc == SER_OK) then
      rc = c_get_array_ex(oc, self%h, cstr(key), dtype, size(shp), shp, SER_ORDER_F, c_loc(units), int(nbytes, c_size_t))
    end if
    call report(rc, stat, errmsg)
    if (rc /= SER_OK) oc = SER_SKIP_MISSING
    if (rc == SER_OK) width = int(info%itemsize / merge(4, 1, dtype == SER_UNICODE))
  end subroutine

  !> Element i (1-based) of the units read_units returned, trailing NULs removed, as UTF-8
  !> (SER_UNICODE) or as the raw bytes (SER_BYTES); ok is false for a code point UTF-8 cannot hold.
  subroutine text_element(units, dtype, width, i, element, ok)
    integer(c_int32_t), intent(in), target :: units(:)
    integer(c_int32_t), intent(in) :: dtype
    integer, intent(in) :: width, i
    character(:), allocatable, intent(out) :: element
    logical, intent(out) :: ok
    character(kind=c_char), pointer :: bytes(:)
    integer :: n, j
    ok = .true.
    if (dtype == SER_UNICODE) then
      element = ''
      n = width
      do while (n > 0)
        if (units((i - 1) * width + n) /= 0) exit
        n = n - 1
      end do
      do j = 1, n
        call utf8_append(units((i - 1) * width + j), element, ok)
        if (.not. ok) return
      end do
    else
      call c_f_pointer(c_loc(units), bytes, [4 * size(units)])
      n = width
      do while (n > 0)
        if (bytes((i - 1) * width + n) /= c_null_char) exit
        n = n - 1
      end do
      allocate (character(n) :: element)
      do j = 1, n
        element(j:j) = bytes((i - 1) * width + j)
      end do
    end if
  end subroutine

  !> Writes value as a Python bytes scalar (a 0-d `|S n`, n = len(value); no trimming: the
  !> bytes are kept as given, pass trim(value) to drop trailing blanks).
  subroutine file_put_bytes(self, key, value, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key, value
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    character(kind=c_char) :: data(max(1, len(value)))
    integer :: i
    do i = 1, len(value)
      data(i) = value(i:i)
    end do
    call report(c_put_bytes(self%h, cstr(key), data, int(len(value), c_size_t)), stat, errmsg)
  end subroutine

  !> Reads a Python bytes value (a 0-d or one-element `|S n`) without its trailing NULs, as
  !> NumPy does. Another dtype or element count is SER_EMISMATCH; value is '' unless loaded.
  subroutine file_get_bytes(self, key, value, outcome, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    character(:), allocatable, intent(out) :: value
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    type(ser_array_info) :: info
    integer(c_int32_t), allocatable, target :: units(:)
    integer(c_int32_t) :: oc
    integer :: width
    integer(c_int) :: rc
    logical :: ok
    value = ''
    if (present(outcome)) outcome = SER_SKIP_MISSING
    rc = c_get_info(info, self%h, cstr(key))
    if (rc /= SER_OK) then
      call report(rc, stat, errmsg)
    else if (info%dtype == SER_BYTES .and. info%count /= 1) then
      call report_local(SER_EMISMATCH, "key '" // key // "': a bytes value has one element, this |S array has " // &
                        itoa(int(info%count)), stat, errmsg)
    else
      call read_units(self, key, SER_BYTES, info%shape(1:max(0, info%ndim)), units, width, oc, stat, errmsg)
      if (present(outcome)) outcome = oc
      if (oc == SER_LOADED .and. width >= 0) call text_element(units, SER_BYTES, width, 1, value, ok)
    end if
  end subroutine

  !> The elements of a contiguous character array of any rank, in memory (column-major) order.
  subroutine flat_view(a, flat)
    character(*), intent(in), target, contiguous :: a(..)
    character(len(a)), pointer, intent(out) :: flat(:)
    call c_f_pointer(c_loc(a), flat, [size(a)])
  end subroutine

  !> The code points of the UTF-8 string s (cps must have len(s) room); ok is false for invalid
  !> UTF-8 (overlong forms, surrogates and values above U+10FFFF included).
  pure subroutine utf8_decode(s, cps, n, ok)
    character(*), intent(in) :: s
    integer(c_int32_t), intent(out) :: cps(:)
    integer, intent(out) :: n
    logical, intent(out) :: ok
    integer :: i, b, more, k, cp, lowest
    n = 0
    ok = .false.
    i = 1
    do while (i <= len(s))
      b = ichar(s(i:i))
      if (b < 128) then
        cp = b; more = 0; lowest = 0
      else if (b >= 194 .and. b < 224) then
        cp = b - 192; more = 1; lowest = 128
      else if (b >= 224 .and. b < 240) then
        cp = b - 224; more = 2; lowest = 2048
      else if (b >= 240 .and. b < 245) then
        cp = b - 240; more = 3; lowest = 65536
      else
        return
      end if
      if (i + more > len(s)) return
      do k = 1, more
        b = ichar(s(i + k:i + k))
        if (b < 128 .or. b >= 192) return
        cp = cp * 64 + (b - 128)
      end do
      if (cp < lowest .or. cp > 1114111 .or. (cp >= 55296 .and. cp <= 57343)) return
      n = n + 1
      cps(n) = int(cp, c_int32_t)
      i = i + more + 1
    end do
    ok = .true.
  end subroutine

  !> Appends the UTF-8 encoding of code point cp to s; ok is false if cp is no Unicode scalar value.
  pure subroutine utf8_append(cp, s, ok)
    integer(c_int32_t), intent(in) :: cp
    character(:), allocatable, intent(inout) :: s
    logical, intent(out) :: ok
    ok = .true.
    if (cp < 0 .or. cp > 1114111 .or. (cp >= 55296 .and. cp <= 57343)) then
      ok = .false.
    else if (cp < 128) then
      s = s // achar(cp)
    else if (cp < 2048) then
      s = s // achar(192 + cp / 64) // achar(128 + iand(cp, 63))
    else if (cp < 65536) then
      s = s // achar(224 + cp / 4096) // achar(128 + iand(cp / 64, 63)) // achar(128 + iand(cp, 63))
    else
      s = s // achar(240 + cp / 262144) // achar(128 + iand(cp / 4096, 63)) // achar(128 + iand(cp / 64, 63)) // &
          achar(128 + iand(cp, 63))
    end if
  end subroutine

  logical function file_has(self, key, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    integer(c_int) :: out
    out = 0
    call report(c_has(out, self%h, cstr(key)), stat, errmsg)
    file_has = out /= 0
  end function

  !> True if the file holds Chainer's None under key.
  logical function file_is_none(self, key, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_array_info) :: info
    call report(c_get_info(info, self%h, cstr(key)), stat, errmsg)
    file_is_none = info%dtype == SER_NONE
  end function

  !> The stored shape in NumPy order, which is also the Fortran dims to allocate:
  !>   call f%shape_of('l1/W', s); allocate (W(s(1), s(2))); call f%get('l1/W', W)
  subroutine file_shape_of(self, key, shp, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int64), allocatable, intent(out) :: shp(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_array_info) :: info
    call report(c_get_info(info, self%h, cstr(key)), stat, errmsg)
    shp = info%shape(1:max(0, info%ndim))
  end subroutine

  !> The keys under this file's prefix, relative to it, sorted; blank-padded to the longest.
  subroutine file_keys(self, keys, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(:), allocatable, intent(out) :: keys(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    integer(c_size_t) :: n, i
    integer(c_int) :: rc
    type(c_ptr), allocatable :: ptrs(:)
    integer :: longest
    n = 0
    rc = c_key_count(n, self%h)
    allocate (ptrs(n))
    do i = 1, n
      if (rc == SER_OK) rc = c_key_at(ptrs(i), self%h, i - 1)
    end do
    longest = 0
    if (rc == SER_OK .and. n > 0) longest = maxval([(int(c_strlen(ptrs(i))), i = 1, n)])
    allocate (character(longest) :: keys(merge(n, 0_c_size_t, rc == SER_OK)))
    do i = 1, size(keys, kind=c_size_t)
      keys(i) = fstr(ptrs(i))
    end do
    call report(rc, stat, errmsg)
  end subroutine

  !> The entry's dtype, byte order, memory order and shape as stored (ser_get_info).
  subroutine file_info(self, key, info, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    type(ser_array_info), intent(out) :: info
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call report(c_get_info(info, self%h, cstr(key)), stat, errmsg)
  end subroutine

  !> Copies the entry key of src to the same key of this writer (e.g. NPZ to HDF5), losslessly.
  subroutine file_copy_entry(self, src, key, stat, errmsg)
    class(ser_file), intent(in) :: self
    type(ser_file), intent(in) :: src
    character(*), intent(in) :: key
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call report(c_copy_entry(self%h, src%h, cstr(key)), stat, errmsg)
  end subroutine

  !> Copies every entry under src's prefix to this writer, losslessly.
  subroutine file_copy_all(self, src, stat, errmsg)
    class(ser_file), intent(in) :: self
    type(ser_file), intent(in) :: src
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call report(c_copy_all(self%h, src%h), stat, errmsg)
  end subroutine

  ! ---- batched reads -----------------------------------------------------------------------

  subroutine batch_add(self, key, dtype, shp, itemsize, p)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    integer(int64), intent(in) :: shp(:), itemsize
    type(c_ptr), intent(in) :: p
    type(batch_entry), allocatable :: grown(:)
    integer :: i
    if (.not. allocated(self%entries)) allocate (self%entries(8))
    if (self%n == size(self%entries)) then
      allocate (grown(2 * self%n))
      grown(1:self%n) = self%entries
      call move_alloc(grown, self%entries)
    end if
    self%n = self%n + 1
    associate (e => self%entries(self%n))
      e%key = [(key(i:i), i = 1, len(key)), c_null_char]
      e%dtype = dtype
      e%ndim = size(shp)
      e%shape = 0
      e%shape(1:size(shp)) = shp
      e%buf = p
      e%bufsize = int(product(shp) * itemsize, c_size_t)
      e%status = SER_OK
      e%outcome = SER_SKIP_MISSING
    end associate
  end subroutine

  subroutine add_r32(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    real(real32), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, SER_FLOAT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a))
  end subroutine

  subroutine add_r64(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    real(real64), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, SER_FLOAT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a))
  end subroutine

  subroutine add_c64(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    complex(real32), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, SER_COMPLEX64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a))
  end subroutine

  subroutine add_c128(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    complex(real64), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, SER_COMPLEX128, shape(a, int64), storage_size(a, int64) / 8, c_loc(a))
  end subroutine

  subroutine add_i8(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    integer(int8), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, SER_INT8, shape(a, int64), storage_size(a, int64) / 8, c_loc(a))
  end subroutine

  subroutine add_i16(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    integer(int16), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, SER_INT16, shape(a, int64), storage_size(a, int64) / 8, c_loc(a))
  end subroutine

  subroutine add_i32(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    integer(int32), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, SER_INT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a))
  end subroutine

  subroutine add_i64(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    integer(int64), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, SER_INT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a))
  end subroutine

  subroutine add_b(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    logical(c_bool), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, SER_BOOL, shape(a, int64), storage_size(a, int64) / 8, c_loc(a))
  end subroutine

  subroutine batch_add_strings(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    character(*), intent(inout), target, contiguous :: a(..)
    call batch_add_text(self, key, SER_UNICODE, a)
  end subroutine

  subroutine batch_add_byte_strings(self, key, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    character(*), intent(inout), target, contiguous :: a(..)
    call batch_add_text(self, key, SER_BYTES, a)
  end subroutine

  !> Queues a string array: its buffer is sized from the stored itemsize when get_batch runs.
  subroutine batch_add_text(self, key, dtype, a)
    class(ser_batch), intent(inout) :: self
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    character(*), intent(inout), target, contiguous :: a(..)
    call batch_add(self, key, dtype, shape(a, int64), 0_int64, c_null_ptr)
    self%entries(self%n)%text = c_loc(a)
    self%entries(self%n)%text_len = len(a)
    self%entries(self%n)%text_count = size(a)
  end subroutine

  !> Number of reads queued.
  integer function batch_size(self)
    class(ser_batch), intent(in) :: self
    batch_size = self%n
  end function

  !> Status of read i (1-based) after get_batch: SER_OK or its error code.
  integer function batch_status(self, i)
    class(ser_batch), intent(in) :: self
    integer, intent(in) :: i
    batch_status = self%entries(i)%status
  end function

  !> Outcome of read i (SER_LOADED, SER_WAS_NONE, ...) when its status is SER_OK.
  integer function batch_outcome(self, i)
    class(ser_batch), intent(in) :: self
    integer, intent(in) :: i
    batch_outcome = self%entries(i)%outcome
  end function

  !> Forgets every queued read.
  subroutine batch_clear(self)
    class(ser_batch), intent(inout) :: self
    self%n = 0
  end subroutine

  !> Performs every read of batch at once (ser_get_arrays_ex, column-major buffers). Each read
  !> gets its own status and outcome; stat is SER_OK if all succeeded, else the first failure's.
  subroutine file_get_batch(self, batch, stat, errmsg)
    class(ser_file), intent(in) :: self
    type(ser_batch), intent(inout), target :: batch
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call run_batch(self, batch, stat, errmsg)
  end subroutine

  !> get_batch through the C function reader, passing it arg (column-major buffers, each read's
  !> status and outcome as get_batch gives them). For modules layered on this one.
  subroutine ser_get_batch_through(f, batch, reader, arg, stat, errmsg)
    type(ser_file), intent(in) :: f
    type(ser_batch), intent(inout), target :: batch
    procedure(ser_c_batch_reader) :: reader
    integer(c_int), intent(in) :: arg
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call run_batch(f, batch, stat, errmsg, reader, arg)
  end subroutine

  !> The reads of batch as C requests, done by ser_get_arrays_ex or reader(arg).
  subroutine run_batch(self, batch, stat, errmsg, reader, arg)
    class(ser_file), intent(in) :: self
    type(ser_batch), intent(inout), target :: batch
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    procedure(ser_c_batch_reader), optional :: reader
    integer(c_int), intent(in), optional :: arg
    type(get_request), allocatable, target :: requests(:)
    integer(c_int) :: rc
    integer :: i
    character(:), allocatable :: msg, local_msg
    integer(c_int) :: local
    integer :: first_local
    allocate (requests(max(1, batch%n)))
    do i = 1, batch%n
      associate (e => batch%entries(i))
        if (c_associated(e%text)) call stage_text(self, e)
        requests(i) = get_request(c_loc(e%key), e%dtype, e%ndim, c_loc(e%shape), e%buf, e%bufsize, 0, 0)
      end associate
    end do
    if (present(reader)) then
      rc = reader(self%h, arg, c_loc(requests), int(batch%n, c_size_t), SER_ORDER_F)
    else
      rc = c_get_arrays_ex(self%h, requests, int(batch%n, c_size_t), SER_ORDER_F)
    end if
    first_local = 0
    local_msg = ''
    do i = 1, batch%n
      associate (e => batch%entries(i))
        e%status = int(requests(i)%status)
        e%outcome = int(requests(i)%outcome)
        if (.not. c_associated(e%text) .or. e%status /= SER_OK .or. e%outcome /= SER_LOADED) cycle
        call unstage_text(e, local, msg)
        if (local == SER_OK) cycle
        e%status = local
        e%outcome = SER_SKIP_MISSING
        if (first_local == 0) then
          first_local = i
          local_msg = msg
        end if
      end associate
    end do
    ! The call reports the first failed read in array order: the library's, or a decoding one.
    if (first_local > 0 .and. all(batch%entries(1:first_local - 1)%status == SER_OK)) then
      call report_local(int(batch%entries(first_local)%status, c_int), local_msg, stat, errmsg)
    else
      call report(rc, stat, errmsg)
    end if
  end subroutine

  !> Gives a string entry of a batch its buffer: the stored itemsize for each of its elements
  !> (none when the key is missing or of another dtype: the read then reports it).
  subroutine stage_text(self, e)
    class(ser_file), intent(in) :: self
    type(batch_entry), intent(inout), target :: e
    type(ser_array_info) :: info
    integer(int64) :: nbytes
    nbytes = 0
    e%width = -1
    if (c_get_info(info, self%h, e%key) == SER_OK .and. info%dtype == e%dtype) then
      nbytes = e%text_count * info%itemsize
      e%width = int(info%itemsize / merge(4, 1, e%dtype == SER_UNICODE))
    end if
    if (allocated(e%units)) deallocate (e%units)
    allocate (e%units(max(1_int64, (nbytes + 3) / 4)))
    e%buf = c_loc(e%units)
    e%bufsize = int(nbytes, c_size_t)
  end subroutine

  !> Decodes a string entry the batch read into its character array.
  subroutine unstage_text(e, rc, msg)
    type(batch_entry), intent(inout), target :: e
    integer(c_int), intent(out) :: rc
    character(:), allocatable, intent(out) :: msg
    character(len=e%text_len), pointer :: flat(:)
    call c_f_pointer(e%text, flat, [e%text_count])
    call unpack_text(e%units, e%dtype, e%width, fstr(c_loc(e%key)), flat, rc, msg)
  end subroutine

end module chainerser
