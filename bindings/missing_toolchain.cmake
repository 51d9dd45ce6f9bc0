# Run by a binding's test when its toolchain was not found at configure time: fail loudly.
message(FATAL_ERROR "${WHAT} not found when CMake configured this build; install it "
                    "(CI installs golang-go and gfortran; cargo comes from ~/.cargo/bin or Debian's cargo) "
                    "and re-run cmake")
