! Writes l1/W as NPZ and HDF5 through the installed Fortran module, reads it back and checks a
! missing key's error. Usage: consumer DIR
program consumer
  use chainerser
  use, intrinsic :: iso_fortran_env, only: real32
  implicit none
  character(1024) :: dir

  call get_command_argument(1, dir)
  call round_trip(trim(dir) // '/fortran.npz', .false.)
  call round_trip(trim(dir) // '/fortran.h5', .true.)
  print '(a)', 'fortran consumer: ok'

contains

  subroutine round_trip(path, hdf5)
    character(*), intent(in) :: path
    logical, intent(in) :: hdf5
    type(ser_file) :: f
    real(real32) :: w(2, 3), back(2, 3)
    character(256) :: msg
    integer :: st, i

    w = reshape([(real(i, real32), i = 1, 6)], [2, 3])
    call open_file(f, path, hdf5, create=.true.)
    call f%put('l1/W', w)
    call f%close()

    call open_file(f, path, hdf5, create=.false.)
    call f%get('l1/W', back)
    call f%get('l1/nope', back, stat=st, errmsg=msg)
    call f%close()
    if (any(back /= w)) error stop 'l1/W differs after the round trip'
    if (st /= SER_ENOTFOUND .or. index(msg, 'l1/nope') == 0) error stop 'a missing key is not reported'
  end subroutine round_trip

  subroutine open_file(f, path, hdf5, create)
    type(ser_file), intent(out) :: f
    character(*), intent(in) :: path
    logical, intent(in) :: hdf5, create

    if (hdf5 .and. create) then
      call ser_create_h5(f, path)
    else if (hdf5) then
      call ser_open_h5(f, path)
    else if (create) then
      call ser_create_npz(f, path)
    else
      call ser_open_npz(f, path)
    end if
  end subroutine open_file

end program consumer
