"""The peers of chainerser_mpi_bench (issue 12): the same saves and reads, of the same data, with
h5py's MPI driver and with the ChainerMN pattern; and the one table of bench/run_mpi_bench.sh.

  mpirun -np P /usr/bin/python3 mpi_peers.py save SRC.npz DIR --layout sharded|replicated
         [--runs N] [--split-min BYTES] [--sides h5py-mpi,chainermn]
      SRC.npz is what `chainerser_bench gen W1t SRC.npz --scale S` wrote: the very arrays
      chainerser_mpi_bench generates with bench/workloads.cpp. Every rank reads SRC.npz member by
      member and keeps only its part, under the plan chainerser_mpi_bench uses (plan() below):
      a member of at least --split-min bytes with at least one row per rank is split over the
      ranks in row blocks of axis 0 (rank q: rows [q n0 / P, (q+1) n0 / P)); every other member
      goes whole to the rank holding the fewest bytes of such members so far (ties: lowest rank).
      Replicated: rank 0 holds every member.
      h5py-mpi (Debian python3-h5py-mpi, driver 'mpio'): Chainer's layout (a group per link,
        require_group), every dataset created collectively with compression=4 (gzip 4, h5py's
        chunk guess; compression None for one-element arrays, as Chainer's save_hdf5), and every
        write collective (parallel HDF5 1.10 writes filtered datasets collectively only): a split
        member's blocks by every rank at once, a whole member by its owner while every other rank
        selects nothing. read-block: every rank opens the file with 'mpio' and reads its blocks
        and members (independent reads). read-bcast: rank 0 opens the file (h5py's default driver)
        and reads each member, then comm.Bcast sends it to every rank.
      chainermn (ChainerMN's multi-node checkpointer): every rank numpy.savez_compressed of its
        own part into its own file DIR/chainermn.<layout>.npz.<rank> (an open file, as Chainer's
        save_npz passes; replicated: rank 0 only, one file); read-block: every rank numpy.load of
        its own file; read-bcast: rank 0 numpy.load of the file, comm.Bcast of each member.
      Neither fsyncs (ours does, twice: MPI_File_sync, then rank 0's fsync before the rename).
      Timing and RSS as chainerser_mpi_bench: barrier, slowest rank, best of N; /proc/self/clear_refs
      "5" before each case, then resource.getrusage's ru_maxrss per rank; `own` is the data the
      script holds on that rank (its part on a save and a block read, the receive buffers of a
      bcast read), `cpu_s` each rank's CPU seconds per run. glibc's mmap threshold is fixed at
      128 KiB first (fixed_mmap_threshold). Rank 0 prints one JSON line per case.
  mpi_peers.py table RESULTS.jsonl
      The one table, side by side (ours, the peer, ratios, speedups, RSS against own + 64 MiB).
  mpi_peers.py check SRC.npz DIR
      Every file the run left in DIR loads in NumPy (and serial h5py) with the values of SRC.npz
      (the shards of the ChainerMN pattern and sharded files rebuilt by the plan). CI's quick mode.
"""
import argparse
import json
import os
import resource
import sys
import time

SPLIT_MIN = 256 * 1024


def plan(shapes, nbytes, sharded, split_min, size):
    """[(key, split, owner)] for every member: the rule chainerser_mpi_bench applies."""
    load = [0] * size
    out = []
    for key, shape in shapes:
        n = nbytes[key]
        if sharded and len(shape) and shape[0] >= size and n >= split_min:
            out.append((key, True, -1))
        else:
            owner = load.index(min(load)) if sharded else 0
            load[owner] += n
            out.append((key, False, owner))
    return out


def rows(n0, rank, size):
    return n0 * rank // size, n0 * (rank + 1) // size


def source_shapes(numpy, src):
    with numpy.load(src) as z:
        shapes, nbytes = [], {}
        for name in z.files:
            a = z[name]
            shapes.append((name, a.shape))
            nbytes[name] = a.nbytes
        return shapes, nbytes


def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def trim():
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass


def fixed_mmap_threshold():
    # glibc raises its mmap threshold as large blocks are freed, and then puts the full members
    # read from SRC.npz on the heap between the parts kept, where malloc_trim cannot return them:
    # a fixed threshold keeps every large array in its own mapping, so that what is freed leaves
    # the RSS (chainerser_mpi_bench frees whole vectors of its own, without this).
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
    except OSError:
        pass


def cpu_seconds():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def save_cmd(args):
    fixed_mmap_threshold()
    os.environ["H5PY_ALWAYS_USE_MPI"] = "1"
    from mpi4py import MPI
    import numpy
    import h5py
    if not h5py.get_config().mpi:
        sys.exit("mpi_peers.py: import h5py gave the serial build (python3-h5py-mpi missing?)")
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    sharded = args.layout == "sharded"
    shapes, nbytes = source_shapes(numpy, args.src)
    members = plan(shapes, nbytes, sharded, args.split_min, size)
    shape_of = dict(shapes)
    model_bytes = sum(nbytes.values())
    # This rank's part, member by member (the source is never held whole).
    part = {}
    with numpy.load(args.src) as z:
        for key, split, owner in members:
            if split:
                lo, hi = rows(shape_of[key][0], rank, size)
                part[key] = numpy.array(z[key][lo:hi])  # a copy: a row slice would keep the whole member
            elif owner == rank:
                part[key] = z[key]
    trim()
    own = sum(a.nbytes for a in part.values())

    def slowest(seconds):
        return comm.allreduce(seconds, op=MPI.MAX)

    def report(side, op, fmt, times, held, path, cpu):
        rss = comm.gather(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, root=0)
        owns = comm.gather(held / 1048576.0, root=0)
        cpus = comm.gather(round(cpu, 4), root=0)
        if rank:
            return
        size_on_disk = 0
        for p in ([path] if os.path.exists(path) else [path + ".%d" % r for r in range(size)]):
            if os.path.exists(p):
                size_on_disk += os.path.getsize(p)
        print(json.dumps({"side": side, "op": op, "format": fmt, "layout": args.layout, "ranks": size, "threads": 1,
                          "model_bytes": model_bytes, "file_bytes": size_on_disk, "seconds": round(min(times), 4),
                          "runs": [round(t, 4) for t in times], "rss_mib": [round(r, 1) for r in rss],
                          "own_mib": [round(o, 4) for o in owns], "cpu_s": cpus}), flush=True)

    def timed(fn):
        comm.Barrier()
        t0 = MPI.Wtime()
        fn()
        return slowest(MPI.Wtime() - t0)

    collective = h5py.h5p.create(h5py.h5p.DATASET_XFER)
    collective.set_dxpl_mpio(h5py.h5fd.MPIO_COLLECTIVE)

    def write_collectively(d, data, lo=0):
        """d[lo:lo + len(data)] = data in one collective H5Dwrite; data None: this rank selects
        nothing (h5py's d[...] = returns early on an empty selection, so it is done here)."""
        fspace = d.id.get_space()
        if data is None:
            fspace.select_none()
            mspace = h5py.h5s.create_simple((1,))
            mspace.select_none()
            data = numpy.zeros(1, d.dtype)
        else:
            fspace.select_hyperslab((lo,) + (0,) * (data.ndim - 1), data.shape)
            mspace = h5py.h5s.create_simple(data.shape)
        d.id.write(mspace, fspace, data, dxpl=collective)

    def h5py_save(path):
        with h5py.File(path, "w", driver="mpio", comm=comm) as f:
            for key, split, owner in members:
                group, name = key.rsplit("/", 1)
                g = f.require_group(group)  # Chainer's layout: a group per link
                shape = shape_of[key]
                compression = 4 if int(numpy.prod(shape)) > 1 else None
                d = g.create_dataset(name, shape=shape, dtype="f4", compression=compression)  # collective
                if split:
                    write_collectively(d, part[key], rows(shape[0], rank, size)[0])
                elif compression is None:  # contiguous: its owner writes it alone (independent I/O)
                    if owner == rank:
                        d[...] = part[key]
                else:
                    write_collectively(d, part.get(key))

    def chainermn_save(path):
        # chainermn's checkpointer: save_npz('<name>.<rank>'), an open file to savez_compressed.
        if sharded or rank == 0:
            with open(path + ".%d" % rank if sharded else path, "wb") as f:
                numpy.savez_compressed(f, **part)

    def h5py_read_block(path, into):
        with h5py.File(path, "r", driver="mpio", comm=comm) as f:
            for key, split, owner in members:
                if split:
                    lo, hi = rows(shape_of[key][0], rank, size)
                    f[key].read_direct(into[key], numpy.s_[lo:hi])
                elif owner == rank:
                    f[key].read_direct(into[key])

    def chainermn_read_block(path, into):
        with numpy.load(path + ".%d" % rank) as z:
            for key in into:
                into[key][...] = z[key]

    def bcast_read(opener, into):
        # rank 0 reads, every rank receives: ChainerMN's bcast of the model after rank 0 loads it.
        src = opener() if rank == 0 else None
        try:
            for key, _, _ in members:
                if rank == 0:
                    src(key, into[key])
                comm.Bcast(into[key], root=0)
        finally:
            if rank == 0:
                src.close()

    class H5Source:
        def __init__(self, path):
            self.f = h5py.File(path, "r")

        def __call__(self, key, buf):
            self.f[key].read_direct(buf)

        def close(self):
            self.f.close()

    class NpzSource:
        def __init__(self, path):
            self.z = numpy.load(path)

        def __call__(self, key, buf):
            buf[...] = self.z[key]

        def close(self):
            self.z.close()

    sides = [s for s in ("h5py-mpi", "chainermn") if s in args.sides.split(",")]
    saves = {"h5py-mpi": ("h5", h5py_save), "chainermn": ("npz", chainermn_save)}
    for side in sides:
        fmt, fn = saves[side]
        path = os.path.join(args.dir, "%s.%s.%s" % (side.replace("-", "_"), args.layout, fmt))
        reset_peak()
        cpu0 = cpu_seconds()
        times = [timed(lambda: fn(path)) for _ in range(args.runs)]
        report(side, "save", fmt, times, own, path, (cpu_seconds() - cpu0) / args.runs)
    part.clear()
    trim()
    for side in sides:
        fmt = saves[side][0]
        path = os.path.join(args.dir, "%s.%s.%s" % (side.replace("-", "_"), args.layout, fmt))
        if sharded:
            into = {}
            for key, split, owner in members:
                if split:
                    lo, hi = rows(shape_of[key][0], rank, size)
                    into[key] = numpy.empty((hi - lo,) + tuple(shape_of[key][1:]), "f4")
                elif owner == rank:
                    into[key] = numpy.empty(shape_of[key], "f4")
            read = (lambda: h5py_read_block(path, into)) if side == "h5py-mpi" else (lambda: chainermn_read_block(path, into))
        else:
            into = {key: numpy.empty(shape_of[key], "f4") for key, _, _ in members}
            opener = (lambda: H5Source(path)) if side == "h5py-mpi" else (lambda: NpzSource(path))
            read = lambda: bcast_read(opener, into)  # noqa: E731
        reset_peak()
        cpu0 = cpu_seconds()
        times = [timed(read) for _ in range(args.runs)]
        report(side, "read-block" if sharded else "read-bcast", fmt, times, sum(a.nbytes for a in into.values()), path,
               (cpu_seconds() - cpu0) / args.runs)
        into = None
        trim()


def check_cmd(args):
    """Every file in DIR loads in NumPy / serial h5py with SRC's values (CI's quick mode)."""
    os.environ.pop("H5PY_ALWAYS_USE_MPI", None)
    import numpy
    src = dict(numpy.load(args.src))
    shapes = [(k, v.shape) for k, v in src.items()]
    nbytes = {k: v.nbytes for k, v in src.items()}
    checked = 0
    names = sorted(os.listdir(args.dir))
    for name in names:
        path = os.path.join(args.dir, name)
        if name.endswith(".npz") and not name.startswith("chainermn.sharded"):
            with numpy.load(path) as z:
                got = {k: z[k] for k in z.files}
        elif name.endswith(".h5"):
            import h5py
            got = {}
            with h5py.File(path, "r") as f:
                f.visititems(lambda k, o: got.__setitem__(k, o[()]) if isinstance(o, h5py.Dataset) else None)
        elif name.startswith("chainermn.sharded.npz."):
            continue
        else:
            continue
        if sorted(got) != sorted(src):
            sys.exit("%s: keys %s, the source's %s" % (path, sorted(got)[:5], sorted(src)[:5]))
        for k, v in src.items():
            if got[k].dtype != v.dtype or got[k].shape != v.shape or not numpy.array_equal(got[k], v):
                sys.exit("%s: %s differs from the source" % (path, k))
        checked += 1
    # The ChainerMN shards: rebuilt by the plan of the ranks that wrote them.
    shards = sorted(n for n in names if n.startswith("chainermn.sharded.npz."))
    if shards:
        size = len(shards)
        parts = [numpy.load(os.path.join(args.dir, "chainermn.sharded.npz.%d" % r)) for r in range(size)]
        for key, split, owner in plan(shapes, nbytes, True, args.split_min, size):
            v = numpy.concatenate([p[key] for p in parts]) if split else parts[owner][key]
            if not numpy.array_equal(v, src[key]):
                sys.exit("chainermn.sharded.npz.*: %s differs from the source" % key)
        checked += size
    if not checked:
        sys.exit("%s: no file to check" % args.dir)
    print("mpi_peers.py check: %d files in %s load with the source's values" % (checked, args.dir))


def table_cmd(args):
    rows_ = [json.loads(line) for line in open(args.results) if line.startswith("{")]

    def find(side, op, fmt, layout, ranks, threads=1):
        for r in rows_:
            if (r["side"], r["op"], r["format"], r["layout"], r["ranks"], r["threads"]) == (side, op, fmt, layout,
                                                                                             ranks, threads):
                return r
        return None

    def cpu(r):
        return "%.1f" % max(r["cpu_s"]) if "cpu_s" in r else "?"

    def over(r):  # the worst rank's peak RSS above its own data
        return max(x - o for x, o in zip(r["rss_mib"], r["own_mib"]))

    def rss(r):
        worst = max(range(len(r["rss_mib"])), key=lambda i: r["rss_mib"][i] - r["own_mib"][i])
        return "%.0f / %.0f%s" % (r["rss_mib"][worst], r["own_mib"][worst] + 64, "" if over(r) <= 64 else " over")

    peer_of = {"h5": "h5py-mpi", "npz": "chainermn"}
    labels = {"npz": "NPZ compressed", "h5": "HDF5 gzip 4", "npz-stored": "NPZ stored"}
    print("| ranks x threads | op | layout | format | ours s | ours MiB/s | put / close s | peer | peer s | "
          "peer / ours | ours vs 1 rank x 1 thread | CPU s per rank, ours / peer | ours peak RSS / own + 64 MiB | "
          "peer peak RSS / own + 64 MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    ours = [r for r in rows_ if r["side"] == "ours"]
    ours.sort(key=lambda r: (r["ranks"], r["threads"], ["save", "read-block", "read-bcast"].index(r["op"]),
                             r["layout"] != "sharded", r["format"] != "npz"))
    for r in ours:
        peer = find(peer_of.get(r["format"]), r["op"], r["format"], r["layout"], r["ranks"])
        base = find("ours", r["op"], r["format"], r["layout"], 1, 1)
        mib = r["model_bytes"] / 1048576.0
        print("| %d x %d | %s | %s | %s | %.3f | %.0f | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["ranks"], r["threads"], r["op"], r["layout"], labels[r["format"]],
            r["seconds"], mib / r["seconds"], "%.3f / %.3f" % (r["put"], r["close"]) if "put" in r else "",
            peer["side"] if peer else "", "%.3f" % peer["seconds"] if peer else "",
            "%.2fx" % (peer["seconds"] / r["seconds"]) if peer else "",
            "%.2fx" % (base["seconds"] / r["seconds"]) if base and base is not r else "",
            "%s / %s" % (cpu(r), cpu(peer) if peer else "-"), rss(r), rss(peer) if peer else ""))
    if ours:
        print("\nmodel: %.1f MiB in %s" % (ours[0]["model_bytes"] / 1048576.0, "float32 members"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("save")
    s.add_argument("src")
    s.add_argument("dir")
    s.add_argument("--layout", choices=("sharded", "replicated"), required=True)
    s.add_argument("--runs", type=int, default=3)
    s.add_argument("--split-min", type=int, default=SPLIT_MIN)
    s.add_argument("--sides", default="h5py-mpi,chainermn")
    c = sub.add_parser("check")
    c.add_argument("src")
    c.add_argument("dir")
    c.add_argument("--split-min", type=int, default=SPLIT_MIN)
    t = sub.add_parser("table")
    t.add_argument("results")
    args = ap.parse_args()
    {"save": save_cmd, "check": check_cmd, "table": table_cmd}[args.cmd](args)


if __name__ == "__main__":
    main()
