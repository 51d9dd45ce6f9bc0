!> Tests of the Fortran binding against the real library and NumPy/h5py.
!> Usage: test_chainerser REPO_DIR WORK_DIR  (REPO_DIR holds tests/data and bindings/python_checks)
module test_predicates
  use, intrinsic :: iso_c_binding
  use chainerser, only: ser_c_string
  implicit none
contains
  !> An ignore_fn: skips every bias, counting its calls in the integer(c_int) at ctx.
  function skip_biases(key, ctx) bind(C) result(skip)
    type(c_ptr), value :: key, ctx
    integer(c_int) :: skip
    integer(c_int), pointer :: calls
    character(:), allocatable :: k
    call c_f_pointer(ctx, calls)
    calls = calls + 1
    k = ser_c_string(key)
    skip = merge(1, 0, len(k) >= 2 .and. k(max(1, len(k) - 1):) == '/b')
  end function
end module test_predicates

program test_chainerser
  use, intrinsic :: iso_c_binding, only: c_bool, c_int, c_funloc, c_loc, c_ptr, c_f_pointer, c_associated
  use, intrinsic :: iso_fortran_env, only: real32, real64, int8, int16, int32, int64, error_unit
  use chainerser
  use test_predicates
  implicit none

  character(*), parameter :: LOG_TEXT = '[{"main/loss": 0.25, "unit": "' // char(194) // char(181) // 's"}]'
  character(:), allocatable :: repo, work, python
  integer :: failures = 0

  !> One array of each element type the binding maps (bindings/python_checks/fortran_arrays.py).
  type :: typed_arrays
    real(real32) :: r32(2, 3, 4) = 0
    complex(real32) :: c64(3, 2) = 0
    integer(int8) :: i8(4, 3) = 0
    integer(int16) :: i16(2, 2, 2, 2) = 0
    logical(c_bool) :: b(3, 4) = .false.
    logical :: l(2, 5) = .false.
  end type

  repo = arg(1)
  work = arg(2)
  python = env('CHAINERSER_PYTHON', '/usr/bin/python3')

  call model_round_trip('npz')
  call model_round_trip('h5')
  call fixture_matches_python('mlp.npz')
  call fixture_matches_python('cnn.npz')
  call fixture_matches_python('cnn.h5')
  call linear_weight_is_the_same_matrix()
  call error_paths()
  call element_types_round_trip('npz')
  call element_types_round_trip('h5')
  call numpy_orders_read()
  call slabs_and_batches('npz')
  call slabs_and_batches('h5')
  call open_options()
  call versions_and_errors()
  call npz_views()
  call float16_matches_numpy('npz')
  call float16_matches_numpy('h5')
  call strings_match_numpy('npz')
  call strings_match_numpy('h5')
  call scalars_match_numpy('npz')
  call scalars_match_numpy('h5')
  call blocks_match_numpy('npz')
  call blocks_match_numpy('h5')

  if (failures > 0) then
    write (error_unit, '(i0, a)') failures, ' check(s) failed'
    error stop 1
  end if
  print '(a)', 'all Fortran binding tests passed'

contains

  function arg(i) result(s)
    integer, intent(in) :: i
    character(:), allocatable :: s
    integer :: n
    call get_command_argument(i, length=n)
    if (n == 0) error stop 'usage: test_chainerser REPO_DIR WORK_DIR'
    allocate (character(n) :: s)
    call get_command_argument(i, s)
  end function

  function env(name, default) result(s)
    character(*), intent(in) :: name, default
    character(:), allocatable :: s
    integer :: n, st
    call get_environment_variable(name, length=n, status=st)
    if (st /= 0 .or. n == 0) then
      s = default
      return
    end if
    allocate (character(n) :: s)
    call get_environment_variable(name, s)
  end function

  subroutine check(ok, what)
    logical, intent(in) :: ok
    character(*), intent(in) :: what
    if (ok) return
    failures = failures + 1
    write (error_unit, '(a)') 'FAIL: ' // what
  end subroutine

  !> Stops on a failed call (for calls that must succeed), printing the library's message.
  subroutine must(stat, msg, what)
    integer, intent(in) :: stat
    character(*), intent(in) :: msg, what
    if (stat == 0) return
    write (error_unit, '(a, i0, a)') 'FAIL: ' // what // ': stat ', stat, ': ' // trim(msg)
    error stop 1
  end subroutine

  !> Runs a script of bindings/python_checks; returns its exit status.
  integer function run_python(script, args) result(status)
    character(*), intent(in) :: script, args
    integer :: cmdstat
    call execute_command_line(python // ' ' // repo // '/bindings/python_checks/' // script // ' ' // args, &
                              exitstat=status, cmdstat=cmdstat)
    if (cmdstat /= 0) status = -1
  end function

  ! The model of bindings/python_checks/check_model.py, with 1-based Fortran indices:
  ! W(i, j) here is W[i-1, j-1] in NumPy.
  subroutine model_round_trip(fmt)
    character(*), intent(in) :: fmt
    type(ser_file) :: f, predictor, l1
    real(real32) :: w1(3, 4), b1(3), w2(2, 3), b2(2), back_w1(3, 4), back_w2(2, 3), s32, back_b1(3)
    integer(int32) :: i32(2, 3, 4), back_i32(2, 3, 4)
    real(real64) :: f64(2, 3, 2, 2), back_f64(2, 3, 2, 2)
    integer(int64) :: iteration
    character(:), allocatable :: path, text, keys(:)
    character(len=1024) :: msg
    integer :: i, j, k, l, st, outcome

    do i = 1, 3
      do j = 1, 4
        w1(i, j) = 0.25 * (10 * (i - 1) + (j - 1)) - 2
      end do
      b1(i) = 0.5 * (i - 1) - 1
    end do
    do i = 1, 2
      do j = 1, 3
        w2(i, j) = 0.125 * (10 * (i - 1) + (j - 1))
      end do
      b2(i) = -(i - 1)
    end do
    do concurrent(i=1:2, j=1:3, k=1:4)
      i32(i, j, k) = 100 * (i - 1) + 10 * (j - 1) + (k - 1)
    end do
    do concurrent(i=1:2, j=1:3, k=1:2, l=1:2)
      f64(i, j, k, l) = 1000 * (i - 1) + 100 * (j - 1) + 10 * (k - 1) + (l - 1) + 0.5d0
    end do

    path = work // '/fortran_model.' // fmt
    call open_as(f, fmt, path, create=.true.)
    call f%child('predictor', predictor, st, msg)
    call must(st, msg, 'child predictor')
    call predictor%child('l1', l1, st, msg)
    call must(st, msg, 'child l1')
    call l1%put('W', w1, st, msg)
    call must(st, msg, 'put W')
    call l1%put('b', b1)
    call predictor%put('l2/W', w2)
    call predictor%put('l2/b', b2)
    call predictor%put_none('lazy/W')
    call f%put('updater/iteration', 1000_int64)
    call f%put_string('extensions/LogReport/_log', LOG_TEXT)
    call f%put('extra/i32', i32)
    call f%put('extra/f64', f64)
    call f%put('extra/f32', 2.5_real32)
    call l1%close()
    call predictor%close()
    call f%close(st, msg)
    call must(st, msg, 'close (commit) ' // path)

    call check(run_python('check_model.py', fmt // ' ' // path) == 0, fmt // ' model: check_model.py')

    call open_as(f, fmt, path, create=.false.)
    call f%keys(keys)
    call check(size(keys) == 10, fmt // ': 10 keys')
    if (size(keys) == 10) then
      call check(keys(1) == 'extensions/LogReport/_log' .and. keys(5) == 'predictor/l1/W' &
                 .and. keys(10) == 'updater/iteration', fmt // ': sorted keys')
    end if
    call f%get('predictor/l1/W', back_w1)
    call check(all(back_w1 == w1), fmt // ': l1/W')
    call f%get('predictor/l1/b', back_b1)
    call check(all(back_b1 == b1), fmt // ': l1/b')
    call f%get('predictor/l2/W', back_w2)
    call check(all(back_w2 == w2), fmt // ': l2/W')
    call f%get('extra/i32', back_i32)
    call check(all(back_i32 == i32), fmt // ': extra/i32')
    call f%get('extra/f64', back_f64)
    call check(all(back_f64 == f64), fmt // ': extra/f64')
    call f%get('extra/f32', s32)
    call check(s32 == 2.5, fmt // ': extra/f32')
    call f%get('updater/iteration', iteration)
    call check(iteration == 1000, fmt // ': iteration')
    call check(f%is_none('predictor/lazy/W'), fmt // ': lazy/W is None')
    back_w1 = -7
    call f%get('predictor/lazy/W', back_w1, outcome=outcome)
    call check(outcome == SER_WAS_NONE .and. all(back_w1 == -7), fmt // ': reading None leaves the array')
    call f%get_string('extensions/LogReport/_log', text)
    call check(text == LOG_TEXT, fmt // ': _log string')
    call f%close()
  end subroutine

  !> Compares every numeric entry NumPy/h5py reads (dump_fixture.py) with this binding. The
  !> first/mid/last values are at C-order flat indices; their Fortran positions are computed
  !> from the same NumPy indices, so a wrong axis order shows up as a wrong value.
  subroutine fixture_matches_python(name)
    character(*), intent(in) :: name
    character(:), allocatable :: path, dump
    character(len=1024) :: msg
    character(len=256) :: key, descr
    character(len=4096) :: line
    type(ser_file) :: f
    integer(int64) :: dims(4), n, cpos(3), k
    real(real64) :: want(4), got(3)
    real(real64), allocatable :: flat(:)
    integer :: unit, ios, ndim, st, entries

    path = repo // '/tests/data/' // name
    dump = work // '/dump_' // name // '.txt'
    call check(run_python('dump_fixture.py', path // ' > ' // dump) == 0, name // ': dump_fixture.py')
    if (index(name, '.h5') > 0) then
      call ser_open_h5(f, path, st, msg)
    else
      call ser_open_npz(f, path, st, msg)
    end if
    call must(st, msg, 'open ' // path)
    open (newunit=unit, file=dump, status='old', action='read')
    entries = 0
    do
      read (unit, '(a)', iostat=ios) line
      if (ios /= 0) exit
      read (line, *) key, descr, ndim
      if (ndim > 4) cycle
      read (line, *) key, descr, ndim, dims(1:ndim), want
      n = product(dims(1:ndim))
      flat = read_flat(f, trim(key), trim(descr), dims(1:ndim), st, msg)
      call check(st == 0, name // ': read ' // trim(key) // ': ' // trim(msg))
      if (st /= 0) cycle
      cpos = [0_int64, n / 2, n - 1]
      do k = 1, 3
        got(k) = flat(1 + fortran_offset(cpos(k), dims(1:ndim)))
      end do
      call check(all(got == want(2:4)), name // ': first/mid/last of ' // trim(key))
      call check(abs(sum(flat) - want(1)) <= 1d-9 * max(1d0, abs(want(1))), name // ': sum of ' // trim(key))
      entries = entries + 1
    end do
    close (unit)
    call check(entries > 0, name // ': python reported entries')
    call f%close()
  end subroutine

  !> Column-major offset of the element at C-order flat offset c in an array of dims.
  pure integer(int64) function fortran_offset(c, dims) result(off)
    integer(int64), intent(in) :: c, dims(:)
    integer(int64) :: rest, stride, k, idx(size(dims))
    rest = c
    do k = size(dims), 1, -1
      idx(k) = mod(rest, dims(k))
      rest = rest / dims(k)
    end do
    off = 0
    stride = 1
    do k = 1, size(dims)
      off = off + idx(k) * stride
      stride = stride * dims(k)
    end do
  end function

  !> Reads key as a Fortran array of rank size(dims) and returns its elements in Fortran order.
  function read_flat(f, key, descr, dims, st, msg) result(flat)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: key, descr
    integer(int64), intent(in) :: dims(:)
    integer, intent(out) :: st
    character(*), intent(inout) :: msg
    real(real64), allocatable :: flat(:)
    real(real32), allocatable :: a1(:), a2(:, :), a3(:, :, :), a4(:, :, :, :)
    real(real32) :: a0
    integer(int64) :: i0
    st = -3
    msg = 'dtype ' // descr // ' not covered by this test'
    if (descr == '<i8' .and. size(dims) == 0) then
      call f%get(key, i0, stat=st, errmsg=msg)
      flat = [real(i0, real64)]
      return
    end if
    if (descr /= '<f4') return
    select case (size(dims))
    case (0)
      call f%get(key, a0, stat=st, errmsg=msg)
      flat = [real(a0, real64)]
    case (1)
      allocate (a1(dims(1)))
      call f%get(key, a1, stat=st, errmsg=msg)
      flat = real(a1, real64)
    case (2)
      allocate (a2(dims(1), dims(2)))
      call f%get(key, a2, stat=st, errmsg=msg)
      flat = real(reshape(a2, [size(a2)]), real64)
    case (3)
      allocate (a3(dims(1), dims(2), dims(3)))
      call f%get(key, a3, stat=st, errmsg=msg)
      flat = real(reshape(a3, [size(a3)]), real64)
    case (4)
      allocate (a4(dims(1), dims(2), dims(3), dims(4)))
      call f%get(key, a4, stat=st, errmsg=msg)
      flat = real(reshape(a4, [size(a4)]), real64)
    end select
  end function

  !> mlp.npz l1 is Linear(4, 8): NumPy W has shape (8, 4) = (out, in); so does the Fortran W.
  !> Checked against NumPy element by element: W(i, j) == W[i-1, j-1].
  subroutine linear_weight_is_the_same_matrix()
    type(ser_file) :: f
    integer(int64), allocatable :: s(:)
    real(real32), allocatable :: w(:, :)
    integer :: unit, i, j, ios
    real(real64) :: v
    logical :: same
    character(:), allocatable :: out
    out = work // '/mlp_l1_W.txt'
    ios = 0
    call execute_command_line(python // ' -c "import numpy as np; w = np.load(''' // repo // &
                              '/tests/data/mlp.npz'')[''l1/W'']; print(*w.shape); ' // &
                              '[print(repr(float(x))) for x in w.reshape(-1)]" > ' // out, exitstat=ios)
    call check(ios == 0, 'numpy dump of l1/W')
    call ser_open_npz(f, repo // '/tests/data/mlp.npz')
    call f%shape_of('l1/W', s)
    call check(all(s == [8, 4]), 'mlp l1/W has shape (out, in) = (8, 4)')
    allocate (w(s(1), s(2)))
    call f%get('l1/W', w)
    open (newunit=unit, file=out, status='old', action='read')
    read (unit, *) i, j
    same = .true.
    do i = 1, 8       ! NumPy order: row i, then column j (C order)
      do j = 1, 4
        read (unit, *) v
        same = same .and. real(w(i, j), real64) == v
      end do
    end do
    close (unit)
    call check(same, 'mlp l1/W: Fortran W(i, j) == NumPy W[i-1, j-1] for every element')
    call f%close()
  end subroutine

  subroutine error_paths()
    type(ser_file) :: f, w
    integer :: st
    character(len=1024) :: msg
    real(real32) :: wrong(4, 8), right(8, 4)
    integer(int32) :: ints(8, 4)

    call ser_open_npz(f, '/nonexistent/dir/model.npz', st, msg)
    call check(st == SER_ENOTFOUND, 'missing file: SER_ENOTFOUND')
    call check(index(msg, '/nonexistent/dir/model.npz') > 0, 'missing file: message names it: ' // trim(msg))
    call check(.not. f%is_open(), 'missing file: no handle')
    call ser_open_h5(f, '/nonexistent/dir/model.h5', st, msg)
    call check(st < 0 .and. len_trim(msg) > 0, 'missing HDF5 file: error')

    call ser_open_npz(f, repo // '/tests/data/mlp.npz')
    right = 42
    call f%get('l9/W', right, stat=st, errmsg=msg)
    call check(st == SER_ENOTFOUND .and. index(msg, 'l9/W') > 0, 'missing key: ' // trim(msg))
    call check(all(right == 42), 'missing key: array untouched')
    call check(.not. f%has('l9/W'), 'missing key: has is false')
    call f%get('l1/W', wrong, stat=st, errmsg=msg)     ! stored (8, 4)
    call check(st == SER_EMISMATCH .and. index(msg, 'l1/W') > 0, 'shape mismatch: ' // trim(msg))
    call check(ser_last_error() == trim(msg), 'ser_last_error repeats the message')
    call f%get('l1/W', ints, stat=st, errmsg=msg)      ! stored float32
    call check(st == SER_EMISMATCH, 'dtype mismatch: ' // trim(msg))
    call f%close()

    call ser_create_npz(w, work // '/fortran_bad.npz')
    call w%put('n', 1_int64)
    call w%put('n', 2_int64, stat=st, errmsg=msg)
    call check(st == SER_EEXISTS .and. index(msg, 'n') > 0, 'duplicate key: ' // trim(msg))
    call w%discard()
    call w%put('m', 1_int64, stat=st, errmsg=msg)
    call check(st == SER_EINVAL, 'write after discard: ' // trim(msg))
    call w%close(stat=st)
    call check(st == 0, 'close after discard is a no-op')
  end subroutine

  !> The arrays of bindings/python_checks/fortran_arrays.py, with A(i+1, j+1, ...) = a[i, j, ...]
  !> (zero and false when formula is false).
  function typed_arrays_of(formula) result(t)
    logical, intent(in) :: formula
    type(typed_arrays) :: t
    integer :: i, j, k, m
    if (.not. formula) return
    do concurrent(i=0:1, j=0:2, k=0:3)
      t%r32(i + 1, j + 1, k + 1) = 100 * i + 10 * j + k + 0.5
    end do
    do concurrent(i=0:2, j=0:1)
      t%c64(i + 1, j + 1) = cmplx(10 * i + j, i - j, real32)
    end do
    do concurrent(i=0:3, j=0:2)
      t%i8(i + 1, j + 1) = int(10 * i - j, int8)
    end do
    do concurrent(i=0:1, j=0:1, k=0:1, m=0:1)
      t%i16(i + 1, j + 1, k + 1, m + 1) = int(1000 * i + 100 * j + 10 * k + m, int16)
    end do
    do concurrent(i=0:2, j=0:3)
      t%b(i + 1, j + 1) = logical(mod(i + 2 * j, 3) == 0, c_bool)
    end do
    do concurrent(i=0:1, j=0:4)
      t%l(i + 1, j + 1) = mod(i * j, 2) == 1
    end do
  end function

  logical function same_arrays(x, y)
    type(typed_arrays), intent(in) :: x, y
    same_arrays = all(x%r32 == y%r32) .and. all(x%c64 == y%c64) .and. all(x%i8 == y%i8) .and. &
                  all(x%i16 == y%i16) .and. all(x%b .eqv. y%b) .and. all(x%l .eqv. y%l)
  end function

  !> Reads the six arrays from the keys prefix // name.
  function read_arrays(f, prefix) result(t)
    type(ser_file), intent(in) :: f
    character(*), intent(in) :: prefix
    type(typed_arrays) :: t
    t = typed_arrays_of(.false.)
    call f%get(prefix // 'r32', t%r32)
    call f%get(prefix // 'c64', t%c64)
    call f%get(prefix // 'i8', t%i8)
    call f%get(prefix // 'i16', t%i16)
    call f%get(prefix // 'b', t%b)
    call f%get(prefix // 'l', t%l)
  end function

  !> Every element type written column-major without a copy, as NumPy/h5py read it, and read back.
  subroutine element_types_round_trip(fmt)
    character(*), intent(in) :: fmt
    type(ser_file) :: f
    type(typed_arrays) :: t
    type(ser_array_info) :: info
    character(:), allocatable :: path
    character(len=1024) :: msg
    integer :: st

    t = typed_arrays_of(.true.)
    path = work // '/fortran_types.' // fmt
    call open_as(f, fmt, path, create=.true.)
    call f%put('r32', t%r32)
    call f%put('c64', t%c64)
    call f%put('i8', t%i8)
    call f%put('i16', t%i16)
    call f%put('b', t%b)
    call f%put('l', t%l)
    call f%close(st, msg)
    call must(st, msg, 'close ' // path)
    call check(run_python('fortran_arrays.py', 'check ' // fmt // ' ' // path) == 0, fmt // ': fortran_arrays.py check')

    call open_as(f, fmt, path, create=.false.)
    call f%info('r32', info)
    call check(info%dtype == SER_FLOAT32 .and. info%ndim == 3 .and. all(info%shape(1:3) == [2, 3, 4]), &
               fmt // ': info of r32')
    call check(info%fortran_order == merge(SER_ORDER_F, SER_ORDER_C, fmt == 'npz'), fmt // ': r32 memory order')
    call check(same_arrays(read_arrays(f, ''), t), fmt // ': every type read back')
    call f%close()
  end subroutine

  !> NumPy writes every array C- and Fortran-ordered; both read into the same Fortran array.
  subroutine numpy_orders_read()
    type(ser_file) :: f
    character(:), allocatable :: path
    path = work // '/numpy_orders.npz'
    call check(run_python('fortran_arrays.py', 'write ' // path) == 0, 'fortran_arrays.py write')
    call ser_open_npz(f, path)
    call check(same_arrays(read_arrays(f, 'c/'), typed_arrays_of(.true.)), 'NumPy C-ordered arrays')
    call check(same_arrays(read_arrays(f, 'f/'), typed_arrays_of(.true.)), 'NumPy Fortran-ordered arrays')
    call f%close()
  end subroutine

  !> Blocks (get with offset) and batched reads, from both formats.
  subroutine slabs_and_batches(fmt)
    character(*), intent(in) :: fmt
    type(ser_file) :: f
    type(ser_batch) :: batch
    type(typed_arrays) :: t
    type(typed_arrays), target :: got
    real(real32) :: block(2, 2, 3)
    integer(int64), target :: missing(2)
    character(len=1024) :: msg
    integer :: st

    t = typed_arrays_of(.true.)
    call open_as(f, fmt, work // '/fortran_types.' // fmt, create=.false.)
    ! NumPy's a[0:2, 1:3, 1:4] is the Fortran section r32(1:2, 2:3, 2:4).
    call f%get('r32', block, offset=[0_int64, 1_int64, 1_int64])
    call check(all(block == t%r32(1:2, 2:3, 2:4)), fmt // ': block at offset (0, 1, 1)')
    call f%get('r32', block, offset=[0_int64, 1_int64], stat=st, errmsg=msg)
    call check(st == SER_EINVAL .and. index(msg, 'offset has 2 values') > 0, fmt // ': short offset: ' // trim(msg))
    call f%get('r32', block, offset=[1_int64, 1_int64, 1_int64], stat=st, errmsg=msg)
    call check(st == SER_EINVAL .and. index(msg, 'outside') > 0, fmt // ': block outside: ' // trim(msg))

    got = typed_arrays_of(.false.)
    call batch%add('r32', got%r32)
    call batch%add('i8', got%i8)
    call batch%add('b', got%b)
    call f%get_batch(batch, st, msg)
    call check(st == SER_OK .and. batch%size() == 3, fmt // ': batch: ' // trim(msg))
    call check(all(got%r32 == t%r32) .and. all(got%i8 == t%i8) .and. all(got%b .eqv. t%b), fmt // ': batch values')
    call check(batch%outcome(1) == SER_LOADED .and. batch%status(3) == SER_OK, fmt // ': batch outcomes')
    call batch%add('nope', missing)
    call f%get_batch(batch, st, msg)
    call check(st == SER_ENOTFOUND .and. index(msg, 'nope') > 0, fmt // ': batch with a missing key: ' // trim(msg))
    call check(batch%status(4) == SER_ENOTFOUND .and. batch%status(1) == SER_OK, fmt // ': batch statuses')
    call batch%clear()
    call check(batch%size() == 0, 'batch cleared')
    call f%close()
  end subroutine

  !> Open options: writing stored or compressed, the reading prefix, ignored keys and predicate,
  !> strictness, casts and limits.
  subroutine open_options()
    type(ser_file) :: f, h5
    type(ser_options) :: opts
    real(real32) :: w(3, 4), bias(3)
    real(real64) :: w64(3, 4)
    integer(int16) :: i16(2, 2, 2, 2)
    character(:), allocatable :: path
    character(len=1024) :: msg
    integer :: st, outcome
    integer(c_int), target, volatile :: predicate_calls  ! changed by the library's call of skip_biases

    opts = ser_default_options()
    call check(opts%version == SER_OPTIONS_VERSION .and. opts%compress == 1 .and. opts%strict == 1 .and. &
               opts%max_header_bytes == 10000 .and. opts%max_inflate_ratio == 1032, 'the library''s defaults')
    path = work // '/fortran_stored.npz'
    opts%compress = 0
    opts%threads = 2
    call ser_create_npz(f, path, options=opts)
    w = 1.5
    call f%put('predictor/l1/W', w)
    call f%put('predictor/l1/b', [1.0, 2.0, 3.0])
    call f%close()
    call check(run_python_code('import zipfile; z = zipfile.ZipFile(''' // path // '''); ' // &
                               'assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())') == 0, &
               'compress = 0 writes stored members')

    call ser_open_npz(f, path, key_path='predictor/')
    w = 0
    call f%get('l1/W', w)
    call check(all(w == 1.5), 'key_path predictor/')
    call f%close()

    call ser_open_npz(f, path, ignore_names=['predictor/l1/W'])
    w = 0
    call f%get('predictor/l1/W', w, outcome=outcome)
    call check(outcome == SER_SKIP_IGNORED .and. all(w == 0), 'ignore_names')
    call f%close()

    predicate_calls = 0
    opts = ser_default_options()
    opts%ignore_fn = c_funloc(skip_biases)
    opts%ignore_ctx = c_loc(predicate_calls)
    opts%strict = 0
    opts%cast = SER_CAST_SAFE
    call ser_open_npz(f, path, options=opts)
    bias = 0
    call f%get('predictor/l1/b', bias, outcome=outcome)
    call check(outcome == SER_SKIP_IGNORED .and. all(bias == 0) .and. predicate_calls > 0, 'ignore_fn skips predictor/l1/b')
    call f%get('predictor/l9/W', w, outcome=outcome)
    call check(outcome == SER_SKIP_MISSING, 'strict = 0: a missing key is skipped')
    call f%get('predictor/l1/W', w64)
    call check(all(w64 == 1.5d0), 'cast = SER_CAST_SAFE reads float32 as real64')
    call f%close()

    opts = ser_default_options()
    opts%max_entry_bytes = 16
    call ser_open_npz(f, path, options=opts)
    call f%get('predictor/l1/W', w, stat=st, errmsg=msg)
    call check(st == SER_ELIMIT .and. index(msg, 'limit') > 0, 'max_entry_bytes: ' // trim(msg))
    call f%close()

    opts = ser_default_options()
    opts%version = 99
    call ser_open_npz(f, path, stat=st, errmsg=msg, options=opts)
    call check(st == SER_EINVAL .and. .not. f%is_open(), 'a bad options version: ' // trim(msg))

    ! Copies: every entry of the NPZ of all types to HDF5, and one entry on its own.
    call ser_open_npz(f, work // '/fortran_types.npz')
    call ser_create_h5(h5, work // '/fortran_copied.h5')
    call h5%copy_all(f, st, msg)
    call check(st == SER_OK, 'copy_all: ' // trim(msg))
    call h5%copy_entry(f, 'r32', st, msg)
    call check(st == SER_EEXISTS, 'copy_entry of a key already copied: ' // trim(msg))
    call h5%close(st, msg)
    call must(st, msg, 'close fortran_copied.h5')
    call f%close()
    call check(run_python('fortran_arrays.py', 'check h5 ' // work // '/fortran_copied.h5') == 0, &
               'copy_all NPZ to HDF5: fortran_arrays.py check')
    call ser_open_npz(f, work // '/fortran_types.npz')
    call ser_create_npz(h5, work // '/fortran_one.npz')
    call h5%copy_entry(f, 'i16', st, msg)
    call h5%close()
    call f%close()
    call ser_open_npz(f, work // '/fortran_one.npz')
    i16 = 0
    call f%get('i16', i16)
    call check(i16(2, 2, 2, 2) == 1111 .and. i16(2, 1, 2, 1) == 1010, 'copy_entry')
    call f%close()
  end subroutine

  !> Versions, status texts and the HDF5 lock.
  subroutine versions_and_errors()
    character(:), allocatable :: v
    character(len=32) :: expected
    integer :: n, st
    character(len=1024) :: msg
    v = ser_version_string()
    n = ser_version_number()
    write (expected, '(i0, ".", i0, ".", i0)') n / 10000, mod(n / 100, 100), mod(n, 100)
    call check(v == trim(expected), 'version string ' // v // ' agrees with the number')
    call check(len(ser_strerror(SER_ENOTFOUND)) > 0 .and. ser_strerror(SER_ENOTFOUND) /= ser_strerror(SER_EINVAL), &
               'ser_strerror')
    call ser_h5_lock(st)
    call check(st == SER_OK, 'ser_h5_lock')
    call ser_h5_unlock(st)
    call check(st == SER_OK, 'ser_h5_unlock')
    call ser_h5_unlock(st, msg)
    call check(st == SER_EINVAL .and. index(msg, 'does not hold') > 0, 'unlock without the lock: ' // trim(msg))
  end subroutine

  !> Zero-copy views of NumPy-written (np.savez) and Fortran-written stored members; what cannot
  !> be the Fortran array as it is stored is refused.
  subroutine npz_views()
    type(ser_file) :: f, child
    type(ser_options) :: opts
    type(c_ptr) :: p
    integer(int64), allocatable :: shp(:)
    real(real32), pointer :: r32(:, :, :)
    integer(int8), pointer :: i8(:, :)
    type(typed_arrays) :: want
    character(:), allocatable :: path
    character(200) :: msg
    integer :: stat
    want = typed_arrays_of(.true.)
    path = work // '/numpy_stored.npz'
    call check(run_python('fortran_arrays.py', 'write ' // path // ' stored') == 0, 'fortran_arrays.py write stored')
    call ser_open_npz(f, path)
    call f%view('f/r32', SER_FLOAT32, p, shp, stat, msg)
    call must(stat, msg, 'view f/r32')
    call c_f_pointer(p, r32, shp)
    call check(all(shape(r32) == shape(want%r32)) .and. all(r32 == want%r32), 'view of NumPy Fortran-ordered r32')
    call f%child('f', child)
    call child%view('i8', SER_INT8, p, shp, stat, msg)
    call must(stat, msg, 'view f/i8 through a child')
    call child%close()
    call c_f_pointer(p, i8, shp)
    call check(all(i8 == want%i8), 'a child''s view stays valid while the root is open')
    call f%view('c/r32', SER_FLOAT32, p, shp, stat, msg)
    call check(stat == SER_EMISMATCH .and. index(msg, 'C-ordered') > 0 .and. .not. c_associated(p), &
               'view of a C-ordered array: SER_EMISMATCH')
    call f%view('f/r32', SER_FLOAT64, p, shp, stat, msg)
    call check(stat == SER_EMISMATCH .and. index(msg, 'dtype') > 0, 'view as another dtype: SER_EMISMATCH')
    call f%view('missing', SER_FLOAT32, p, shp, stat, msg)
    call check(stat == SER_ENOTFOUND, 'view of a missing key: SER_ENOTFOUND')
    ! A C-ordered member's memory is the Fortran array of the reversed shape: the transpose.
    call f%view('c/r32', SER_FLOAT32, p, shp, stat, msg, transposed=.true.)
    call must(stat, msg, 'view transposed c/r32')
    call c_f_pointer(p, r32, shp)
    call check(all(shp == [4, 3, 2]) .and. all(reshape(r32, [2, 3, 4], order=[3, 2, 1]) == want%r32), &
               'view transposed of NumPy C-ordered r32: T(k, j, i) == a[i-1, j-1, k-1]')
    call f%view('c/i8', SER_INT8, p, shp, stat, msg, transposed=.true.)
    call must(stat, msg, 'view transposed c/i8')
    call c_f_pointer(p, i8, shp)
    call check(all(shp == [3, 4]) .and. all(i8 == transpose(want%i8)), 'view transposed of a C-ordered matrix')
    call f%view('f/r32', SER_FLOAT32, p, shp, stat, msg, transposed=.true.)
    call check(stat == SER_EMISMATCH .and. index(msg, 'Fortran-ordered') > 0 .and. &
               index(msg, 'without transposed') > 0 .and. .not. c_associated(p), &
               'view transposed of a Fortran-ordered array: ' // trim(msg))
    call f%view('c/r32', SER_FLOAT32, p, shp, stat, msg)
    call check(index(msg, 'transposed=.true.') > 0, 'view of a C-ordered array names transposed=: ' // trim(msg))
    call f%close()

    call check(run_python('fortran_arrays.py', 'write ' // work // '/numpy_deflated.npz') == 0, 'fortran_arrays.py write')
    call ser_open_npz(f, work // '/numpy_deflated.npz')
    call f%view('f/r32', SER_FLOAT32, p, shp, stat, msg)
    call check(stat == SER_EUNSUPPORTED .and. msg == ser_last_error(), 'view of a compressed member: the library''s error')
    call f%close()

    opts = ser_default_options()
    opts%compress = 0
    call ser_create_npz(f, work // '/fortran_stored.npz', options=opts)
    call f%put('r32', want%r32)
    call f%put('column', want%i8(:, 1:1))  ! (4, 1): NumPy's fortran_order False, the same bytes
    call f%close()
    call ser_open_npz(f, work // '/fortran_stored.npz')
    call f%view('r32', SER_FLOAT32, p, shp, stat, msg)
    call must(stat, msg, 'view of a Fortran-written member')
    call c_f_pointer(p, r32, shp)
    call check(all(r32 == want%r32), 'view of a Fortran-written member')
    call f%view('column', SER_INT8, p, shp, stat, msg)
    call must(stat, msg, 'view of a (4, 1) member')
    call c_f_pointer(p, i8, shp)
    call check(all(shp == [4, 1]) .and. all(i8 == want%i8(:, 1:1)), 'view of a member with one extent above 1')
    call f%view('column', SER_INT8, p, shp, stat, msg, transposed=.true.)
    call must(stat, msg, 'view transposed of a (4, 1) member')
    call c_f_pointer(p, i8, shp)
    call check(all(shp == [1, 4]) .and. all(i8 == transpose(want%i8(:, 1:1))), 'view transposed of a (4, 1) member')
    call f%close()
  end subroutine

  !> float16 as integer(int16) bits: NumPy/h5py-written halves read, the conversions compared with
  !> NumPy's on every half and a float32 sweep (bindings/python_checks/fortran_half.py).
  subroutine float16_matches_numpy(fmt)
    character(*), intent(in) :: fmt
    type(ser_file) :: f
    type(ser_array_info) :: info
    integer(int16), allocatable :: bits(:)
    real(real32), allocatable :: sweep(:)
    integer(int64), allocatable :: shp(:)
    character(:), allocatable :: path
    integer :: i
    path = work // '/numpy_half.' // fmt
    call check(run_python('fortran_half.py', 'write ' // fmt // ' ' // path) == 0, fmt // ': fortran_half.py write')
    call open_as(f, fmt, path, .false.)
    call f%info('halves', info)
    call check(info%dtype == SER_FLOAT16, fmt // ': NumPy float16 is SER_FLOAT16')
    allocate (bits(65536))
    call f%get('halves', bits, dtype=SER_FLOAT16)
    call check(all(bits == [(int(merge(i - 65536, i, i >= 32768), int16), i = 0, 65535)]), fmt // ': float16 bits read')
    call f%shape_of('sweep', shp)
    allocate (sweep(shp(1)))
    call f%get('sweep', sweep)
    call f%close()
    path = work // '/fortran_half.' // fmt
    call open_as(f, fmt, path, .true.)
    call f%put('halves', bits, dtype=SER_FLOAT16)
    call f%put('half_as_f32', ser_half_to_real32(bits))
    call f%put('sweep_as_half', ser_real32_to_half(sweep), dtype=SER_FLOAT16)
    call f%close()
    call check(run_python('fortran_half.py', 'check ' // fmt // ' ' // path) == 0, fmt // ': fortran_half.py check')
  end subroutine

  !> String arrays and bytes (bindings/python_checks/fortran_strings.py): NumPy/h5py write,
  !> Fortran reads and checks; Fortran writes, NumPy/h5py check dtype, shape and values.
  subroutine strings_match_numpy(fmt)
    character(*), intent(in) :: fmt
    type(ser_file) :: f
    type(ser_array_info) :: info
    character(:), allocatable :: path, b
    character(16) :: u0, u1(4), u2(2, 3), s1(3), s2(2, 2), short(4), wrong_rank(2, 2)
    character(len=1024) :: msg
    integer(int64), allocatable :: shp(:)
    integer :: st, oc
    character(*), parameter :: e_acute = char(195) // char(169), o_uml = char(195) // char(182), &
                               u_uml = char(195) // char(188), beta_gamma = char(206) // char(178) // char(206) // char(179), &
                               nihongo_smile = char(230) // char(151) // char(165) // char(230) // char(156) // char(172) // &
                                               char(232) // char(170) // char(158) // char(240) // char(159) // char(152) // &
                                               char(128)
    character(16), parameter :: want_u1(4) = [character(16) :: 'a', 'h' // e_acute // 'llo', '', nihongo_smile]
    character(16), parameter :: want_u2(2, 3) = reshape([character(16) :: 'x', '', beta_gamma, u_uml, 'zzz', 'ok'], [2, 3])
    character(16), parameter :: want_s1(3) = [character(16) :: 'ab', 'xyz' // char(1), '']
    character(16), parameter :: want_s2(2, 2) = reshape([character(16) :: 'p', 'rrr', 'qq', char(255)], [2, 2])
    character(*), parameter :: want_u0 = 'h' // e_acute // 'llo w' // o_uml // 'rld', want_b = 'by' // char(0) // 'tes'

    path = work // '/numpy_strings.' // fmt
    call check(run_python('fortran_strings.py', 'write ' // fmt // ' ' // path) == 0, fmt // ': fortran_strings.py write')
    call open_as(f, fmt, path, .false.)
    call f%info('u1', info)
    call check(info%dtype == SER_UNICODE .and. info%itemsize == 20, fmt // ': u1 is <U5')
    call f%shape_of('u2', shp)
    call check(all(shp == [2, 3]), fmt // ': u2 has shape (2, 3)')
    u1 = '?'
    call f%get_strings('u0', u0, oc)
    call check(oc == SER_LOADED .and. u0 == want_u0, fmt // ': 0-d <U read: ' // u0)
    call f%get_strings('u1', u1)
    call check(all(u1 == want_u1), fmt // ': <U5 rank 1 read')
    call f%get_strings('u2', u2)
    call check(all(u2 == want_u2), fmt // ': <U3 rank 2 read, u2(i, j) == a[i-1, j-1]')
    call f%get_byte_strings('s1', s1)
    call check(all(s1 == want_s1), fmt // ': |S4 rank 1 read')
    call f%get_byte_strings('s2', s2)
    call check(all(s2 == want_s2), fmt // ': |S3 rank 2 read')
    call f%get_bytes('b', b)
    call check(b == want_b, fmt // ': bytes scalar read, interior NUL kept')
    ! Blocks (offset=, an HDF5 hyperslab in HDF5) and batches of string arrays.
    block
      character(16), target :: u1_block(2), u2_block(2, 2), s2_block(1, 2), bu1(4), bs2(2, 2)
      character(4), target :: narrow(4)
      real(real32), target :: scalar
      type(ser_batch) :: batch
      call f%get_strings('u1', u1_block, offset=[1_int64])
      call check(all(u1_block == want_u1(2:3)), fmt // ': <U5 block u1[1:3]')
      call f%get_strings('u2', u2_block, offset=[0_int64, 1_int64])
      call check(all(u2_block == want_u2(1:2, 2:3)), fmt // ': <U3 block u2[0:2, 1:3]')
      call f%get_byte_strings('s2', s2_block, offset=[1_int64, 0_int64])
      call check(all(s2_block == want_s2(2:2, 1:2)), fmt // ': |S3 block s2[1:2, 0:2]')
      call f%get_strings('u2', u2_block, offset=[1_int64, 1_int64], stat=st, errmsg=msg)
      call check(st == SER_EINVAL .and. index(msg, 'outside') > 0, fmt // ': string block outside: ' // trim(msg))
      call f%get_strings('u2', u2_block, offset=[1_int64], stat=st, errmsg=msg)
      call check(st == SER_EINVAL .and. index(msg, 'offset has 1 values') > 0, fmt // ': short offset: ' // trim(msg))
      call batch%add_strings('u1', bu1)
      call batch%add_byte_strings('s2', bs2)
      call batch%add('f', scalar)
      call f%get_batch(batch, st, msg)
      call check(st == SER_OK .and. all(bu1 == want_u1) .and. all(bs2 == want_s2) .and. scalar == 1.5, &
                 fmt // ': batch of strings, bytes and a float: ' // trim(msg))
      narrow = 'kept'
      call batch%add_strings('u1', narrow)
      call batch%add_strings('nothing', bu1)
      call f%get_batch(batch, st, msg)
      call check(st == SER_EBUFSIZE .and. index(msg, 'element 2') > 0 .and. all(narrow == 'kept'), &
                 fmt // ': batch: an element longer than the array: ' // trim(msg))
      call check(batch%status(4) == SER_EBUFSIZE .and. batch%status(5) == SER_ENOTFOUND .and. &
                 batch%status(1) == SER_OK, fmt // ': batch statuses of string reads')
      call batch%clear()
      call batch%add_byte_strings('u1', bs2(:, 1))
      call f%get_batch(batch, st, msg)
      call check(st == SER_EMISMATCH .and. index(msg, 'u1') > 0, fmt // ': batch: <U as |S: ' // trim(msg))
    end block

    ! Errors through stat/errmsg.
    short = 'kept'
    call f%get_strings('f', short, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH .and. all(short == 'kept'), fmt // ': float32 as strings: ' // trim(msg))
    call f%get_strings('s1', short(1:3), stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH, fmt // ': |S as <U: ' // trim(msg))
    call f%get_byte_strings('u1', short, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH, fmt // ': <U as |S: ' // trim(msg))
    call f%get_strings('u1', short(1:3), stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH .and. index(msg, 'u1') > 0, fmt // ': wrong shape: ' // trim(msg))
    call f%get_strings('u1', wrong_rank, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH, fmt // ': wrong rank: ' // trim(msg))
    call f%get_strings('nothing', short, stat=st, errmsg=msg)
    call check(st == SER_ENOTFOUND .and. index(msg, 'nothing') > 0 .and. all(short == 'kept'), &
               fmt // ': missing key: ' // trim(msg))
    call f%get_bytes('nothing', b, stat=st, errmsg=msg)
    call check(st == SER_ENOTFOUND .and. b == '', fmt // ': missing bytes: ' // trim(msg))
    call f%get_bytes('s1', b, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH, fmt // ': |S array as bytes: ' // trim(msg))
    call f%get_bytes('f', b, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH, fmt // ': float32 as bytes: ' // trim(msg))
    block
      character(4) :: narrow(4)
      narrow = 'kept'
      call f%get_strings('u1', narrow, stat=st, errmsg=msg)
      call check(st == SER_EBUFSIZE .and. index(msg, 'element 2') > 0 .and. all(narrow == 'kept'), &
                 fmt // ': element longer than the array: ' // trim(msg))
    end block
    call f%close()

    path = work // '/fortran_strings.' // fmt
    call open_as(f, fmt, path, .true.)
    call f%put_strings('u0', want_u0)
    call f%put_strings('u1', want_u1)
    call f%put_strings('u2', want_u2)
    call f%put_byte_strings('s1', want_s1)
    call f%put_byte_strings('s2', want_s2)
    call f%put_bytes('b', want_b)
    call f%put_strings('padded_u', ['ab  ', 'c   '])
    call f%put_byte_strings('padded_s', ['ab  ', 'c   '])
    call f%put_strings('bad', [char(255)], stat=st, errmsg=msg)
    call check(st == SER_EINVAL, fmt // ': invalid UTF-8: ' // trim(msg))
    call f%close(st, msg)
    call must(st, msg, 'close ' // path)
    call check(run_python('fortran_strings.py', 'check ' // fmt // ' ' // path) == 0, fmt // ': fortran_strings.py check')
  end subroutine

  !> Scalars (bindings/python_checks/fortran_scalars.py): put writes 0-d arrays as Chainer saves
  !> Python and NumPy scalars, get into a scalar variable follows Chainer's scalar rules.
  subroutine scalars_match_numpy(fmt)
    character(*), intent(in) :: fmt
    type(ser_file) :: f
    character(:), allocatable :: path
    character(len=1024) :: msg
    integer(int8) :: i8
    integer(int16) :: i16
    integer(int32) :: i32
    integer(int64) :: i64
    real(real32) :: r32
    real(real64) :: r64
    complex(real32) :: c8
    complex(real64) :: c16
    logical :: l
    logical(c_bool) :: cb
    integer :: st, oc

    path = work // '/numpy_scalars.' // fmt
    call check(run_python('fortran_scalars.py', 'write ' // fmt // ' ' // path) == 0, fmt // ': fortran_scalars.py write')
    call open_as(f, fmt, path, .false.)
    ! A Python int reads into every integer kind it fits, and into reals (Chainer's float rule).
    call f%get('py_int', i64, oc)
    call check(oc == SER_LOADED .and. i64 == 1000, fmt // ': Python int as int64')
    call f%get('py_int', i32)
    call f%get('py_int', i16)
    call check(i32 == 1000 .and. i16 == 1000, fmt // ': Python int as int32 and int16')
    call f%get('py_int', r64)
    call f%get('py_int', r32)
    call check(r64 == 1000 .and. r32 == 1000, fmt // ': Python int as real64 and real32')
    i8 = 5
    call f%get('py_int', i8, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH .and. i8 == 5 .and. index(msg, "'py_int'") > 0 .and. index(msg, '1000') > 0, &
               fmt // ': 1000 does not fit int8: ' // trim(msg))
    call f%get('py_float', r64)
    call f%get('py_float', r32)
    call check(r64 == 0.1_real64 .and. r32 == real(0.1_real64, real32), fmt // ': Python float as real64 and real32')
    call f%get('py_float', i64, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH .and. index(msg, 'py_float') > 0, fmt // ': float as int: ' // trim(msg))
    call f%get('py_bool', l)
    call f%get('false', cb)
    call check(l .and. .not. cb, fmt // ': Python bools as logical and logical(c_bool)')
    call f%get('py_bool', i64)
    call f%get('py_bool', r64)
    call check(i64 == 1 .and. r64 == 1, fmt // ': a bool is an int and a float (Chainer rules)')
    call f%get('py_int', l, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH .and. index(msg, 'py_int') > 0, fmt // ': int as logical: ' // trim(msg))
    call f%get('np_int32', i64)
    call f%get('np_int32', i8)
    call check(i64 == -7 .and. i8 == -7, fmt // ': numpy int32 scalar as int64 and int8')
    call f%get('np_float32', r64)
    call check(r64 == 2.5_real64, fmt // ': numpy float32 scalar as real64')
    call f%get('u8', i16)
    call check(i16 == 200, fmt // ': uint8 200 as int16')
    call f%get('u8', i8, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH, fmt // ': uint8 200 does not fit int8: ' // trim(msg))
    i32 = 9
    call f%get('big', i32, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH .and. i32 == 9 .and. index(msg, '1099511627776') > 0, &
               fmt // ': 2**40 does not fit int32: ' // trim(msg))
    call f%get('big', i64)
    call check(i64 == 2_int64**40, fmt // ': 2**40 as int64')
    call f%get('uint_big', i64, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH .and. index(msg, 'uint_big') > 0, fmt // ': 2**63 + 5 as int64: ' // trim(msg))
    call f%get('one_element', i32)
    call f%get('one_element_f', r32)
    call check(i32 == -5 .and. r32 == 0.25, fmt // ': one-element arrays read as scalars')
    call f%get('c', c16)
    call f%get('c8', c8)
    call check(c16 == (1.5_real64, -2.0_real64) .and. c8 == (0.5, 0.25), fmt // ': complex scalars')
    call f%get('vector', i64, stat=st, errmsg=msg)
    call check(st == SER_EMISMATCH .and. index(msg, 'vector') > 0, fmt // ': a (3,) array is no scalar: ' // trim(msg))
    call f%get('nothing', i64, oc, stat=st, errmsg=msg)
    call check(st == SER_ENOTFOUND .and. index(msg, 'nothing') > 0, fmt // ': missing scalar: ' // trim(msg))
    call f%close()
    ! Not strict: a missing scalar keeps its value.
    call open_with_options(f, fmt, path)
    i64 = 42
    call f%get('nothing', i64, oc)
    call check(oc == SER_SKIP_MISSING .and. i64 == 42, fmt // ': missing scalar skipped when not strict')
    call f%close()

    path = work // '/fortran_scalars.' // fmt
    call open_as(f, fmt, path, .true.)
    call f%put('py_int', 1000_int64)
    call f%put('py_float', 0.1_real64)
    call f%put('py_bool', .true.)
    call f%put('c_bool', logical(.false., c_bool))
    call f%put('i8', -3_int8)
    call f%put('i16', 300_int16)
    call f%put('i32', -7_int32)
    call f%put('r32', 2.5_real32)
    call f%put('r32_third', 1.0_real32 / 3)
    call f%put('c', (1.5_real64, -2.0_real64))
    call f%put('c8', (0.5_real32, 0.25_real32))
    call f%close(st, msg)
    call must(st, msg, 'close ' // path)
    call check(run_python('fortran_scalars.py', 'check ' // fmt // ' ' // path) == 0, fmt // ': fortran_scalars.py check')
  end subroutine

  !> Blocks (get with offset=: ser_get_array_slab_ex, an HDF5 hyperslab in an HDF5 file) of every
  !> rank 0-4, element type and stored order, checked byte for byte against NumPy/h5py slicing
  !> (python_checks/order_bytes.py dump, column-major), and against the Fortran section: NumPy's
  !> a[o1:o1+n1, ...] is A(o1+1:o1+n1, ...). The large arrays the binding writes are chunked
  !> and deflated (HDF5) or deflated (NPZ), so the blocks cross chunk boundaries.
  subroutine blocks_match_numpy(fmt)
    character(*), intent(in) :: fmt
    type(ser_file) :: f
    character(:), allocatable :: path, big
    real(real32) :: r3(1, 3, 3), r3c(2, 2, 2), r2(2, 2), empty(0, 2), big2(300, 50), b2(101, 20)
    real(real64) :: d2(2, 2), big3(20, 30, 9), b3(11, 20, 5)
    integer(int16) :: i4(1, 2, 1, 2), h2(2, 2)
    integer(int32) :: scalar, big4(12, 10, 8, 9), b4(4, 8, 3, 5)
    integer(int64) :: big1(5000), b1(700), none(0)
    logical(c_bool) :: m2(2, 3)
    complex(real32) :: c2(3, 1)
    integer :: i, j, k, l

    path = work // '/numpy_blocks.' // fmt
    call check(run_python('order_bytes.py', 'make ' // path) == 0, fmt // ': order_bytes.py make')
    call open_as(f, fmt, path, .false.)
    call f%get('f32', r3, offset=[1_int64, 0_int64, 1_int64])
    call expect_block(path, 'f32[1:2,0:3,1:4]', transfer(r3, [0_int8]), fmt // ': f32 rank 3')
    call f%get('f32c', r3c, offset=[0_int64, 1_int64, 2_int64])
    call expect_block(path, 'f32c[0:2,1:3,2:4]', transfer(r3c, [0_int8]), fmt // ': f32c rank 3, C order')
    call f%get('f64be', d2, offset=[1_int64, 0_int64])
    call expect_block(path, 'f64be[1:3,0:2]', transfer(d2, [0_int8]), fmt // ': f64be big-endian')
    call f%get('i16', i4, offset=[1_int64, 0_int64, 1_int64, 0_int64])
    call expect_block(path, 'i16[1:2,0:2,1:2,0:2]', transfer(i4, [0_int8]), fmt // ': i16 rank 4')
    call f%get('mask', m2, offset=[1_int64, 1_int64])
    call expect_block(path, 'mask[1:3,1:4]', transfer(m2, [0_int8]), fmt // ': mask bool')
    call f%get('c64', c2, offset=[0_int64, 1_int64])
    call expect_block(path, 'c64[0:3,1:2]', transfer(c2, [0_int8]), fmt // ': c64 complex')
    call f%get('f16', h2, offset=[0_int64, 1_int64], dtype=SER_FLOAT16)
    call expect_block(path, 'f16[0:2,1:3]', transfer(h2, [0_int8]), fmt // ': f16 bits')
    call f%get('f32', r2, offset=[0_int64, 2_int64, 0_int64], stat=i)
    call check(i == SER_EINVAL, fmt // ': a block of another rank')
    call f%get('empty', empty, offset=[0_int64, 1_int64])
    call expect_block(path, 'empty[0:0,1:3]', transfer(empty, [0_int8]), fmt // ': empty block')
    call f%get('scalar', scalar, offset=none)
    call expect_block(path, 'scalar', transfer(scalar, [0_int8]), fmt // ': rank 0 block')
    call f%close()

    do concurrent(i=1:20, j=1:30, k=1:9)
      big3(i, j, k) = 1000 * i + 10 * j + k + 0.25_real64
    end do
    do concurrent(i=1:12, j=1:10, k=1:8, l=1:9)
      big4(i, j, k, l) = 1000 * i + 100 * j + 10 * k + l
    end do
    do concurrent(i=1:300, j=1:50)
      big2(i, j) = real(i, real32) - real(j, real32) / 64
    end do
    big1 = [(3_int64 * i - 7000, i=1, 5000)]
    big = work // '/fortran_blocks.' // fmt
    call open_as(f, fmt, big, .true.)
    call f%put('big1', big1)
    call f%put('big2', big2)
    call f%put('big3', big3)
    call f%put('big4', big4)
    call f%close()
    call open_as(f, fmt, big, .false.)
    call f%get('big1', b1, offset=[1234_int64])
    call check(all(b1 == big1(1235:1934)), fmt // ': big1 block is the section')
    call expect_block(big, 'big1[1234:1934]', transfer(b1, [0_int8]), fmt // ': big1 rank 1')
    call f%get('big2', b2, offset=[17_int64, 3_int64])
    call check(all(b2 == big2(18:118, 4:23)), fmt // ': big2 block is the section')
    call expect_block(big, 'big2[17:118,3:23]', transfer(b2, [0_int8]), fmt // ': big2 rank 2')
    call f%get('big3', b3, offset=[3_int64, 7_int64, 2_int64])
    call check(all(b3 == big3(4:14, 8:27, 3:7)), fmt // ': big3 block is the section')
    call expect_block(big, 'big3[3:14,7:27,2:7]', transfer(b3, [0_int8]), fmt // ': big3 rank 3')
    call f%get('big4', b4, offset=[5_int64, 1_int64, 3_int64, 2_int64])
    call check(all(b4 == big4(6:9, 2:9, 4:6, 3:7)), fmt // ': big4 block is the section')
    call expect_block(big, 'big4[5:9,1:9,3:6,2:7]', transfer(b4, [0_int8]), fmt // ': big4 rank 4')
    call f%get('big4', b4, offset=[9_int64, 1_int64, 3_int64, 2_int64], stat=i)
    call check(i == SER_EINVAL, fmt // ': a block past the end')
    call f%close()
  end subroutine

  !> Checks bytes (a block read column-major) against order_bytes.py's hex of spec in path.
  subroutine expect_block(path, spec, bytes, what)
    character(*), intent(in) :: path, spec, what
    integer(int8), intent(in) :: bytes(:)
    character(*), parameter :: digits = '0123456789abcdef'
    character(:), allocatable :: out, hex
    character(len=65536) :: line
    integer :: unit, ios, i, b
    out = work // '/block.txt'
    call check(run_python('order_bytes.py', 'dump ' // path // " F '" // spec // "' > " // out) == 0, &
               what // ': order_bytes.py dump')
    open (newunit=unit, file=out, status='old', action='read')
    line = ''
    read (unit, '(a)', iostat=ios) line
    close (unit)
    allocate (character(2 * size(bytes)) :: hex)
    do i = 1, size(bytes)
      b = iand(int(bytes(i)), 255)
      hex(2 * i - 1:2 * i) = digits(b / 16 + 1:b / 16 + 1) // digits(mod(b, 16) + 1:mod(b, 16) + 1)
    end do
    call check(ios == 0 .and. trim(line) == hex, what // ': ' // spec // ' is what NumPy/h5py slice')
  end subroutine

  !> Opens path (fmt) for reading with strict = 0.
  subroutine open_with_options(f, fmt, path)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: fmt, path
    type(ser_options) :: o
    o = ser_default_options()
    o%strict = 0
    if (fmt == 'npz') then
      call ser_open_npz(f, path, options=o)
    else
      call ser_open_h5(f, path, options=o)
    end if
  end subroutine

  !> Opens path as fmt ('npz' or 'h5'): a new file to write with create, else one to read.
  subroutine open_as(f, fmt, path, create)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: fmt, path
    logical, intent(in) :: create
    if (fmt == 'npz' .and. create) then
      call ser_create_npz(f, path)
    else if (fmt == 'npz') then
      call ser_open_npz(f, path)
    else if (create) then
      call ser_create_h5(f, path)
    else
      call ser_open_h5(f, path)
    end if
  end subroutine

  !> Runs python -c CODE; returns its exit status.
  integer function run_python_code(code) result(status)
    character(*), intent(in) :: code
    integer :: cmdstat
    call execute_command_line(python // ' -c "' // code // '"', exitstat=status, cmdstat=cmdstat)
    if (cmdstat /= 0) status = -1
  end function

end program test_chainerser
