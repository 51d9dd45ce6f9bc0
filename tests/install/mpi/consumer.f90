!> consumer.c in Fortran: every rank writes its column block of one 7 x 5 real64 array (NumPy
!> shape (7, 5)) into an NPZ ($1) and an HDF5 ($2) checkpoint with ser_put_slab, then every rank
!> reads the whole array back through ser_get_batch_bcast from rank 0 and compares it. check.py
!> verifies the files' values.
program consumer
  use, intrinsic :: iso_fortran_env, only: real64, int64, error_unit
  use mpi_f08
  use chainerser
  use chainerser_mpi
  implicit none
  integer(int64), parameter :: ROWS = 7, COLS = 5
  character(4096) :: npz, h5
  integer :: rank, size, failed, any_failed
  call MPI_Init()
  call MPI_Comm_rank(MPI_COMM_WORLD, rank)
  call MPI_Comm_size(MPI_COMM_WORLD, size)
  call get_command_argument(1, npz)
  call get_command_argument(2, h5)
  failed = round_trip(trim(npz), .false.) + round_trip(trim(h5), .true.)
  call MPI_Allreduce(failed, any_failed, 1, MPI_INTEGER, MPI_MAX, MPI_COMM_WORLD)
  call MPI_Finalize()
  if (any_failed /= 0) error stop 1

contains

  elemental real(real64) function value(i, j)
    integer(int64), intent(in) :: i, j
    value = 10.0_real64 * real(i, real64) + real(j, real64) + 0.5_real64
  end function

  integer function round_trip(path, hdf5) result(failed)
    character(*), intent(in) :: path
    logical, intent(in) :: hdf5
    type(ser_file) :: f
    type(ser_batch) :: batch
    real(real64), allocatable :: block(:, :)
    real(real64), target :: back(ROWS, COLS)
    character(256) :: msg
    integer(int64) :: j0, nj, i, j
    integer :: st
    j0 = COLS * rank / size
    nj = COLS * (rank + 1) / size - j0
    allocate (block(ROWS, nj))
    do j = 1, nj
      do i = 1, ROWS
        block(i, j) = value(i - 1, j0 + j - 1)
      end do
    end do
    failed = 1
    msg = ''
    if (hdf5) then
      call ser_create_h5_mpi(f, MPI_COMM_WORLD, path, stat=st, errmsg=msg)
    else
      call ser_create_npz_mpi(f, MPI_COMM_WORLD, path, stat=st, errmsg=msg)
    end if
    if (st == 0) call ser_put_slab(f, 'field/T', block, [ROWS, COLS], [0_int64, j0], stat=st, errmsg=msg)
    if (st == 0) call f%close(stat=st, errmsg=msg)
    if (st == 0) then
      if (hdf5) then
        call ser_open_h5_mpi(f, MPI_COMM_WORLD, path, stat=st, errmsg=msg)
      else
        call ser_open_npz_mpi(f, MPI_COMM_WORLD, path, stat=st, errmsg=msg)
      end if
    end if
    back = 0
    call batch%add('field/T', back)
    if (st == 0) call ser_get_batch_bcast(f, batch, stat=st, errmsg=msg)
    call f%close()
    if (st /= 0) then
      write (error_unit, '(a, i0, a, a, a, a)') 'rank ', rank, ': ', path, ': ', trim(msg)
    else if (any(back /= reshape([((value(i, j), i = 0, ROWS - 1), j = 0, COLS - 1)], [ROWS, COLS]))) then
      write (error_unit, '(a, i0, a, a, a)') 'rank ', rank, ': ', path, ': read back other values'
    else
      failed = 0
    end if
  end function

end program consumer
