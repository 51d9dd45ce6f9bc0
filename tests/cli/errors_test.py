"""The chainerser command's errors name the file and what is wrong with it.

Usage: /usr/bin/python3 errors_test.py CHAINERSER_BINARY DATA_DIR
The format is told from the file's signature, never from its name.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

CLI = None
DATA = None


def run(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class NotACheckpoint(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name, content):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def assert_neither(self, path):
        for command in (["ls", path], ["show", path, "k"], ["diff", os.path.join(DATA, "mlp.npz"), path],
                        ["convert", path, os.path.join(self.tmp.name, "out.npz")]):
            with self.subTest(command=command[0]):
                rc, _, err = run(*command)
                self.assertEqual(rc, 2, err)
                self.assertEqual(err, "chainerser: %s: neither an NPZ (zip) nor an HDF5 file "
                                      "(no zip or HDF5 signature)\n" % path)
        rc, _, err = run("verify", path)
        self.assertEqual(rc, 1, err)  # a file, but not a sound checkpoint
        self.assertIn(path + ": neither an NPZ", err)

    def test_etc_passwd(self):
        self.assert_neither("/etc/passwd")

    def test_text_named_like_a_checkpoint(self):
        self.assert_neither(self.path("model.npz", b"root:x:0:0:root:/root:/bin/bash\n"))
        self.assert_neither(self.path("model.h5", b"PK\x01\x02 a zip central directory is not a start"))
        self.assert_neither(self.path("snapshot_iter_1", b"\x89HDF\r\n\x1a"))  # one byte short

    def test_empty_file(self):
        path = self.path("empty.npz", b"")
        rc, _, err = run("ls", path)
        self.assertEqual((rc, err), (2, "chainerser: %s: empty file, neither NPZ nor HDF5\n" % path))

    def test_directory(self):
        for path in ("/tmp", self.tmp.name):
            for command in (["ls", path], ["show", path, "k"], ["verify", path], ["convert", path, path + ".npz"]):
                with self.subTest(path=path, command=command[0]):
                    rc, _, err = run(*command)
                    self.assertEqual((rc, err), (2, "chainerser: %s: is a directory, not a checkpoint file\n" % path))

    def test_missing_file(self):
        path = os.path.join(self.tmp.name, "nope")
        rc, _, err = run("ls", path)
        self.assertEqual((rc, err), (2, "chainerser: %s: No such file or directory\n" % path))


class Found(unittest.TestCase):
    def test_missing_key_is_named(self):
        for name in ("mlp.npz", "mlp.h5"):
            path = os.path.join(DATA, name)
            rc, _, err = run("show", path, "predictor/l9/W")
            self.assertEqual(rc, 2, err)
            self.assertIn(path, err)
            self.assertIn("'predictor/l9/W'", err)

    def test_format_from_contents_not_name(self):
        with tempfile.TemporaryDirectory() as d:
            npz_named_h5 = os.path.join(d, "really_npz.h5")
            shutil.copy(os.path.join(DATA, "mlp.npz"), npz_named_h5)
            rc, out, err = run("ls", npz_named_h5)
            self.assertEqual(rc, 0, err)
            self.assertIn("(npz", out)
            empty = os.path.join(d, "empty_archive")
            np.savez(empty + ".npz")  # only an end-of-directory record: starts with PK\x05\x06
            rc, out, err = run("ls", empty + ".npz")
            self.assertEqual(rc, 0, err)
            self.assertIn("0 entries", out)

    def test_hdf5_after_a_user_block(self):
        import h5py
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "snapshot_iter_3")
            with h5py.File(path, "w", userblock_size=1024) as f:
                f["w"] = np.arange(6, dtype=np.float32)
            with open(path, "r+b") as f:
                f.write(b"user block text")
            rc, out, err = run("ls", path)
            self.assertEqual(rc, 0, err)
            self.assertIn("(hdf5", out)


if __name__ == "__main__":
    CLI, DATA = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=1)
