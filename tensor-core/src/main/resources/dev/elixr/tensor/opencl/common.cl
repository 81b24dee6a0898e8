// Shared by every kernel file: the layout of a tensor view (ClView.java) and position arithmetic.
// Helpers are plain functions (no `inline`: C99 inline linkage trips some OpenCL compilers).
#define MAXR 8
typedef struct { int rank; int offset; int shape[MAXR]; int stride[MAXR]; } View;

// Storage position of row-major logical element i of view v.
int vpos(const View v, int i) {
    int p = v.offset;
    for (int d = v.rank - 1; d >= 0; d--) {
        int s = v.shape[d];
        p += (i % s) * v.stride[d];
        i /= s;
    }
    return p;
}

// Work-group size of the reduction kernels (a power of two), set by the host with -DWG=n.
#ifndef WG
#define WG 256
#endif

// Combines two partial results: 0/1 sum (mean), 2 max, 3 min (NaN propagates).
float combine(int op, float a, float b) {
    if (op == 2) return (a > b || isnan(a)) ? a : b;
    if (op == 3) return (a < b || isnan(a)) ? a : b;
    return a + b;
}

// Tree reduction of one value per work-item across a 1-D work-group of WG items; every item gets the result.
float wg_reduce(__local float* buf, float v, int op) {
    int lid = get_local_id(0);
    buf[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = WG / 2; s > 0; s >>= 1) {
        if (lid < s) buf[lid] = combine(op, buf[lid], buf[lid + s]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float r = buf[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}
