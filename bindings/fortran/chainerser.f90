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
!>   - get receives C order from the library (ser_get_array always returns C order) into a
!>     scratch buffer and transposes it into the Fortran array (reversing the axes).
!> Rank 0 (scalars) and rank 1 are the same in both orders and need no transposition.
!>
!> Errors. Every procedure takes optional `stat` and `errmsg`, as Fortran's own statements take
!> stat=/errmsg= (or iostat=/iomsg=): with `stat` present, a failure sets it to the library's
!> negative code (0 on success) and `errmsg`, a character variable of any length, receives the
!> library's message (unchanged on success); without `stat`, a failure stops the program with
!> the message (error stop). ser_last_error() returns the message of the last failed call.
!>
!> Ownership. A ser_file is a plain handle: copying the variable copies the handle, not the file.
!> Close each file exactly once: `close` commits a writer, `discard` abandons it (an open writer
!> that is never closed leaves no file). Children (`child`) share their root's file; close them
!> too (before or after the root, either works), but use them only while the root is open.
module chainerser
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: real32, real64, int8, int32, int64
  implicit none
  private

  !> Status codes (ser_error).
  integer, parameter, public :: SER_OK = 0, SER_ENOTFOUND = -1, SER_EEXISTS = -2, SER_EINVAL = -3, &
                                SER_EMISMATCH = -4, SER_EBUFSIZE = -5, SER_EFORMAT = -6, SER_EIO = -7, &
                                SER_ENOMEM = -8, SER_EUNSUPPORTED = -9, SER_EINTERNAL = -10, SER_ELIMIT = -11
  !> Outcomes of a read (ser_outcome): only SER_LOADED changes the array.
  integer, parameter, public :: SER_LOADED = 0, SER_WAS_NONE = 1, SER_SKIP_MISSING = 2, SER_SKIP_IGNORED = 3

  integer(c_int32_t), parameter :: MODE_READ = 1, MODE_WRITE = 2
  integer(c_int32_t), parameter :: DT_INT32 = 4, DT_INT64 = 5, DT_FLOAT32 = 11, DT_FLOAT64 = 12, DT_NONE = 17
  integer(c_int32_t), parameter :: BYTEORDER_LITTLE = 1, BYTEORDER_BIG = 2
  integer, parameter :: MAX_NDIM = 32

  !> ser_array_info (the uint64 fields are read as int64).
  type, bind(C) :: array_info
    integer(c_int32_t) :: dtype = 0, byteorder = 0, fortran_order = 0, ndim = 0
    integer(c_int64_t) :: shape(MAX_NDIM) = 0
    integer(c_int64_t) :: itemsize = 0, count = 0, nbytes = 0
  end type

  !> An open checkpoint at a key prefix (the root, or a child from `child`).
  type, public :: ser_file
    type(c_ptr), private :: h = c_null_ptr
  contains
    procedure :: is_open => file_is_open
    procedure :: close => file_close
    procedure :: discard => file_discard
    procedure :: child => file_child
    procedure, private :: put_r32, put_r64, put_i32, put_i64
    procedure, private :: get_r32, get_r64, get_i32, get_i64
    !> call f%put(key, array [, stat, errmsg]): real32/real64/int32/int64 of any rank (0-32).
    generic :: put => put_r32, put_r64, put_i32, put_i64
    !> call f%get(key, array [, outcome, stat, errmsg]): the stored shape must equal shape(array).
    generic :: get => get_r32, get_r64, get_i32, get_i64
    procedure :: put_none => file_put_none
    procedure :: put_string => file_put_string
    procedure :: get_string => file_get_string
    procedure :: has => file_has
    procedure :: is_none => file_is_none
    procedure :: shape_of => file_shape_of
    procedure :: keys => file_keys
  end type

  public :: ser_open_npz, ser_create_npz, ser_open_h5, ser_create_h5, ser_last_error

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
    function c_put_array(h, key, dtype, ndim, shape, data, nbytes) bind(C, name='ser_put_array') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_int64_t, c_size_t, c_int
      type(c_ptr), value :: h, data
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int32_t), value :: dtype, ndim
      integer(c_int64_t), intent(in) :: shape(*)
      integer(c_size_t), value :: nbytes
      integer(c_int) :: rc
    end function
    function c_put_array_ex(h, key, info, data, nbytes) bind(C, name='ser_put_array_ex') result(rc)
      import :: c_ptr, c_char, c_size_t, c_int, array_info
      type(c_ptr), value :: h, data
      character(kind=c_char), intent(in) :: key(*)
      type(array_info), intent(in) :: info
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
    function c_has(out, h, key) bind(C, name='ser_has') result(rc)
      import :: c_ptr, c_char, c_int
      integer(c_int), intent(out) :: out
      type(c_ptr), value :: h
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int) :: rc
    end function
    function c_get_info(out, h, key) bind(C, name='ser_get_info') result(rc)
      import :: c_ptr, c_char, c_int, array_info
      type(array_info), intent(out) :: out
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
    function c_get_array(outcome, h, key, dtype, ndim, shape, buf, bufsize) bind(C, name='ser_get_array') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_int64_t, c_size_t, c_int
      integer(c_int32_t), intent(out) :: outcome
      type(c_ptr), value :: h, buf
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int32_t), value :: dtype, ndim
      integer(c_int64_t), intent(in) :: shape(*)
      integer(c_size_t), value :: bufsize
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

  subroutine open_file(f, path, mode, h5, stat, errmsg)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer(c_int32_t), intent(in) :: mode
    logical, intent(in) :: h5
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    integer(c_int) :: rc
    if (h5) then
      rc = c_h5_open(f%h, cstr(path), mode, c_null_ptr)
    else
      rc = c_npz_open(f%h, cstr(path), mode, c_null_ptr)
    end if
    call report(rc, stat, errmsg)
  end subroutine

  !> Opens a .npz (Chainer's save_npz) for reading.
  subroutine ser_open_npz(f, path, stat, errmsg)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call open_file(f, path, MODE_READ, .false., stat, errmsg)
  end subroutine

  !> Starts a .npz; it appears (replacing any old file atomically) at close.
  subroutine ser_create_npz(f, path, stat, errmsg)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call open_file(f, path, MODE_WRITE, .false., stat, errmsg)
  end subroutine

  !> Opens an HDF5 file (Chainer's save_hdf5) for reading.
  subroutine ser_open_h5(f, path, stat, errmsg)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call open_file(f, path, MODE_READ, .true., stat, errmsg)
  end subroutine

  !> Starts an HDF5 file; it appears at close.
  subroutine ser_create_h5(f, path, stat, errmsg)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call open_file(f, path, MODE_WRITE, .true., stat, errmsg)
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
    type(array_info) :: info
    info%dtype = dtype
    info%byteorder = merge(BYTEORDER_LITTLE, BYTEORDER_BIG, transfer(1_int32, 1_int8) == 1_int8)
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
    call put_any(self, key, DT_FLOAT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  subroutine put_r64(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    real(real64), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, DT_FLOAT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  subroutine put_i32(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int32), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, DT_INT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
  end subroutine

  subroutine put_i64(self, key, a, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int64), intent(in), target, contiguous :: a(..)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_any(self, key, DT_INT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), stat, errmsg)
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

  !> Reads key into the Fortran array at p (dims shp): the library fills a C-order scratch buffer
  !> of shape shp, which is then transposed into the Fortran array (see the module header).
  subroutine get_any(self, key, dtype, shp, itemsize, p, outcome, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    integer(int64), intent(in) :: shp(:), itemsize
    type(c_ptr), intent(in) :: p
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    integer(int8), allocatable, target :: scratch(:)
    integer(int8), pointer :: dst(:)
    integer(c_int32_t) :: oc
    integer(c_int) :: rc
    integer(int64) :: nbytes
    nbytes = product(shp) * itemsize
    oc = SER_SKIP_MISSING
    if (size(shp) <= 1) then
      rc = c_get_array(oc, self%h, cstr(key), dtype, size(shp), shp, p, int(nbytes, c_size_t))
    else
      allocate (scratch(max(nbytes, 1_int64)))
      rc = c_get_array(oc, self%h, cstr(key), dtype, size(shp), shp, c_loc(scratch), int(nbytes, c_size_t))
      if (rc == SER_OK .and. oc == SER_LOADED) then
        call c_f_pointer(p, dst, [nbytes])
        call c_to_fortran_order(scratch, dst, shp, itemsize)
      end if
    end if
    if (present(outcome)) outcome = oc
    call report(rc, stat, errmsg)
  end subroutine

  !> dst (column-major) = src (row-major), both of dims shp, elements of itemsize bytes.
  subroutine c_to_fortran_order(src, dst, shp, itemsize)
    integer(int8), intent(in) :: src(0:)
    integer(int8), intent(out) :: dst(0:)
    integer(int64), intent(in) :: shp(:), itemsize
    integer(int64) :: idx(size(shp)), cstride(size(shp)), coff, f, k, r
    r = size(shp)
    cstride(r) = 1
    do k = r - 1, 1, -1
      cstride(k) = cstride(k + 1) * shp(k + 1)
    end do
    idx = 0
    coff = 0
    do f = 0, product(shp) - 1
      dst(f * itemsize:(f + 1) * itemsize - 1) = src(coff * itemsize:(coff + 1) * itemsize - 1)
      ! Next Fortran index: the first dimension runs fastest, carrying into the next.
      do k = 1, r
        idx(k) = idx(k) + 1
        coff = coff + cstride(k)
        if (idx(k) < shp(k)) exit
        coff = coff - idx(k) * cstride(k)
        idx(k) = 0
      end do
    end do
  end subroutine

  subroutine get_r32(self, key, a, outcome, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    real(real32), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    call get_any(self, key, DT_FLOAT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg)
  end subroutine

  subroutine get_r64(self, key, a, outcome, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    real(real64), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    call get_any(self, key, DT_FLOAT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg)
  end subroutine

  subroutine get_i32(self, key, a, outcome, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int32), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    call get_any(self, key, DT_INT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg)
  end subroutine

  subroutine get_i64(self, key, a, outcome, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int64), intent(inout), target, contiguous :: a(..)
    integer, intent(out), optional :: outcome, stat
    character(*), intent(inout), optional :: errmsg
    call get_any(self, key, DT_INT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), outcome, stat, errmsg)
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
    type(array_info) :: info
    call report(c_get_info(info, self%h, cstr(key)), stat, errmsg)
    file_is_none = info%dtype == DT_NONE
  end function

  !> The stored shape in NumPy order, which is also the Fortran dims to allocate:
  !>   call f%shape_of('l1/W', s); allocate (W(s(1), s(2))); call f%get('l1/W', W)
  subroutine file_shape_of(self, key, shp, stat, errmsg)
    class(ser_file), intent(in) :: self
    character(*), intent(in) :: key
    integer(int64), allocatable, intent(out) :: shp(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(array_info) :: info
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

end module chainerser
