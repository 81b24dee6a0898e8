#!/usr/bin/python3
"""Writes small .npy files with numpy for NpyTest (run by hand: /usr/bin/python3 make_npy_fixtures.py).
Each holds arange(n) reshaped (so the Java test knows the expected values) in one dtype / order."""
import os
import numpy as np

out = os.path.join(os.path.dirname(__file__), "..", "resources", "fixtures", "npy")
os.makedirs(out, exist_ok=True)
base = np.arange(24).reshape(2, 3, 4)
np.save(os.path.join(out, "f4.npy"), (base * 0.5 - 3).astype("<f4"))
np.save(os.path.join(out, "f8.npy"), (base * 0.25 - 1).astype("<f8"))
np.save(os.path.join(out, "i8.npy"), (base - 10).astype("<i8"))
np.save(os.path.join(out, "i4.npy"), (base * 3).astype("<i4"))
np.save(os.path.join(out, "f4_big_endian.npy"), (base * 0.5 - 3).astype(">f4"))
np.save(os.path.join(out, "f4_fortran.npy"), np.asfortranarray((base * 0.5 - 3).astype("<f4")))
np.save(os.path.join(out, "scalar.npy"), np.array(7.5, dtype="<f4"))
np.save(os.path.join(out, "vector.npy"), np.arange(5, dtype="<f4"))
