"""h5py's MPI build and libchainerser_mpi on the same HDF5 checkpoints, in both directions.

Debian's python3-h5py-mpi installs h5py._debian_h5py_mpi beside the serial h5py; `import h5py`
loads the MPI build only when it sees an MPI launcher (OMPI_COMM_WORLD_SIZE, MPI_LOCALNRANKS) or
H5PY_ALWAYS_USE_MPI, and falls back to the serial build without a word if the MPI build does not
import. So every run here says which build it wants (`load_h5py`) and fails if it got the other.

Run by ctest (the test names are in tests/mpi/CMakeLists.txt):

  h5py_interop.py from-h5py MPIRUN NP INTEROP_TESTS DIR
      NP ranks of h5py (driver 'mpio') write DIR/from_h5py.h5 in Chainer's layout, every rank its
      slab of each sharded dataset, collectively; then NP ranks of h5py_interop_tests read it with
      ser_h5_open_mpi, slab reads and ser_get_arrays_bcast (FromH5py.*).
  h5py_interop.py to-h5py MPIRUN NP INTEROP_TESTS DIR
      NP ranks of h5py_interop_tests write DIR/to_h5py.h5 with ser_h5_open_mpi and
      ser_put_array_slab (ToH5py.*); then NP ranks of h5py (driver 'mpio') and serial h5py read
      it and check every value, dtype, shape, group, and the chunk shape and filters against what
      h5py makes for Chainer's create_dataset(key, data=value, compression=4 or None).

Either exits 77 (ctest's SKIP_RETURN_CODE) only when h5py's MPI build or mpi4py cannot be
imported at all. The subcommands probe, write and check are what the ranks run.

The entries and their values are the table ENTRIES below; h5py_interop_test.cpp has the same
table (kEntries) and must be kept in step with it."""
import os
import subprocess
import sys

SKIP = 77

# key, numpy dtype, shape, split axis (-1: one rank writes it whole), owner of a whole entry,
# first value, step between consecutive values in C order. Values: numbers base + step * i;
# bool (i + base) % 3 == 0; complex base + step * i - 1j * i. "<None>" is None, "<str>" a str.
ENTRIES = [
    ("predictor/l1/W", "f4", (13, 7), 0, 0, -7.0, 0.5),
    ("predictor/l1/b", "f4", (7,), 0, 0, 1.0, 0.25),
    ("predictor/l2/W", "f8", (6, 5, 4), 2, 0, -3.0, 0.125),
    ("predictor/l2/b", "f8", (9, 8), 1, 0, 100.0, -1.5),
    ("predictor/bn/avg_mean", "f2", (5,), 0, 0, -7.0, 0.5),
    ("predictor/mask", "?", (4, 3), 0, 0, 0, 0),
    ("predictor/phase", "c16", (2, 3), 0, 0, 2.0, 0.5),
    ("predictor/counts", "i4", (3, 4), -1, 1, -5, 3),
    ("predictor/u16", "u2", (3, 4), -1, 0, 0, 1000),
    ("predictor/i8", "i1", (2, 2, 3), 1, 0, -6, 1),
    ("empty", "f4", (0, 3), 0, 0, 0.0, 1.0),
    ("predictor/bn/N", "i8", (), -1, 0, 1000, 0),
    ("optimizer/lr", "f8", (), -1, 1, 0.125, 0),
    ("optimizer/flag", "?", (), -1, 0, 0, 0),
    ("optimizer/lazy", "<None>", (), -1, 1, 0, 0),
    ("updater/name", "<str>", (), -1, 0, 0, 0),  # our writer only: parallel HDF5 writes no str
]
STRING = "r\u00e4ng \u2713"
GROUPS = ["optimizer", "predictor", "predictor/bn", "predictor/l1", "predictor/l2", "updater"]
# Written by h5py without compression, as Chainer's save_hdf5(compression=0) would: a contiguous
# dataset written independently by each rank, which the readers must handle too.
H5PY_CONTIGUOUS = {"predictor/l2/b"}


def load_h5py(mpi):
    """The h5py build asked for: `mpi` True for h5py._debian_h5py_mpi, False for the serial one."""
    for name in ("OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "H5PY_ALWAYS_USE_MPI"):
        if not mpi:
            os.environ.pop(name, None)
    if mpi:
        os.environ["H5PY_ALWAYS_USE_MPI"] = "1"
    import h5py
    if h5py.get_config().mpi != mpi:
        if mpi:
            # h5py/__init__.py swallowed the MPI build's import error: show it.
            try:
                from h5py import _debian_h5py_mpi  # noqa: F401
            except ImportError as e:
                print("h5py's MPI build does not import: %s" % e, file=sys.stderr)
                sys.exit(SKIP)
        sys.exit("import h5py gave the %s build" % ("serial" if mpi else "MPI"))
    return h5py


def load_mpi4py():
    try:
        from mpi4py import MPI
    except ImportError as e:
        print("mpi4py does not import: %s" % e, file=sys.stderr)
        sys.exit(SKIP)
    return MPI


def values(entry):
    import numpy
    key, dtype, shape, _axis, _owner, base, step = entry
    n = int(numpy.prod(shape, dtype=numpy.int64))
    i = numpy.arange(n, dtype=numpy.int64)
    if dtype == "?":
        v = (i + int(base)) % 3 == 0
    elif dtype.startswith("c"):
        v = base + step * i - 1j * i
    elif dtype[0] in "iu":
        v = int(base) + int(step) * i
    else:
        v = base + step * i.astype(numpy.float64)
    return v.astype(numpy.dtype(dtype)).reshape(shape)


def block(shape, axis, rank, ranks):
    """This rank's part of an entry split along `axis`: a tuple of slices."""
    lo, hi = shape[axis] * rank // ranks, shape[axis] * (rank + 1) // ranks
    return tuple(slice(lo, hi) if k == axis else slice(0, n) for k, n in enumerate(shape))


def numeric(entry):
    return not entry[1].startswith("<")


def chainer_layout(h5py, entry):
    """dtype, shape, chunks, compression, compression_opts, shuffle, fletcher32 of what Chainer's
    HDF5Serializer makes: create_dataset(key, data=value, compression=None if size <= 1 else 4)."""
    import numpy
    v = values(entry)
    with h5py.File("layout-%d.h5" % os.getpid(), "w", driver="core", backing_store=False) as f:
        d = f.create_dataset("x", data=v, compression=None if v.size <= 1 else 4)
        return (d.dtype, d.shape, d.chunks, d.compression, d.compression_opts, d.shuffle, d.fletcher32)


def layout_of(d):
    return (d.dtype, d.shape, d.chunks, d.compression, d.compression_opts, d.shuffle, d.fletcher32)


# --- what the ranks run ----------------------------------------------------------------------

def probe():
    """On every rank: both modules import, and import h5py gives the MPI build."""
    load_mpi4py()
    load_h5py(mpi=True)


def write(path):
    """Collective, on every rank: the h5py side of from-h5py."""
    MPI = load_mpi4py()
    h5py = load_h5py(mpi=True)
    import numpy
    comm = MPI.COMM_WORLD
    rank, ranks = comm.Get_rank(), comm.Get_size()
    collective = h5py.h5p.create(h5py.h5p.DATASET_XFER)
    collective.set_dxpl_mpio(h5py.h5fd.MPIO_COLLECTIVE)

    def write_nothing(d):
        # A collective write needs every rank; h5py's d[...] = returns early on an empty selection.
        fspace = d.id.get_space()
        fspace.select_none()
        mspace = h5py.h5s.create_simple((1,))
        mspace.select_none()
        d.id.write(mspace, fspace, numpy.zeros(1, d.dtype), dxpl=collective)

    with h5py.File(path, "w", driver="mpio", comm=comm) as f:
        assert f.driver == "mpio", f.driver
        for g in GROUPS:  # Chainer's require_group of each link
            f.require_group(g)
        for e in ENTRIES:
            key, dtype, shape, axis, owner = e[:5]
            if dtype == "<str>":
                continue
            if dtype == "<None>":
                f.create_dataset(key, data=h5py.Empty("f"))  # Chainer's None
                continue
            v = values(e)
            compression = None if v.size <= 1 or key in H5PY_CONTIGUOUS else 4
            # Creation is collective: every rank, the same arguments.
            d = f.create_dataset(key, shape=v.shape, dtype=v.dtype, compression=compression)
            filtered = compression is not None  # parallel HDF5 writes filtered chunks collectively only
            if axis >= 0:
                sl = block(shape, axis, rank, ranks)
                part = v[sl]
                if filtered:
                    if part.size:
                        with d.collective:
                            d[sl] = part
                    else:
                        write_nothing(d)
                elif part.size:
                    d[sl] = part  # independent
            elif filtered:
                if rank == owner:
                    with d.collective:
                        d[...] = v
                else:
                    write_nothing(d)
            elif rank == owner and v.size:
                d[()] = v  # independent
    comm.Barrier()
    if rank == 0:
        print("h5py (mpio, %d ranks) wrote %s" % (ranks, path))


def check(path, mpi):
    """Reads our MPI writer's file with h5py: on every rank with driver 'mpio' (mpi) or serially."""
    import numpy
    if mpi:
        MPI = load_mpi4py()
        h5py = load_h5py(mpi=True)
        comm = MPI.COMM_WORLD
        rank, ranks = comm.Get_rank(), comm.Get_size()
        f = h5py.File(path, "r", driver="mpio", comm=comm)
        assert f.driver == "mpio", f.driver
        who = "h5py mpio rank %d/%d" % (rank, ranks)
    else:
        h5py = load_h5py(mpi=False)
        rank, ranks = 0, 1
        f = h5py.File(path, "r")
        who = "serial h5py"
    problems = []
    with f:
        found = {}
        f.visititems(lambda name, obj: found.__setitem__(name, obj))
        want = set(GROUPS) | {e[0] for e in ENTRIES}
        if set(found) != want:
            problems.append("objects: extra %s, missing %s" % (sorted(set(found) - want), sorted(want - set(found))))
        for g in GROUPS:
            if g in found and not isinstance(found[g], h5py.Group):
                problems.append("%s is not a group" % g)
        for e in ENTRIES:
            key, dtype = e[0], e[1]
            d = found.get(key)
            if not isinstance(d, h5py.Dataset):
                problems.append("%s: not a dataset" % key)
                continue
            if dtype == "<None>":
                if d.shape is not None or not isinstance(d[()], h5py.Empty) or d.dtype != numpy.dtype("<f4"):
                    problems.append("%s: not h5py.Empty('f'): shape %r dtype %r" % (key, d.shape, d.dtype))
                continue
            if dtype == "<str>":
                info = h5py.check_string_dtype(d.dtype)
                got = d.asstr()[()] if info else None
                if not info or info.encoding != "utf-8" or info.length is not None or d.shape != () or got != STRING:
                    problems.append("%s: not the variable-length UTF-8 str %r: %r %r %r" % (key, STRING, info, d.shape, got))
                continue
            have, expect = layout_of(d), chainer_layout(h5py, e)
            if have != expect:
                problems.append("%s: (dtype, shape, chunks, compression, level, shuffle, fletcher32) %r, "
                                "h5py makes %r for Chainer" % (key, have, expect))
            v = values(e)
            got = d[()]
            if not (got.dtype == v.dtype and got.shape == v.shape and numpy.array_equal(got, v)):
                problems.append("%s: values %r, expected %r" % (key, got, v))
            if mpi and v.ndim and v.shape[0] >= ranks:
                # Each rank its row block, in one collective read (h5py skips the read of an
                # empty selection, so only where no rank's block is empty).
                sl = block(v.shape, 0, rank, ranks)
                with d.collective:
                    part = d[sl]
                if not numpy.array_equal(part, v[sl]):
                    problems.append("%s: collective read of block %r: %r" % (key, sl, part))
    if problems:
        sys.exit("%s reading %s:\n  %s" % (who, path, "\n  ".join(problems)))
    print("%s: %s holds every group, dataset, value and layout" % (who, path))


# --- what ctest runs --------------------------------------------------------------------------

def run(cmd, what, env=None):
    e = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    e.update(env or {})
    r = subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=180)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    if r.returncode == SKIP and what == "probe":
        sys.exit(SKIP)
    if r.returncode != 0:
        sys.exit("%s failed (exit %d): %s" % (what, r.returncode, " ".join(cmd)))


def mpirun(mpirun_path, np, *args):
    return [mpirun_path, "--oversubscribe", "-np", np] + list(args)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    me = os.path.abspath(__file__)
    py = sys.executable
    if cmd == "probe":
        probe()
    elif cmd == "write":
        write(sys.argv[2])
    elif cmd == "check":
        check(sys.argv[2], mpi=sys.argv[3] == "mpio")
    elif cmd in ("from-h5py", "to-h5py"):
        mpirun_path, np, program, directory = sys.argv[2:6]
        os.makedirs(directory, exist_ok=True)
        run(mpirun(mpirun_path, np, py, me, "probe"), "probe")
        if cmd == "from-h5py":
            path = os.path.join(directory, "from_h5py.h5")
            if os.path.exists(path):
                os.remove(path)
            run(mpirun(mpirun_path, np, py, me, "write", path), "h5py's parallel write")
            run(mpirun(mpirun_path, np, program, path, "--gtest_filter=FromH5py.*"), "our parallel read")
        else:
            path = os.path.join(directory, "to_h5py.h5")
            if os.path.exists(path):
                os.remove(path)
            run(mpirun(mpirun_path, np, program, path, "--gtest_filter=ToH5py.*"), "our parallel write")
            run(mpirun(mpirun_path, np, py, me, "check", path, "mpio"), "h5py's parallel read")
            run([py, me, "check", path, "serial"], "serial h5py's read")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
