"""A save that loses a rank to SIGKILL: mpi_tests' MpiKill test in three mpirun runs. The first
writes the old file; in the second the last rank kills itself before ser_close (mpirun then ends
the job, so it must fail); the third finds the old file intact, saves again, and finds no
temporary file left.

usage: mpi_kill.py MPIRUN NP MPI_TESTS DIR"""
import glob
import os
import subprocess
import sys
import time

mpirun, np, program, directory = sys.argv[1:5]
os.makedirs(directory, exist_ok=True)
for f in glob.glob(os.path.join(directory, "*killed*")) + glob.glob(os.path.join(directory, ".killed*")):
    os.remove(f)


def run(phase):
    env = dict(os.environ, CHAINERSER_MPI_KILL=phase, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    cmd = [mpirun, "--oversubscribe", "-np", np, program, directory, "--gtest_filter=MpiKill.*"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


r = run("old")
if r.returncode != 0:
    sys.exit("writing the old file failed:\n" + r.stdout + r.stderr)
r = run("kill")
if r.returncode == 0:
    sys.exit("the save that lost a rank succeeded:\n" + r.stdout + r.stderr)
temps = glob.glob(os.path.join(directory, ".killed.npz.ser-tmp-*"))
if not temps:
    print("note: the killed save left no temporary file")
# mpirun may return while the ranks it ends are still going away; the next save removes only the
# temporary files of processes that are gone.
for t in temps:
    pid = os.path.basename(t).split("ser-tmp-")[1].split("-")[0]
    for _ in range(300):
        if not os.path.exists("/proc/" + pid):
            break
        time.sleep(0.1)
r = run("next")
if r.returncode != 0:
    sys.exit("after the killed save:\n" + r.stdout + r.stderr)
print("a killed save left the old file; the next save left no temporary file")
