// Counter-based random numbers: SplitMix64's output number i + 1 for a seed (SplitMix64.java), computed directly.
ulong splitmix64_mix(ulong z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
    return z ^ (z >> 31);
}

// Inverted-dropout mask: out[i] = keep when uniform(seed, i) >= p, else 0; seed given as two 32-bit halves.
__kernel void dropout_mask(int total, uint seedLo, uint seedHi, float p, float keep, __global float* out, int outOff) {
    int i = get_global_id(0);
    if (i >= total) return;
    ulong seed = ((ulong) seedHi << 32) | (ulong) seedLo;
    ulong z = splitmix64_mix(seed + ((ulong) i + 1UL) * 0x9e3779b97f4a7c15UL);
    float u = (float) (uint) (z >> 40) * 0x1.0p-24f;
    out[outOff + i] = u >= p ? keep : 0.0f;
}
