!> Tests of the Fortran MPI binding (module chainerser_mpi) under mpirun.
!> Usage: test_chainerser_mpi write DIR   every rank writes its blocks of a decomposed field and
!>                                        its own model weights to DIR/ckpt_z.npz (compressed),
!>                                        DIR/ckpt_s.npz (stored) and DIR/ckpt.h5, then the error
!>                                        cases (bindings/python_checks/fortran_mpi.py checks the files)
!>        test_chainerser_mpi read DIR P  the files written by P ranks read back on this run's
!>                                        ranks: other blocks, and a broadcast batch
!> Values are functions of the global 0-based NumPy indices (the same formulas as fortran_mpi.py).
module fmpi_values
  use, intrinsic :: iso_fortran_env, only: real32, real64, int8, int32, int64
  implicit none
  integer(int64), parameter :: NX = 7, NY = 10           ! field/T_* and field/u: (NX, NY)
  integer(int64), parameter :: RHO_SHAPE(3) = [4, 5, 6]         ! field/rho, split along its last axis
  integer(int64), parameter :: NIDS = 11                  ! field/ids
  integer(int64), parameter :: Q4_SHAPE(4) = [2, 3, 4, 5]       ! field/q4, split along its second axis
  integer(int64), parameter :: FL_SHAPE(2) = [3, 8]             ! field/flags, split along its columns
contains
  elemental real(real64) function t_value(i, j)
    integer(int64), intent(in) :: i, j
    t_value = 1000 * i + j + 0.25_real64
  end function
  elemental integer(int32) function mask_value(i, j)
    integer(int64), intent(in) :: i, j
    mask_value = int(7 * i - 3 * j, int32)
  end function
  elemental real(real32) function rho_value(i, j, k)
    integer(int64), intent(in) :: i, j, k
    rho_value = real(i + 10 * j + 100 * k, real32) + 0.5_real32
  end function
  elemental integer(int64) function id_value(n)
    integer(int64), intent(in) :: n
    id_value = 3 * n + 2_int64**40
  end function
  elemental real(real64) function q4_value(a, b, c, d)
    integer(int64), intent(in) :: a, b, c, d
    q4_value = real(a + 10 * b + 100 * c + 1000 * d, real64)
  end function
  elemental logical function flag_value(i, j)
    integer(int64), intent(in) :: i, j
    flag_value = mod(i + 2 * j, 3_int64) == 0
  end function
  elemental complex(real64) function z_value(i, j)
    integer(int64), intent(in) :: i, j
    z_value = cmplx(real(i, real64) + 0.5_real64, -real(j, real64), real64)
  end function
  elemental integer(int8) function i8_value(i, j)
    integer(int64), intent(in) :: i, j
    i8_value = int(mod(11 * i + j, 256_int64) - 128, int8)
  end function
  elemental real(real32) function half_value(i, j)
    integer(int64), intent(in) :: i, j
    half_value = real(i - j, real32) * 0.5_real32
  end function
  elemental real(real32) function w_value(r, i, j)
    integer(int64), intent(in) :: r, i, j
    w_value = real(100 * r + 10 * i + j, real32)
  end function
  elemental integer(int64) function b_value(r, i)
    integer(int64), intent(in) :: r, i
    b_value = 1000 * r + i
  end function
  !> The range [lo, hi) of part p of n split into np parts.
  pure subroutine split(n, p, np, lo, cnt)
    integer(int64), intent(in) :: n
    integer, intent(in) :: p, np
    integer(int64), intent(out) :: lo, cnt
    lo = n * p / np
    cnt = n * (p + 1) / np - lo
  end subroutine
end module fmpi_values

program test_chainerser_mpi
  use, intrinsic :: iso_c_binding, only: c_bool
  use, intrinsic :: iso_fortran_env, only: real32, real64, int8, int16, int32, int64, error_unit
  use mpi_f08
  use chainerser
  use chainerser_mpi
  use fmpi_values
  implicit none

  character(*), parameter :: FILES(3) = [character(12) :: 'ckpt_z.npz', 'ckpt_s.npz', 'ckpt.h5']
  character(:), allocatable :: mode, dir
  integer :: rank, nranks, failures, total, k, writers

  call MPI_Init()
  call MPI_Comm_rank(MPI_COMM_WORLD, rank)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks)
  failures = 0
  mode = arg(1)
  dir = arg(2)
  if (mode == 'write') then
    do k = 1, size(FILES)
      call write_checkpoint(trim(FILES(k)))
    end do
    call mismatched_global_shape('npz')
    call mismatched_global_shape('h5')
    call offset_of_the_wrong_length()
  else if (mode == 'read') then
    mode = arg(3)
    read (mode, *) writers
    mode = 'read'
    do k = 1, size(FILES)
      call read_blocks(trim(FILES(k)))
      call read_bcast(trim(FILES(k)), writers)
    end do
  else
    call fail('usage: test_chainerser_mpi write DIR | read DIR P')
  end if
  call MPI_Allreduce(failures, total, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD)
  if (rank == 0) print '(a, a, a, i0, a, i0)', 'test_chainerser_mpi ', mode, ' on ', nranks, ' ranks: failures ', total
  call MPI_Finalize()
  if (total /= 0) error stop 1

contains

  !> Command-line argument i without trailing blanks.
  function arg(i) result(s)
    integer, intent(in) :: i
    character(:), allocatable :: s
    character(4096) :: buf
    call get_command_argument(i, buf)
    s = trim(buf)
  end function

  function itoa(i) result(s)
    integer(int64), intent(in) :: i
    character(:), allocatable :: s
    character(24) :: buf
    write (buf, '(i0)') i
    s = trim(buf)
  end function

  subroutine fail(what)
    character(*), intent(in) :: what
    write (error_unit, '(a, i0, a, a)') 'FAIL rank ', rank, ': ', what
    failures = failures + 1
  end subroutine

  subroutine expect_ok(st, msg, what)
    integer, intent(in) :: st
    character(*), intent(in) :: msg, what
    if (st /= 0) call fail(what // ': stat ' // itoa(int(st, int64)) // ': ' // trim(msg))
  end subroutine

  subroutine open_writer(f, name, st, msg)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: name
    integer, intent(out) :: st
    character(*), intent(inout) :: msg
    type(ser_options) :: o
    o = ser_default_options()
    if (name == 'ckpt_s.npz') o%compress = 0
    if (index(name, '.h5') > 0) then
      call ser_create_h5_mpi(f, MPI_COMM_WORLD, dir // '/' // name, stat=st, errmsg=msg, options=o)
    else
      call ser_create_npz_mpi(f, MPI_COMM_WORLD, dir // '/' // name, stat=st, errmsg=msg, options=o)
    end if
  end subroutine

  subroutine open_reader(f, name, st, msg)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: name
    integer, intent(out) :: st
    character(*), intent(inout) :: msg
    if (index(name, '.h5') > 0) then
      call ser_open_h5_mpi(f, MPI_COMM_WORLD, dir // '/' // name, stat=st, errmsg=msg)
    else
      call ser_open_npz_mpi(f, MPI_COMM_WORLD, dir // '/' // name, stat=st, errmsg=msg)
    end if
  end subroutine

  !> The process grid of field/T_grid: (px, py) with px * py = nranks, this rank at (ix, iy).
  subroutine grid(px, py, ix, iy)
    integer, intent(out) :: px, py, ix, iy
    py = merge(2, 1, mod(nranks, 2) == 0 .and. nranks > 2)
    px = nranks / py
    ix = mod(rank, px)
    iy = rank / px
  end subroutine

  subroutine write_checkpoint(name)
    character(*), intent(in) :: name
    type(ser_file) :: f, child
    character(256) :: msg
    integer :: st, px, py, ix, iy
    integer(int64) :: i0, ni, j0, nj, k0, nk, a, b, c, d, i, j, r
    real(real64), allocatable :: cols(:, :), blk(:, :), rows(:, :), q(:, :, :, :)
    integer(int32), allocatable :: mask(:, :)
    real(real32), allocatable :: rho(:, :, :), w(:, :)
    integer(int64), allocatable :: ids(:), bias(:)
    logical, allocatable :: flags(:, :)
    complex(real64), allocatable :: z(:, :)
    integer(int8), allocatable :: i8(:, :)
    integer(int16), allocatable :: h(:, :)
    msg = ''
    call open_writer(f, name, st, msg)
    call expect_ok(st, msg, name // ': open')
    if (st /= 0) return

    ! Column blocks: all rows, this rank's columns.
    call split(NY, rank, nranks, j0, nj)
    allocate (cols(NX, nj))
    do j = 1, nj
      do i = 1, NX
        cols(i, j) = t_value(i - 1, j0 + j - 1)
      end do
    end do
    call ser_put_slab(f, 'field/T_cols', cols, [NX, NY], [0_int64, j0], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': T_cols')
    ! The same blocks as complex128, int8 and float16 (binary16 bits in int16).
    allocate (z(NX, nj), i8(NX, nj), h(NX, nj))
    do j = 1, nj
      do i = 1, NX
        z(i, j) = z_value(i - 1, j0 + j - 1)
        i8(i, j) = i8_value(i - 1, j0 + j - 1)
        h(i, j) = ser_real32_to_half(half_value(i - 1, j0 + j - 1))
      end do
    end do
    call ser_put_slab(f, 'field/z', z, [NX, NY], [0_int64, j0], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': z')
    call ser_put_slab(f, 'field/i8', i8, [NX, NY], [0_int64, j0], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': i8')
    call ser_put_slab(f, 'field/h', h, [NX, NY], [0_int64, j0], stat=st, errmsg=msg, dtype=SER_FLOAT16)
    call expect_ok(st, msg, name // ': h')

    ! 2-D blocks of a px x py grid, as real64 and as int32.
    call grid(px, py, ix, iy)
    call split(NX, ix, px, i0, ni)
    call split(NY, iy, py, j0, nj)
    allocate (blk(ni, nj), mask(ni, nj))
    do j = 1, nj
      do i = 1, ni
        blk(i, j) = t_value(i0 + i - 1, j0 + j - 1)
        mask(i, j) = mask_value(i0 + i - 1, j0 + j - 1)
      end do
    end do
    call ser_put_slab(f, 'field/T_grid', blk, [NX, NY], [i0, j0], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': T_grid')
    call ser_put_slab(f, 'field/mask', mask, [NX, NY], [i0, j0], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': mask')

    ! Row blocks over all ranks but the last, which has an empty block (0 rows).
    if (nranks == 1 .or. rank < nranks - 1) then
      call split(NX, rank, max(1, nranks - 1), i0, ni)
    else
      i0 = NX
      ni = 0
    end if
    allocate (rows(ni, NY))
    do j = 1, NY
      do i = 1, ni
        rows(i, j) = t_value(i0 + i - 1, j - 1)
      end do
    end do
    call ser_put_slab(f, 'field/u', rows, [NX, NY], [i0, 0_int64], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': u')

    ! 3-D real32 split along its last axis; 1-D int64; 4-D real64 split along its second axis
    ! (3 planes: on 4 ranks one rank has none); default logical.
    call split(RHO_SHAPE(3), rank, nranks, k0, nk)
    allocate (rho(RHO_SHAPE(1), RHO_SHAPE(2), nk))
    do c = 1, nk
      do b = 1, RHO_SHAPE(2)
        do a = 1, RHO_SHAPE(1)
          rho(a, b, c) = rho_value(a - 1, b - 1, k0 + c - 1)
        end do
      end do
    end do
    call ser_put_slab(f, 'field/rho', rho, RHO_SHAPE, [0_int64, 0_int64, k0], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': rho')
    call split(NIDS, rank, nranks, i0, ni)
    ids = [(id_value(i), i = i0, i0 + ni - 1)]
    call ser_put_slab(f, 'field/ids', ids, [NIDS], [i0], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': ids')
    call split(Q4_SHAPE(2), rank, nranks, j0, nj)
    allocate (q(Q4_SHAPE(1), nj, Q4_SHAPE(3), Q4_SHAPE(4)))
    do d = 1, Q4_SHAPE(4)
      do c = 1, Q4_SHAPE(3)
        do b = 1, nj
          do a = 1, Q4_SHAPE(1)
            q(a, b, c, d) = q4_value(a - 1, j0 + b - 1, c - 1, d - 1)
          end do
        end do
      end do
    end do
    call ser_put_slab(f, 'field/q4', q, Q4_SHAPE, [0_int64, j0, 0_int64, 0_int64], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': q4')
    call split(FL_SHAPE(2), rank, nranks, j0, nj)
    allocate (flags(FL_SHAPE(1), nj))
    do j = 1, nj
      do i = 1, FL_SHAPE(1)
        flags(i, j) = flag_value(i - 1, j0 + j - 1)
      end do
    end do
    call ser_put_slab(f, 'field/flags', flags, FL_SHAPE, [0_int64, j0], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': flags')

    ! Rank-local: this rank's own model weights, through a child; rank 0 a string too.
    r = rank
    allocate (w(3, 4), bias(3))
    do j = 1, 4
      do i = 1, 3
        w(i, j) = w_value(r, i - 1, j - 1)
      end do
    end do
    bias = [(b_value(r, i), i = 0, 2)]
    call f%child('model/rank' // itoa(r), child, stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': child')
    call child%put('W', w, stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': W')
    call child%put('b', bias, stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': b')
    call child%close()
    if (rank == 0) call f%put_string('meta/writer', 'fortran mpi', stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': meta/writer')

    call f%close(stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': close')
  end subroutine

  !> The last rank passes another global shape: every rank's stat is non-zero with a message
  !> naming the mismatch, the close fails too, and no file appears.
  subroutine mismatched_global_shape(format)
    character(*), intent(in) :: format
    type(ser_file) :: f
    character(256) :: msg
    character(:), allocatable :: path
    integer :: st
    integer(int64) :: j0, nj, g(2)
    real(real64), allocatable :: cols(:, :)
    logical :: there
    path = dir // '/bad.' // format
    msg = ''
    if (format == 'h5') then
      call ser_create_h5_mpi(f, MPI_COMM_WORLD, path, stat=st, errmsg=msg)
    else
      call ser_create_npz_mpi(f, MPI_COMM_WORLD, path, stat=st, errmsg=msg)
    end if
    call expect_ok(st, msg, path // ': open')
    call split(NY, rank, nranks, j0, nj)
    allocate (cols(NX, nj))
    cols = 1
    g = [NX, NY]
    if (rank == nranks - 1) g(1) = NX + 1
    if (nranks == 1) nj = nj - 1   ! one rank cannot disagree with itself: leave a gap instead
    msg = ''
    call ser_put_slab(f, 'field/T', cols(:, 1:nj), g, [0_int64, j0], stat=st, errmsg=msg)
    if (st == 0) call fail(path // ': a mismatched global shape was accepted')
    if (st /= SER_EINVAL) call fail(path // ': mismatch: stat ' // itoa(int(st, int64)) // ', not SER_EINVAL')
    if (len_trim(msg) == 0) call fail(path // ': mismatch: no message')
    if (nranks > 1 .and. index(msg, 'mismatched collective calls') == 0) &
      call fail(path // ': mismatch: message "' // trim(msg) // '"')
    if (nranks == 1 .and. index(msg, 'field/T') == 0) call fail(path // ': gap: message "' // trim(msg) // '"')
    msg = ''
    call f%close(stat=st, errmsg=msg)
    if (st == 0 .or. len_trim(msg) == 0) call fail(path // ': close after a failed slab succeeded')
    call MPI_Barrier(MPI_COMM_WORLD)
    inquire (file=path, exist=there)
    if (there) call fail(path // ': a failed save left a file')
  end subroutine

  !> One rank's offset has one value too few: every rank fails (no rank waits for it).
  subroutine offset_of_the_wrong_length()
    type(ser_file) :: f
    character(256) :: msg
    integer :: st
    integer(int32) :: v(1, 1)
    v = 1
    msg = ''
    call ser_create_npz_mpi(f, MPI_COMM_WORLD, dir // '/bad_offset.npz', stat=st, errmsg=msg)
    call expect_ok(st, msg, 'bad_offset.npz: open')
    if (rank == nranks - 1) then
      call ser_put_slab(f, 'x', v, [int(nranks, int64), 1_int64], [int(rank, int64)], stat=st, errmsg=msg)
    else
      call ser_put_slab(f, 'x', v, [int(nranks, int64), 1_int64], [int(rank, int64), 0_int64], stat=st, errmsg=msg)
    end if
    if (st == 0 .or. len_trim(msg) == 0) call fail('an offset of the wrong length was accepted')
    call f%discard()
  end subroutine

  !> Blocks of another decomposition than the writers': row blocks of the 2-D fields, a slice of
  !> rho, each read with get(..., offset=) on this run's ranks.
  subroutine read_blocks(name)
    character(*), intent(in) :: name
    type(ser_file) :: f
    character(256) :: msg
    integer :: st
    integer(int64) :: i0, ni, i, j, a, b, k0, nk
    real(real64), allocatable :: rows(:, :), grid_rows(:, :), u_rows(:, :)
    integer(int32), allocatable :: mask(:, :)
    real(real32), allocatable :: rho(:, :, :)
    integer(int64), allocatable :: shp(:)
    msg = ''
    call open_reader(f, name, st, msg)
    call expect_ok(st, msg, name // ': open for reading')
    if (st /= 0) return
    call f%shape_of('field/T_cols', shp, stat=st, errmsg=msg)
    if (any(shp /= [NX, NY])) call fail(name // ': T_cols has shape ' // itoa(shp(1)) // ' x ' // itoa(shp(2)))
    call split(NX, rank, nranks, i0, ni)
    allocate (rows(ni, NY), grid_rows(ni, NY), u_rows(ni, NY), mask(ni, NY))
    call f%get('field/T_cols', rows, offset=[i0, 0_int64], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': T_cols rows')
    call f%get('field/T_grid', grid_rows, offset=[i0, 0_int64], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': T_grid rows')
    call f%get('field/u', u_rows, offset=[i0, 0_int64], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': u rows')
    call f%get('field/mask', mask, offset=[i0, 0_int64], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': mask rows')
    do j = 1, NY
      do i = 1, ni
        if (rows(i, j) /= t_value(i0 + i - 1, j - 1) .or. grid_rows(i, j) /= t_value(i0 + i - 1, j - 1) .or. &
            u_rows(i, j) /= t_value(i0 + i - 1, j - 1) .or. mask(i, j) /= mask_value(i0 + i - 1, j - 1)) then
          call fail(name // ': wrong value at [' // itoa(i0 + i - 1) // ', ' // itoa(j - 1) // ']')
          exit
        end if
      end do
    end do
    ! rho: this rank's share of its first axis, two planes of the last.
    call split(RHO_SHAPE(1), rank, nranks, i0, ni)
    k0 = 3
    nk = 2
    allocate (rho(ni, RHO_SHAPE(2), nk))
    call f%get('field/rho', rho, offset=[i0, 0_int64, k0], stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': rho block')
    do b = 1, nk
      do j = 1, RHO_SHAPE(2)
        do a = 1, ni
          if (rho(a, j, b) /= rho_value(i0 + a - 1, j - 1, k0 + b - 1)) then
            call fail(name // ': wrong rho at [' // itoa(i0 + a - 1) // ', ' // itoa(j - 1) // ', ' // itoa(k0 + b - 1) // ']')
            return
          end if
        end do
      end do
    end do
    call f%close()
  end subroutine

  !> Every rank gets the whole of T_grid, q4, flags and each writer's weights from the last rank
  !> (ser_get_batch_bcast), and a missing key is the same error on every rank.
  subroutine read_bcast(name, writers)
    character(*), intent(in) :: name
    integer, intent(in) :: writers
    type(ser_file) :: f
    type(ser_batch) :: batch, missing
    character(256) :: msg
    integer :: st, r
    integer(int64) :: i, j, a, b, c, d
    real(real64), target :: t(NX, NY), q(Q4_SHAPE(1), Q4_SHAPE(2), Q4_SHAPE(3), Q4_SHAPE(4))
    logical(c_bool), target :: flags(FL_SHAPE(1), FL_SHAPE(2))
    real(real32), allocatable, target :: w(:, :, :)
    integer(int64), allocatable, target :: bias(:, :)
    real(real64), target :: none(2)
    msg = ''
    call open_reader(f, name, st, msg)
    call expect_ok(st, msg, name // ': open for reading')
    if (st /= 0) return
    t = 0
    q = 0
    flags = .false.
    allocate (w(3, 4, writers), bias(3, writers))
    w = 0
    bias = 0
    call batch%add('field/T_grid', t)
    call batch%add('field/q4', q)
    call batch%add('field/flags', flags)
    do r = 1, writers
      call batch%add('model/rank' // itoa(int(r - 1, int64)) // '/W', w(:, :, r))
      call batch%add('model/rank' // itoa(int(r - 1, int64)) // '/b', bias(:, r))
    end do
    call ser_get_batch_bcast(f, batch, root=nranks - 1, stat=st, errmsg=msg)
    call expect_ok(st, msg, name // ': bcast')
    do i = 1, batch%size()
      if (batch%outcome(int(i)) /= SER_LOADED) call fail(name // ': bcast: read ' // itoa(i) // ' not loaded')
    end do
    do j = 1, NY
      do i = 1, NX
        if (t(i, j) /= t_value(i - 1, j - 1)) call fail(name // ': bcast T_grid at ' // itoa(i - 1) // ', ' // itoa(j - 1))
      end do
    end do
    do j = 1, FL_SHAPE(2)
      do i = 1, FL_SHAPE(1)
        if (flags(i, j) .neqv. logical(flag_value(i - 1, j - 1), c_bool)) call fail(name // ': bcast flags')
      end do
    end do
    do d = 1, Q4_SHAPE(4)
      do c = 1, Q4_SHAPE(3)
        do b = 1, Q4_SHAPE(2)
          do a = 1, Q4_SHAPE(1)
            if (q(a, b, c, d) /= q4_value(a - 1, b - 1, c - 1, d - 1)) call fail(name // ': bcast q4')
          end do
        end do
      end do
    end do
    do r = 1, writers
      do j = 1, 4
        do i = 1, 3
          if (w(i, j, r) /= w_value(int(r - 1, int64), i - 1, j - 1)) &
            call fail(name // ': bcast W of rank ' // itoa(int(r - 1, int64)))
        end do
      end do
      if (any(bias(:, r) /= [(b_value(int(r - 1, int64), i), i = 0, 2)])) call fail(name // ': bcast b')
    end do
    ! A missing key: root's SER_ENOTFOUND with its message, on every rank.
    call missing%add('model/none/W', none)
    msg = ''
    call ser_get_batch_bcast(f, missing, stat=st, errmsg=msg)
    if (st /= SER_ENOTFOUND .or. index(msg, 'model/none/W') == 0) &
      call fail(name // ': bcast of a missing key: stat ' // itoa(int(st, int64)) // ' "' // trim(msg) // '"')
    call f%close()
  end subroutine

end program test_chainerser_mpi
