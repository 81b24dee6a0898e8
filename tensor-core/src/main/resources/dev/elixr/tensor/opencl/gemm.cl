// Batched SGEMM, tiled in local memory with register blocking (after Nugteren's "myGEMM" kernels 6/7):
// each work-group computes a BM x BN tile of C, each work-item an RM x RN block of it (rows ty + i*TY,
// columns tx + j*TX), stepping through K in BK slices staged in local memory.
// A(m,k) = a[aBase + m*sam + k*sak], B(k,n) = b[bBase + k*sbk + n*sbn] (any strides: transposed views need no
// copy), C contiguous rows of N at cOff + z*M*N. Batch z = zBase + group id 2; its bases come from views bav/bbv.
// Tile sizes arrive as -D options, chosen per device by ClGemm.
#ifndef BM
#define BM 64
#endif
#ifndef BN
#define BN 64
#endif
#ifndef BK
#define BK 16
#endif
#ifndef RM
#define RM 4
#endif
#ifndef RN
#define RN 4
#endif
#define TX (BN / RN)
#define TY (BM / RM)
#define NT (TX * TY)

__kernel __attribute__((reqd_work_group_size(TX, TY, 1)))
void gemm(int M, int N, int K,
          View bav, int sam, int sak, __global const float* a,
          View bbv, int sbk, int sbn, __global const float* b,
          __global float* c, int cOff, int zBase) {
    __local float As[BK][BM + 1];
    __local float Bs[BK][BN + 1];
    const int tx = get_local_id(0), ty = get_local_id(1);
    const int tid = ty * TX + tx;
    const int m0 = get_group_id(1) * BM, n0 = get_group_id(0) * BN;
    const int z = zBase + get_group_id(2);
    const int aBase = vpos(bav, z), bBase = vpos(bbv, z);
    const bool aKFast = sak == 1, bNFast = sbn == 1;

    float acc[RM][RN];
    #pragma unroll
    for (int i = 0; i < RM; i++)
        #pragma unroll
        for (int j = 0; j < RN; j++) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += BK) {
        for (int l = tid; l < BM * BK; l += NT) {
            int mm = aKFast ? l / BK : l % BM;
            int kk = aKFast ? l % BK : l / BM;
            int gm = m0 + mm, gk = k0 + kk;
            As[kk][mm] = (gm < M && gk < K) ? a[aBase + gm * sam + gk * sak] : 0.0f;
        }
        for (int l = tid; l < BN * BK; l += NT) {
            int nn = bNFast ? l % BN : l / BK;
            int kk = bNFast ? l / BN : l % BK;
            int gn = n0 + nn, gk = k0 + kk;
            Bs[kk][nn] = (gn < N && gk < K) ? b[bBase + gk * sbk + gn * sbn] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        #pragma unroll 4
        for (int kk = 0; kk < BK; kk++) {
            float ra[RM], rb[RN];
            #pragma unroll
            for (int i = 0; i < RM; i++) ra[i] = As[kk][ty + i * TY];
            #pragma unroll
            for (int j = 0; j < RN; j++) rb[j] = Bs[kk][tx + j * TX];
            #pragma unroll
            for (int i = 0; i < RM; i++)
                #pragma unroll
                for (int j = 0; j < RN; j++) acc[i][j] = mad(ra[i], rb[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    const int cBase = cOff + z * M * N;
    #pragma unroll
    for (int i = 0; i < RM; i++) {
        int m = m0 + ty + i * TY;
        #pragma unroll
        for (int j = 0; j < RN; j++) {
            int n = n0 + tx + j * TX;
            if (m < M && n < N) c[cBase + m * N + n] = acc[i][j];
        }
    }
}
