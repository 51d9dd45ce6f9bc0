"""Drives the chainerser command on the Chainer fixtures and on files written by NumPy.

Usage: /usr/bin/python3 cli_test.py CHAINERSER_BINARY DATA_DIR
Expectations come from the fixtures' MANIFEST.json and from NumPy, never from the tool itself.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile

import numpy as np

CLI = None
DATA = None


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def manifest():
    with open(os.path.join(DATA, "MANIFEST.json")) as f:
        return json.load(f)["files"]


def npz_fixtures():
    return sorted(n for n in os.listdir(DATA) if n.endswith(".npz"))


def h5_fixtures():
    return sorted(n for n in os.listdir(DATA) if n.endswith(".h5"))


class LsJson(unittest.TestCase):
    def test_hashes_equal_manifest_for_every_entry(self):
        files = manifest()
        for name, threads in [(n, t) for n in npz_fixtures() + h5_fixtures() for t in ([], ["--threads", "1"],
                                                                                        ["--threads", "2"])]:
            with self.subTest(name=name, threads=threads):
                rc, out, err = run("ls", "--json", os.path.join(DATA, name), *threads)
                self.assertEqual(rc, 0, err)
                got = {e["key"]: e for e in json.loads(out)}
                want = {e["key"]: e for e in files[name]["entries"]}
                self.assertEqual(sorted(got), sorted(want))
                for key, w in want.items():
                    g = got[key]
                    self.assertEqual(g["none"], w["is_none"], key)
                    if w["is_none"]:  # the manifest gives NPZ's 0-d object shape, or h5py's None
                        self.assertIsNone(g["sha256"], key)
                    else:
                        self.assertEqual(g["shape"], list(w["shape"]), key)
                        self.assertEqual(g["dtype"], w["dtype"], key)
                        self.assertEqual(g["sha256"], w["sha256"], key)

    def test_table_has_a_row_per_entry_and_totals(self):
        path = os.path.join(DATA, "mlp.npz")
        rc, out, err = run("ls", path)
        self.assertEqual(rc, 0, err)
        with np.load(path) as z:
            keys = z.files
            params = sum(z[k].size for k in keys)
        for k in keys:
            self.assertRegex(out, r"(?m)^%s\s" % k.replace("/", r"\/"))
        self.assertIn("%d entries, %d parameters" % (len(keys), params), out)


class Convert(unittest.TestCase):
    def test_npz_to_npz_round_trip_equal_per_diff_and_numpy(self):
        with tempfile.TemporaryDirectory() as d:
            for name in npz_fixtures():
                with self.subTest(name=name):
                    src = os.path.join(DATA, name)
                    dst = os.path.join(d, "copy.npz")
                    rc, _, err = run("convert", src, dst, "--no-compress")
                    self.assertEqual(rc, 0, err)
                    rc, out, err = run("diff", src, dst)
                    self.assertEqual((rc, out), (0, ""), err)
                    with np.load(src, allow_pickle=True) as a, np.load(dst, allow_pickle=True) as b:
                        self.assertEqual(sorted(a.files), sorted(b.files))
                        for k in a.files:
                            self.assertEqual(a[k].dtype.str, b[k].dtype.str, k)
                            self.assertEqual(a[k].shape, b[k].shape, k)
                            if a[k].dtype.kind == "O":
                                self.assertIs(b[k][()], None)
                            else:
                                self.assertEqual(a[k].tobytes(), b[k].tobytes(), k)
                    with zipfile.ZipFile(dst) as z:
                        self.assertTrue(all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist()))

    def test_npz_to_h5_to_npz_round_trip_equal_per_diff_numpy_and_h5py(self):
        import h5py
        with tempfile.TemporaryDirectory() as d:
            for name in npz_fixtures():
                with self.subTest(name=name):
                    src = os.path.join(DATA, name)
                    h5 = os.path.join(d, "mid.h5")
                    back = os.path.join(d, "back.npz")
                    for a, b in ((src, h5), (h5, back)):
                        rc, _, err = run("convert", a, b)
                        self.assertEqual(rc, 0, err)
                        self.assertEqual(err, "", "no progress output when stderr is not a terminal")
                    for other in (h5, back):
                        rc, out, err = run("diff", src, other)
                        self.assertEqual((rc, out), (0, ""), err)
                    with np.load(src, allow_pickle=True) as a, np.load(back, allow_pickle=True) as b, \
                            h5py.File(h5, "r") as f:
                        self.assertEqual(sorted(a.files), sorted(b.files))
                        for k in a.files:
                            if a[k].dtype.kind == "O":
                                self.assertIs(b[k][()], None)
                                self.assertIsNone(f[k].shape)  # h5py.Empty
                                continue
                            self.assertEqual((a[k].dtype.str, a[k].shape), (b[k].dtype.str, b[k].shape), k)
                            self.assertEqual(a[k].tobytes(), b[k].tobytes(), k)
                            if a[k].dtype.kind == "U":
                                self.assertEqual(f[k][()].decode(), str(a[k][()]), k)
                            else:
                                self.assertTrue(np.array_equal(f[k][()], a[k], equal_nan=a[k].dtype.kind in "fc"), k)
                    # Every member is the same bytes, Fortran-ordered ones too (chainerser_fortran_order).
                    with zipfile.ZipFile(src) as za, zipfile.ZipFile(back) as zb:
                        self.assertEqual(sorted(za.namelist()), sorted(zb.namelist()))
                        for n in za.namelist():
                            self.assertEqual(za.read(n), zb.read(n), n)

    FORTRAN = {
        "f/f4": np.asfortranarray(np.arange(12, dtype="<f4").reshape(3, 4) / 7),
        "f/i2_3d": np.asfortranarray(np.arange(-30, 30, dtype="<i2").reshape(3, 4, 5)),
        "f/c16": np.asfortranarray((np.arange(6) + 1j * np.arange(6, 12)).reshape(2, 3)),
        "f/bool": np.asfortranarray(np.arange(6).reshape(3, 2) % 4 == 1),
        "f/big_endian": np.asfortranarray(np.arange(6, dtype=">f8").reshape(2, 3)),
        "f/u8_4d": np.asfortranarray(np.arange(2 * 3 * 2 * 2, dtype="<u8").reshape(2, 3, 2, 2)),
        "f/f2_with_unit_axis": np.asfortranarray(np.arange(6, dtype="<f2").reshape(2, 1, 3)),
        "f/str": np.asfortranarray(np.array([["a", "bc", "\u00e9"], ["d\x00", "", "f"]], dtype="<U3")),
        "c/f4": np.arange(12, dtype="<f4").reshape(3, 4),  # C order: no attribute
        "c/f_vector": np.asfortranarray(np.arange(5, dtype="<i4")),  # numpy writes fortran_order False
        "c/f_column": np.asfortranarray(np.arange(5, dtype="<i4").reshape(5, 1)),  # both contiguous: False
    }

    def test_fortran_order_survives_npz_to_h5_to_npz_byte_for_byte(self):
        import h5py
        with tempfile.TemporaryDirectory() as d:
            for level in ([], ["--no-compress"], ["--threads", "2"]):
                with self.subTest(h5_options=level):
                    src, h5, h5b, back = (os.path.join(d, n) for n in ("src.npz", "mid.h5", "mid2.h5", "back.npz"))
                    np.savez(src, **self.FORTRAN)  # stored members
                    with zipfile.ZipFile(src) as z:
                        headers = {n: z.read(n)[:128] for n in z.namelist()}
                    self.assertIn(b"'fortran_order': True", headers["f/f4.npy"])  # the fixture is what it says
                    self.assertIn(b"'fortran_order': False", headers["c/f_column.npy"])
                    for a, b, *opts in ((src, h5, *level), (h5, h5b, *level), (h5b, back, "--no-compress")):
                        rc, _, err = run("convert", a, b, *opts)
                        self.assertEqual(rc, 0, err)
                    for other in (h5, h5b, back):
                        rc, out, err = run("diff", src, other)
                        self.assertEqual((rc, out), (0, ""), err)
                    with zipfile.ZipFile(src) as za, zipfile.ZipFile(back) as zb:
                        self.assertEqual(sorted(za.namelist()), sorted(zb.namelist()))
                        for n in za.namelist():
                            self.assertEqual(za.read(n), zb.read(n), n)
                    for path in (h5, h5b):  # ordinary C-order datasets of the logical shape
                        with h5py.File(path, "r") as f:
                            for k, want in self.FORTRAN.items():
                                ds = f[k]
                                self.assertEqual(ds.shape, want.shape, k)
                                fortran = k.startswith("f/")
                                self.assertEqual("chainerser_fortran_order" in ds.attrs, fortran, k)
                                if fortran:
                                    self.assertIs(ds.attrs["chainerser_fortran_order"], np.True_, k)
                                got = ds.asstr()[()] if want.dtype.kind == "U" else ds[()]
                                got = np.asarray(got, dtype=want.dtype) if want.dtype.kind == "U" else got
                                self.assertTrue(np.array_equal(got, want), k)
                                self.assertEqual(got.astype(want.dtype.newbyteorder("=")).tobytes(),
                                                 np.ascontiguousarray(want).astype(
                                                     want.dtype.newbyteorder("=")).tobytes(), k)

    def test_a_bad_fortran_order_attribute_is_a_format_error(self):
        import h5py
        with tempfile.TemporaryDirectory() as d:
            h5, back = os.path.join(d, "bad.h5"), os.path.join(d, "back.npz")
            with h5py.File(h5, "w") as f:
                f.create_dataset("w", data=np.zeros((2, 3), "f4")).attrs["chainerser_fortran_order"] = np.int8(2)
            rc, _, err = run("convert", h5, back)
            self.assertEqual(rc, 2, err)
            self.assertIn("chainerser_fortran_order", err)
            self.assertIn("'w'", err)

    STRINGS = {
        "wide": np.array(["ab", "c"], dtype="<U7"),  # wider than its longest string
        "nul/inside": np.array(["a\x00b", "", "\u00e9\x00", "\U0001F600x\x00\x00y"], dtype="<U6"),
        "nul/grid": np.array([["a\x00", "b"], ["c", "d\x00e"]], dtype="<U4"),
        "nul/scalar": np.array("\x00x", dtype="<U3"),
        "empty": np.array(["", ""], dtype="<U3"),
        "no_elements": np.zeros((0, 2), dtype="<U5"),
        "big_endian": np.array(["xy", "z"], dtype=">U4"),
        "scalar": np.array("h\u00e9", dtype="<U9"),
        "non_ascii": np.array(["\u03b2\u03b3\u03b4", "\u2713", "\u65e5\U0001F600"], dtype="<U3"),
        "many": np.array(["s%d" % i + "\x00" * (i % 2) + "t" for i in range(300)], dtype="<U12"),
        "bytes/nul": np.array([b"a\x00b", b"", b"\x00\x00c", b"\xff\x00"], dtype="S5"),
        "bytes/scalar": np.array(b"\x00a\x00", dtype="S6"),
    }

    def test_str_and_bytes_survive_npz_to_h5_to_npz_exactly(self):
        import h5py
        with tempfile.TemporaryDirectory() as d:
            for save in (np.savez, np.savez_compressed):
                with self.subTest(save=save.__name__):
                    src, h5, back = (os.path.join(d, n) for n in ("src.npz", "mid.h5", "back.npz"))
                    save(src, **self.STRINGS)
                    for a, b, *opts in ((src, h5), (h5, back, "--no-compress")):
                        rc, _, err = run("convert", a, b, *opts)
                        self.assertEqual(rc, 0, err)
                    for other in (h5, back):
                        rc, out, err = run("diff", src, other)
                        self.assertEqual((rc, out), (0, ""), err)
                    with np.load(src) as a, np.load(back) as b:
                        self.assertEqual(sorted(a.files), sorted(b.files))
                        for k in a.files:
                            self.assertEqual(a[k].dtype, b[k].dtype, k)
                            self.assertEqual(a[k].dtype.str, b[k].dtype.str, k)
                            self.assertTrue(np.array_equal(a[k], b[k]), k)
                    with zipfile.ZipFile(src) as za, zipfile.ZipFile(back) as zb:
                        self.assertEqual(sorted(za.namelist()), sorted(zb.namelist()))
                        for n in za.namelist():
                            self.assertEqual(za.read(n), zb.read(n), n)
                    with h5py.File(h5, "r") as f:
                        for k, want in self.STRINGS.items():
                            ds = f[k]
                            if want.dtype.kind == "S":
                                self.assertEqual(ds.dtype, want.dtype, k)
                                self.assertTrue(np.array_equal(ds[()], want), k)
                                continue
                            self.assertEqual(ds.attrs["chainerser_numpy_dtype"].decode(), want.dtype.str, k)
                            got = ds.asstr()[()]
                            got = np.array(got if ds.shape == () else got.tolist(), dtype=want.dtype).reshape(want.shape)
                            self.assertTrue(np.array_equal(got, want), k)
                        self.assertEqual(h5py.check_string_dtype(f["wide"].dtype).length, None)  # h5py's own vlen
                        self.assertEqual(h5py.check_string_dtype(f["nul/inside"].dtype).encoding, "utf-8")

    def test_h5py_strings_without_the_attribute_read_as_before(self):
        import h5py
        with tempfile.TemporaryDirectory() as d:
            h5, back = os.path.join(d, "h5py.h5"), os.path.join(d, "back.npz")
            with h5py.File(h5, "w") as f:
                f.create_dataset("vlen", data=np.array(["a", "\u03b2\u03b3", ""], dtype=object),
                                 dtype=h5py.string_dtype())
                f.create_dataset("fixed", data=np.array([b"ab", b"c\x00d"], dtype="S4"))
            rc, _, err = run("convert", h5, back)
            self.assertEqual(rc, 0, err)
            with np.load(back) as b:
                self.assertEqual(b["vlen"].dtype.str, "<U2")  # numpy's width for the strings
                self.assertTrue(np.array_equal(b["vlen"], np.array(["a", "\u03b2\u03b3", ""])))
                self.assertEqual(b["fixed"].dtype.str, "|S4")
                self.assertTrue(np.array_equal(b["fixed"], np.array([b"ab", b"c\x00d"], dtype="S4")))

    def test_snapshot_without_extension_needs_to(self):
        with tempfile.TemporaryDirectory() as d:
            dst = os.path.join(d, "snapshot_iter_7")
            rc, _, err = run("convert", os.path.join(DATA, "trainer.npz"), dst)
            self.assertEqual(rc, 2)
            self.assertIn("--to", err)
            rc, _, err = run("convert", os.path.join(DATA, "trainer.npz"), dst, "--to", "npz", "--level", "9")
            self.assertEqual(rc, 0, err)
            with zipfile.ZipFile(dst) as z:
                self.assertTrue(all(i.compress_type == zipfile.ZIP_DEFLATED for i in z.infolist()))


class Progress(unittest.TestCase):
    def test_bar_on_a_terminal_for_large_files_only(self):
        import pty
        import select
        with tempfile.TemporaryDirectory() as d:
            big = os.path.join(d, "big.npz")
            np.savez(big, w=np.zeros(20 << 20, dtype=np.float32))  # 80 MiB: above the 64 MiB threshold

            def stderr_on_a_terminal(*args):
                master, slave = pty.openpty()
                p = subprocess.Popen([CLI, *args], stdout=subprocess.DEVNULL, stderr=slave)
                os.close(slave)
                seen = b""
                while True:
                    ready, _, _ = select.select([master], [], [], 60)
                    if not ready:
                        break
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:  # the terminal closed with the process
                        break
                    if not chunk:
                        break
                    seen += chunk
                os.close(master)
                self.assertEqual(p.wait(), 0, seen)
                return seen.decode(errors="replace")

            self.assertIn("verify [", stderr_on_a_terminal("verify", big))
            self.assertIn("100%", stderr_on_a_terminal("convert", big, os.path.join(d, "big.h5")))
            self.assertEqual(run("verify", big)[2], "")  # not a terminal: no bar
            self.assertNotIn("[", stderr_on_a_terminal("verify", os.path.join(DATA, "mlp.npz")))


class Diff(unittest.TestCase):
    def write(self, d, name, arrays):
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            np.savez(f, **arrays)
        return path

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        rng = np.random.default_rng(7)
        self.base = {"l1/W": rng.standard_normal((4, 3)).astype(np.float32),
                     "l1/b": np.arange(4, dtype=np.float32), "t": np.asarray(3)}
        self.a = self.write(self.tmp.name, "a.npz", self.base)

    def tearDown(self):
        self.tmp.cleanup()

    def test_identical_files_exit_zero(self):
        b = self.write(self.tmp.name, "b.npz", dict(self.base))
        self.assertEqual(run("diff", self.a, b)[:2], (0, ""))

    def test_one_ulp_change_is_detected_and_tolerated_with_rtol(self):
        changed = dict(self.base)
        w = changed["l1/W"].copy()
        w[2, 1] = np.nextafter(w[2, 1], np.float32(np.inf))
        changed["l1/W"] = w
        b = self.write(self.tmp.name, "b.npz", changed)
        rc, out, _ = run("diff", self.a, b)
        self.assertEqual(rc, 1)
        self.assertIn("l1/W: values differ", out)
        self.assertEqual(run("diff", self.a, b, "--rtol", "1e-6")[0], 0)

    def test_missing_key_and_dtype_change(self):
        changed = dict(self.base)
        del changed["l1/b"]
        changed["t"] = np.asarray(3, dtype=np.int32)
        b = self.write(self.tmp.name, "b.npz", changed)
        rc, out, _ = run("diff", self.a, b)
        self.assertEqual(rc, 1)
        self.assertIn("l1/b: only in " + self.a, out)
        self.assertIn("t: dtype <i8 vs <i4", out)

    def test_error_exit_two_names_the_file(self):
        missing = os.path.join(self.tmp.name, "nope.npz")
        rc, _, err = run("diff", self.a, missing)
        self.assertEqual(rc, 2)
        self.assertTrue(err.startswith("chainerser: " + missing), err)


class Verify(unittest.TestCase):
    def test_sound_fixture_passes(self):
        rc, out, err = run("verify", os.path.join(DATA, "trainer.npz"))
        self.assertEqual(rc, 0, err)

    def test_flipped_data_byte_is_reported(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "flip.npz")
            np.savez(path, w=np.arange(64, dtype=np.float64))
            with zipfile.ZipFile(path) as z:
                info = z.getinfo("w.npy")
            with open(path, "rb") as f:
                raw = bytearray(f.read())
            name_len = int.from_bytes(raw[info.header_offset + 26:info.header_offset + 28], "little")
            extra_len = int.from_bytes(raw[info.header_offset + 28:info.header_offset + 30], "little")
            data_start = info.header_offset + 30 + name_len + extra_len
            raw[data_start + 128 + 100] ^= 0x40  # inside the array data, past the npy header
            with open(path, "wb") as f:
                f.write(bytes(raw))
            rc, _, err = run("verify", path)
            self.assertEqual(rc, 1)
            self.assertIn(path, err)
            self.assertIn("'w'", err)
            self.assertIn("CRC", err)


class Threads(unittest.TestCase):
    """--threads: the batched reads on N threads give what NumPy wrote, and name what is wrong."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        rng = np.random.default_rng(7)
        self.arrays = {"l%03d/W" % i: rng.standard_normal((17, i + 1)).astype(np.float32) for i in range(120)}
        self.path = os.path.join(self.tmp.name, "many.npz")
        np.savez_compressed(self.path, **self.arrays)

    def tearDown(self):
        self.tmp.cleanup()

    def test_verify_and_diff_on_many_members(self):
        for threads in ("1", "2", "0"):
            with self.subTest(threads=threads):
                rc, out, err = run("verify", self.path, "--threads", threads)
                self.assertEqual(rc, 0, err)
                self.assertIn("%d entries" % len(self.arrays), out)
        changed = dict(self.arrays)
        changed["l077/W"] = changed["l077/W"].copy()
        changed["l077/W"][3, 5] += 1
        other = os.path.join(self.tmp.name, "changed.npz")
        np.savez_compressed(other, **changed)
        rc, out, err = run("diff", self.path, other, "--threads", "2")
        self.assertEqual(rc, 1, err)
        self.assertEqual(out.splitlines(), ["l077/W: values differ: max abs diff 1, max rel diff %.6g" %
                                            (1 / abs(changed["l077/W"][3, 5])), "1 difference"])

    def test_a_corrupt_member_among_many_is_named(self):
        with zipfile.ZipFile(self.path) as z:
            info = z.getinfo("l060/W.npy")
        with open(self.path, "r+b") as f:
            f.seek(info.header_offset + 26)
            name_len, extra_len = np.frombuffer(f.read(4), "<u2")
            f.seek(info.header_offset + 30 + int(name_len) + int(extra_len) + info.compress_size // 2)
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))
        rc, _, err = run("verify", self.path, "--threads", "2")
        self.assertEqual(rc, 1)
        self.assertIn(self.path, err)
        self.assertIn("l060/W", err)

    def test_bad_thread_counts_are_usage_errors(self):
        for bad in ("-1", "two", "", "100000"):
            for command in (["verify", self.path], ["ls", self.path], ["diff", self.path, self.path],
                            ["convert", self.path, os.path.join(self.tmp.name, "out.h5")]):
                with self.subTest(bad=bad, command=command[0]):
                    rc, _, err = run(*command, "--threads", bad)
                    self.assertEqual(rc, 2)
                    self.assertIn("--threads must be a number from 0", err)


class Show(unittest.TestCase):
    def test_values_match_numpy(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "s.npz")
            a = np.array([[1.5, -2.0, 0.25], [3.0, 4.0, 5.0]])
            np.savez(path, x=a, big=np.arange(5000, dtype=np.int32))
            rc, out, err = run("show", path, "x")
            self.assertEqual(rc, 0, err)
            for v in a.ravel():
                self.assertIn(repr(float(v)).rstrip("0") if v != int(v) else "%d." % v, out)
            rc, out, _ = run("show", path, "big")
            self.assertIn("...", out)
            self.assertIn("4999", out)
            rc, out, _ = run("show", path, "big", "--all")
            self.assertNotIn("...", out)
            self.assertIn(" 2500 ", out)


class Usage(unittest.TestCase):
    def test_help_version_and_unknown_command(self):
        self.assertEqual(run("--help")[0], 0)
        for cmd in ("ls", "show", "diff", "convert", "verify"):
            rc, out, _ = run(cmd, "--help")
            self.assertEqual(rc, 0)
            self.assertIn("usage: chainerser " + cmd, out)
        rc, out, _ = run("--version")
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"^chainerser \d+\.\d+\.\d+")
        self.assertEqual(run("frobnicate")[0], 2)
        self.assertEqual(run("ls")[0], 2)


if __name__ == "__main__":
    CLI, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=1)
