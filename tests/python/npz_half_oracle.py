"""numpy's float16 conversions, as hex bit patterns, for the convert unit tests.

Prints three sections:
  'd <f64 bits> <f16 bits>'  float64 -> float16 (astype) for many values
  'f <f32 bits> <f16 bits>'  float32 -> float16
  'h <f16 bits> <f32 bits>'  every float16 -> float32
"""
import numpy as np

np.seterr(all="ignore")

rng = np.random.default_rng(20240611)
special = [0.0, -0.0, 1.0, -1.0, 0.5, 65504.0, 65519.99, 65520.0, 1e6, -1e6, np.inf, -np.inf, np.nan,
           2.0 ** -14, 2.0 ** -24, 2.0 ** -25, 2.0 ** -25 * 1.0000001, 2.0 ** -26, 3 * 2.0 ** -25, 1e-10,
           6.103515625e-05, 6.097555160522461e-05, 1.0009765625, 1.00048828125, 1.00146484375,
           2049.0, 2051.0, 2050.0, 4097.0, 0.1, 1.0 / 3.0, 2.0 ** 15, -2.0 ** -24, 5.960464477539063e-08]
# Exact ties between neighbouring halves (round half to even), across the exponent range.
ties = []
for e in range(-24, 16):
    for m in (1, 3, 1023, 1025, 2047):
        ties.append(float(m * 2.0 ** (e - 11)))
values = np.concatenate([
    np.array(special + ties, dtype=np.float64),
    rng.normal(0, 1, 2000), rng.normal(0, 1e4, 2000), rng.uniform(-1e-4, 1e-4, 2000),
    rng.uniform(-7e4, 7e4, 1000), (2.0 ** rng.uniform(-30, 17, 2000)) * rng.choice([-1, 1], 2000),
])
for v, h in zip(values.view(np.uint64), values.astype(np.float16).view(np.uint16)):
    print(f"d {int(v):016x} {int(h):04x}")
f32 = values.astype(np.float32)
# Quiet NaNs with payloads: numpy keeps the top mantissa bits.
f32 = np.concatenate([f32, np.array([0x7fd00000, 0xffc02000, 0x7fc00001], dtype=np.uint32).view(np.float32)])
for v, h in zip(f32.view(np.uint32), f32.astype(np.float16).view(np.uint16)):
    print(f"f {int(v):08x} {int(h):04x}")
halves = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
for v, f in zip(halves.view(np.uint16), halves.astype(np.float32).view(np.uint32)):
    print(f"h {int(v):04x} {int(f):08x}")
