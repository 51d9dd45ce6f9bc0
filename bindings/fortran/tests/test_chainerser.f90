!> Tests of the Fortran binding against the real library and NumPy/h5py.
!> Usage: test_chainerser REPO_DIR WORK_DIR  (REPO_DIR holds tests/data and bindings/python_checks)
program test_chainerser
  use, intrinsic :: iso_fortran_env, only: real32, real64, int32, int64, error_unit
  use chainerser
  implicit none

  character(*), parameter :: LOG_TEXT = '[{"main/loss": 0.25, "unit": "' // char(194) // char(181) // 's"}]'
  character(:), allocatable :: repo, work, python
  integer :: failures = 0

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
    if (fmt == 'npz') then
      call ser_create_npz(f, path, st, msg)
    else
      call ser_create_h5(f, path, st, msg)
    end if
    call must(st, msg, 'create ' // path)
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

    if (fmt == 'npz') then
      call ser_open_npz(f, path, st, msg)
    else
      call ser_open_h5(f, path, st, msg)
    end if
    call must(st, msg, 'open ' // path)
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

end program test_chainerser
