# Writes numpy-float32-3x5.npy with numpy.save: the bytes `elixr embed` must reproduce exactly for the same
# float32 values (EmbeddingExport / autograd io Npy). Run: /usr/bin/python3 make_npy_fixture.py
import numpy as np

a = (np.arange(15, dtype=np.float32).reshape(3, 5) - 7.0) / np.float32(3.0)
np.save("numpy-float32-3x5.npy", a)
print(np.__version__, a.dtype, a.shape)
