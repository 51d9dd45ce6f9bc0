# libchainerser_mpi.so: the library's own sources plus src/mpi and capi/mpi, linked to MPI and to
# Debian's Open MPI build of HDF5. find_package(HDF5) has cached the serial HDF5 for
# libchainerser, so the Open MPI one is found apart, through its own pkg-config module.
find_package(MPI REQUIRED COMPONENTS C)
pkg_check_modules(HDF5_OPENMPI REQUIRED IMPORTED_TARGET hdf5-openmpi)
find_package(ZLIB REQUIRED)  # src/codec's crc32_combine; the serial library has it through HDF5's link line

file(GLOB _ser_mpi_sources CONFIGURE_DEPENDS src/mpi/*.cpp capi/mpi/*.cpp)
add_library(chainerser_mpi_objects OBJECT ${_ser_sources} ${_ser_mpi_sources})
set_target_properties(chainerser_mpi_objects PROPERTIES
  POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
target_include_directories(chainerser_mpi_objects
  PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
         $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/src> $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>)
# The C API only: Open MPI's deprecated C++ bindings would need libmpi_cxx.
target_compile_definitions(chainerser_mpi_objects PUBLIC CHAINERSER_BUILDING OMPI_SKIP_MPICXX=1 MPICH_SKIP_MPICXX=1)
target_compile_options(chainerser_mpi_objects PRIVATE -Wall -Wextra -Wpedantic)
target_link_libraries(chainerser_mpi_objects PUBLIC PkgConfig::LIBZIP PkgConfig::LIBDEFLATE PkgConfig::HDF5_OPENMPI
                      ZLIB::ZLIB MPI::MPI_C Threads::Threads)

add_library(chainerser_mpi $<TARGET_OBJECTS:chainerser_mpi_objects>)
add_library(chainerser::mpi ALIAS chainerser_mpi)
target_include_directories(chainerser_mpi
  PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_link_libraries(chainerser_mpi PUBLIC MPI::MPI_C
                      PRIVATE PkgConfig::LIBZIP PkgConfig::LIBDEFLATE PkgConfig::HDF5_OPENMPI ZLIB::ZLIB Threads::Threads)
target_compile_definitions(chainerser_mpi INTERFACE OMPI_SKIP_MPICXX=1 MPICH_SKIP_MPICXX=1)
set_target_properties(chainerser_mpi PROPERTIES
  VERSION ${PROJECT_VERSION}
  SOVERSION ${PROJECT_VERSION_MAJOR}
  EXPORT_NAME mpi
  CXX_VISIBILITY_PRESET hidden
  VISIBILITY_INLINES_HIDDEN ON
  LINK_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/capi/libchainerser.map;${CMAKE_CURRENT_SOURCE_DIR}/capi/mpi/libchainerser_mpi.map")
# Both version scripts: every ser_* symbol of the serial library, then the MPI node on top.
target_link_options(chainerser_mpi PRIVATE
  "LINKER:--version-script=${CMAKE_CURRENT_SOURCE_DIR}/capi/libchainerser.map"
  "LINKER:--version-script=${CMAKE_CURRENT_SOURCE_DIR}/capi/mpi/libchainerser_mpi.map")
if(NOT CHAINERSER_SANITIZE)
  target_link_options(chainerser_mpi PRIVATE "LINKER:--no-undefined")
endif()

install(TARGETS chainerser_mpi EXPORT chainerserMpiTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT chainerserMpiTargets NAMESPACE chainerser:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/chainerser)
configure_file(cmake/chainerser-mpi.pc.in ${CMAKE_CURRENT_BINARY_DIR}/chainerser-mpi.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/chainerser-mpi.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
