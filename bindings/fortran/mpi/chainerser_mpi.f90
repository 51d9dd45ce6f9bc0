!> The MPI flavour of the Fortran binding (libchainerser_fortran_mpi, over libchainerser_mpi):
!> the ranks of an MPI job write one ordinary Chainer checkpoint (NPZ or HDF5) together and read
!> it back on any number of ranks (docs/mpi.md). It works on the `chainerser` module's types:
!>
!>   use mpi_f08
!>   use chainerser
!>   use chainerser_mpi
!>   type(ser_file) :: f
!>   call ser_create_npz_mpi(f, MPI_COMM_WORLD, 'ckpt.npz')   ! collective
!>   call ser_put_slab(f, 'field/T', T, [nx, ny], [i0, j0])   ! collective: this rank's block
!>   call f%put('model/l1/W', W)                               ! rank-local: this rank's entry
!>   call f%close()                                            ! collective: commits atomically
!>
!> Link with this library only (pkg-config chainerser-fortran-mpi, CMake chainerser::fortran_mpi):
!> it carries its own build of `chainerser`, over libchainerser_mpi, whose module files are
!> installed beside this one's (include/chainerser/fortran-mpi). Do not also link
!> libchainerser_fortran or libchainerser.
!>
!> Which calls are collective. ser_create_*_mpi / ser_open_*_mpi (every rank of comm, the same
!> path and options), ser_put_slab, ser_get_batch_bcast, and close / discard of a writer root.
!> Everything else of `chainerser` works on these files as on serial ones: put / put_none /
!> put_string ... are rank-local (the calling rank contributes that entry; a key put by two ranks
!> fails every rank at close), and reads (get, get with offset, get_batch, info, keys) are
!> independent: any rank reads any entry or block. Arguments that differ between the ranks of a
!> collective call (another key, global shape, dtype or call) are an error on every rank, never a
!> hang: with `stat`, every rank gets the same non-zero stat and a message naming the ranks;
!> without it, every rank stops (error stop). A rank-local failure makes close fail on every rank,
!> and a failed save leaves any old file as it was.
!>
!> Array layout: as in `chainerser` (indices kept, not memory). A rank's block A(c1, ..., cr) of
!> the global array of NumPy shape (N1, ..., Nr) at `offset` (NumPy's 0-based first indices, as
!> get's offset: A(i1, ..., ir) is global element [offset(1) + i1 - 1, ...]) is passed in its
!> column-major memory, without a copy in Fortran (ser_put_array_slab_ex with SER_ORDER_F). The
!> NPZ member is Fortran-ordered (fortran_order: True, shape (N1, ..., Nr)), which is what put of
!> the whole array writes; HDF5 gets the dataset of shape (N1, ..., Nr), each block transposed to
!> C order by the library. The blocks of all ranks must tile the array exactly (any tiling: column
!> blocks, 2-D blocks; a rank with nothing passes an array with a zero extent); a gap or an
!> overlap is SER_EINVAL on every rank. Read blocks back with get(key, A, offset=...) on any
!> number of ranks, or the whole array on every rank with a batch and ser_get_batch_bcast.
module chainerser_mpi
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: real32, real64, int8, int16, int32, int64
  use mpi_f08, only: MPI_Comm
  use chainerser
  implicit none
  private

  public :: ser_create_npz_mpi, ser_open_npz_mpi, ser_create_h5_mpi, ser_open_h5_mpi
  public :: ser_put_slab, ser_get_batch_bcast

  !> call ser_put_slab(f, key, a, global_shape, offset [, stat, errmsg]): collective; a is this
  !> rank's block (real32/real64, complex of both, int8/int16/int32/int64, logical(c_bool),
  !> default logical; any rank 0-32; int16 also takes dtype= as put does) of the array of
  !> global_shape, at the 0-based offset; global_shape and offset have one value per dimension
  !> of a (otherwise the call fails on every rank).
  interface ser_put_slab
    module procedure put_slab_r32, put_slab_r64, put_slab_c64, put_slab_c128, put_slab_i8, put_slab_i16, &
                     put_slab_i32, put_slab_i64, put_slab_b, put_slab_l
  end interface

  interface
    function c_npz_open_mpi_f(out, comm, path, mode, opts) bind(C, name='ser_npz_open_mpi_f') result(rc)
      import :: c_ptr, c_char, c_int, c_int32_t
      type(c_ptr), intent(out) :: out
      integer(c_int), value :: comm
      character(kind=c_char), intent(in) :: path(*)
      integer(c_int32_t), value :: mode
      type(c_ptr), value :: opts
      integer(c_int) :: rc
    end function
    function c_h5_open_mpi_f(out, comm, path, mode, opts) bind(C, name='ser_h5_open_mpi_f') result(rc)
      import :: c_ptr, c_char, c_int, c_int32_t
      type(c_ptr), intent(out) :: out
      integer(c_int), value :: comm
      character(kind=c_char), intent(in) :: path(*)
      integer(c_int32_t), value :: mode
      type(c_ptr), value :: opts
      integer(c_int) :: rc
    end function
    function c_get_arrays_bcast_ex(h, root, requests, count, order) bind(C, name='ser_get_arrays_bcast_ex') result(rc)
      import :: c_ptr, c_int, c_size_t, c_int32_t
      type(c_ptr), value :: h, requests
      integer(c_int), value :: root
      integer(c_size_t), value :: count
      integer(c_int32_t), value :: order
      integer(c_int) :: rc
    end function
    function c_put_array_slab_ex(h, key, dtype, ndim, global_shape, offset, count, order, data, nbytes) &
        bind(C, name='ser_put_array_slab_ex') result(rc)
      import :: c_ptr, c_char, c_int32_t, c_int64_t, c_size_t, c_int
      type(c_ptr), value :: h, data
      character(kind=c_char), intent(in) :: key(*)
      integer(c_int32_t), value :: dtype, ndim, order
      integer(c_int64_t), intent(in) :: global_shape(*), offset(*), count(*)
      integer(c_size_t), value :: nbytes
      integer(c_int) :: rc
    end function
  end interface

contains

  ! ---- opening ------------------------------------------------------------------------------

  !> Starts a .npz on every rank of comm (collective); it appears (replacing any old file
  !> atomically) at close. Options as for ser_create_npz (compress, compression_level,
  !> align_data: the same on every rank).
  subroutine ser_create_npz_mpi(f, comm, path, stat, errmsg, options)
    type(ser_file), intent(out) :: f
    type(MPI_Comm), intent(in) :: comm
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    call ser_open_through(f, c_npz_open_mpi_f, int(comm%MPI_VAL, c_int), path, SER_WRITE, stat, errmsg, options)
  end subroutine

  !> Opens a .npz for reading on every rank of comm (collective; the reads are independent).
  subroutine ser_open_npz_mpi(f, comm, path, stat, errmsg, options, key_path, ignore_names)
    type(ser_file), intent(out) :: f
    type(MPI_Comm), intent(in) :: comm
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    character(*), intent(in), optional :: key_path, ignore_names(:)
    call ser_open_through(f, c_npz_open_mpi_f, int(comm%MPI_VAL, c_int), path, SER_READ, stat, errmsg, options, &
                          key_path, ignore_names)
  end subroutine

  !> Starts an HDF5 file on every rank of comm (collective, parallel HDF5); it appears at close.
  subroutine ser_create_h5_mpi(f, comm, path, stat, errmsg, options)
    type(ser_file), intent(out) :: f
    type(MPI_Comm), intent(in) :: comm
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    call ser_open_through(f, c_h5_open_mpi_f, int(comm%MPI_VAL, c_int), path, SER_WRITE, stat, errmsg, options)
  end subroutine

  !> Opens an HDF5 file for reading on every rank of comm (collective; the reads are independent).
  subroutine ser_open_h5_mpi(f, comm, path, stat, errmsg, options, key_path, ignore_names)
    type(ser_file), intent(out) :: f
    type(MPI_Comm), intent(in) :: comm
    character(*), intent(in) :: path
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    type(ser_options), intent(in), optional :: options
    character(*), intent(in), optional :: key_path, ignore_names(:)
    call ser_open_through(f, c_h5_open_mpi_f, int(comm%MPI_VAL, c_int), path, SER_READ, stat, errmsg, options, &
                          key_path, ignore_names)
  end subroutine

  ! ---- broadcast reads ----------------------------------------------------------------------

  !> Performs the reads of batch on rank root (default 0) and broadcasts them to every rank
  !> (collective: every rank queues the same keys, element types and shapes, into its own
  !> arrays). Statuses and outcomes are root's get_batch ones, the same on every rank.
  subroutine ser_get_batch_bcast(f, batch, root, stat, errmsg)
    type(ser_file), intent(in) :: f
    type(ser_batch), intent(inout), target :: batch
    integer, intent(in), optional :: root
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    integer(c_int) :: r
    r = 0
    if (present(root)) r = int(root, c_int)
    call ser_get_batch_through(f, batch, c_get_arrays_bcast_ex, r, stat, errmsg)
  end subroutine

  ! ---- slab puts ----------------------------------------------------------------------------

  !> This rank's block at p (extents shp, column-major) of the array of global_shape at offset.
  !> Lengths that do not match the block's rank are padded with -1 rather than refused here, so
  !> that this rank still takes part in the collective call and every rank fails together.
  subroutine put_slab_any(f, key, dtype, shp, itemsize, p, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    integer(c_int32_t), intent(in) :: dtype
    integer(int64), intent(in) :: shp(:), itemsize, global_shape(:), offset(:)
    type(c_ptr), intent(in) :: p
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    integer(c_int64_t) :: g(max(1, size(shp), size(global_shape), size(offset)))
    integer(c_int64_t) :: o(size(g)), c(size(g))
    integer :: n
    n = max(size(shp), size(global_shape), size(offset))
    g = -1
    o = -1
    c = -1
    g(1:size(global_shape)) = global_shape
    o(1:size(offset)) = offset
    c(1:size(shp)) = shp
    call ser_check(c_put_array_slab_ex(ser_file_handle(f), key // c_null_char, dtype, int(n, c_int32_t), g, o, c, &
                                       SER_ORDER_F, p, int(product(shp) * itemsize, c_size_t)), stat, errmsg)
  end subroutine

  subroutine put_slab_r32(f, key, a, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    real(real32), intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_slab_any(f, key, SER_FLOAT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), global_shape, offset, &
                      stat, errmsg)
  end subroutine

  subroutine put_slab_r64(f, key, a, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    real(real64), intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_slab_any(f, key, SER_FLOAT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), global_shape, offset, &
                      stat, errmsg)
  end subroutine

  subroutine put_slab_c64(f, key, a, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    complex(real32), intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_slab_any(f, key, SER_COMPLEX64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), global_shape, offset, &
                      stat, errmsg)
  end subroutine

  subroutine put_slab_c128(f, key, a, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    complex(real64), intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_slab_any(f, key, SER_COMPLEX128, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), global_shape, offset, &
                      stat, errmsg)
  end subroutine

  subroutine put_slab_i8(f, key, a, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    integer(int8), intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_slab_any(f, key, SER_INT8, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), global_shape, offset, &
                      stat, errmsg)
  end subroutine

  !> dtype: SER_INT16 (the default), SER_UINT16 or SER_FLOAT16 (binary16 bits), as for put.
  subroutine put_slab_i16(f, key, a, global_shape, offset, stat, errmsg, dtype)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    integer(int16), intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    integer(c_int32_t), intent(in), optional :: dtype
    integer(c_int32_t) :: d
    d = SER_INT16
    if (present(dtype)) d = dtype
    call put_slab_any(f, key, d, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), global_shape, offset, stat, errmsg)
  end subroutine

  subroutine put_slab_i32(f, key, a, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    integer(int32), intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_slab_any(f, key, SER_INT32, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), global_shape, offset, &
                      stat, errmsg)
  end subroutine

  subroutine put_slab_i64(f, key, a, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    integer(int64), intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_slab_any(f, key, SER_INT64, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), global_shape, offset, &
                      stat, errmsg)
  end subroutine

  subroutine put_slab_b(f, key, a, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    logical(c_bool), intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    call put_slab_any(f, key, SER_BOOL, shape(a, int64), storage_size(a, int64) / 8, c_loc(a), global_shape, offset, &
                      stat, errmsg)
  end subroutine

  !> Default logical (4 bytes an element) goes through a logical(c_bool) copy, as put does.
  subroutine put_slab_l(f, key, a, global_shape, offset, stat, errmsg)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key
    logical, intent(in), target, contiguous :: a(..)
    integer(int64), intent(in) :: global_shape(:), offset(:)
    integer, intent(out), optional :: stat
    character(*), intent(inout), optional :: errmsg
    logical, pointer :: flat(:)
    logical(c_bool), allocatable, target :: bytes(:)
    call c_f_pointer(c_loc(a), flat, [size(a)])
    allocate (bytes(max(1, size(a))))
    bytes(1:size(a)) = logical(flat, c_bool)
    call put_slab_any(f, key, SER_BOOL, shape(a, int64), 1_int64, c_loc(bytes), global_shape, offset, stat, errmsg)
  end subroutine

end module chainerser_mpi
