package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;

import java.util.Locale;

/**
 * Batched SGEMM of gemm.cl with per-device tile sizes: on GPUs 128×128 tiles with 8×8 register blocks for
 * large products and 64×64 with 4×4 for small ones; on CPU devices (PoCL) 64×64 with 4×4. Override with
 * {@code -Delixr.opencl.gemm=BM,BN,BK,RM,RN}. Also the engine of conv2d (im2col) and attention.
 */
final class ClGemm {
    /** Tile sizes of one compiled variant. */
    record Tiles(int bm, int bn, int bk, int rm, int rn) {
        String options() { return String.format(Locale.ROOT, "-DBM=%d -DBN=%d -DBK=%d -DRM=%d -DRN=%d", bm, bn, bk, rm, rn); }

        int threads() { return (bm / rm) * (bn / rn); }

        static Tiles parse(String s) {
            String[] p = s.split(",");
            if (p.length != 5) throw new IllegalArgumentException("elixr.opencl.gemm: expected BM,BN,BK,RM,RN, got '" + s + "'");
            int[] v = new int[5];
            for (int i = 0; i < 5; i++) v[i] = Integer.parseInt(p[i].trim());
            return new Tiles(v[0], v[1], v[2], v[3], v[4]);
        }
    }

    private static final int MAX_BATCH_PER_LAUNCH = 65535;

    private final ClContext ctx;
    private final Tiles large, small;

    /** Fixed tile sizes (tests run the GPU variants on any device). */
    ClGemm(ClContext ctx, Tiles large, Tiles small) {
        this.ctx = ctx;
        this.large = large;
        this.small = small;
    }

    ClGemm(ClContext ctx) {
        this.ctx = ctx;
        String override = System.getProperty("elixr.opencl.gemm");
        if (override != null) {
            large = small = Tiles.parse(override);
        } else if (ctx.info().isGpu() && ctx.info().maxWorkGroupSize() >= 256) {
            large = new Tiles(128, 128, 16, 8, 8);
            small = new Tiles(64, 64, 16, 4, 4);
        } else {
            large = small = new Tiles(64, 64, 16, 4, 4);
        }
    }

    /** The tile sizes used for an M×N output. */
    Tiles tiles(int m, int n) { return m >= 512 && n >= 512 ? large : small; }

    /** out [B..,M,N] = a [B..,M,K] @ b [B..,K,N]; batch dims equal (broadcast ones have stride 0). */
    void matmul(Tensor a, Tensor b, Tensor out) {
        ClBuffer ab = ClArgs.buffer("matmul", ctx, a), bb = ClArgs.buffer("matmul", ctx, b), ob = ClArgs.buffer("matmul", ctx, out);
        ClArgs.requireContiguous("matmul", out);
        int r = a.dim();
        int m = a.size(-2), k = a.size(-1), n = b.size(-1);
        int batch = 1;
        for (int i = 0; i < r - 2; i++) batch *= out.size(i);
        gemm(batch, m, n, k, ClArgs.dims(a, 0, r - 2, a.offset()), a.stride(-2), a.stride(-1), ab,
                ClArgs.dims(b, 0, r - 2, b.offset()), b.stride(-2), b.stride(-1), bb, ob, out.offset());
    }

    /**
     * C[z] = A[z] @ B[z] for z in [0, batch): A(m,k) = a[vpos(bav, z) + m*sam + k*sak], B(k,n) likewise,
     * C contiguous at cOff + z*M*N.
     */
    void gemm(int batch, int m, int n, int k, ClView bav, int sam, int sak, ClBuffer a,
              ClView bbv, int sbk, int sbn, ClBuffer b, ClBuffer c, int cOff) {
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0) {
            ctx.fill(c, cOff, (long) batch * m * n, 0f);
            return;
        }
        Tiles t = tiles(m, n);
        ClKernel kernel = ctx.programs().kernel("gemm", "gemm", t.options());
        if (kernel.maxWorkGroup() < t.threads() && t != small) { // too many registers for this device: smaller tiles
            t = small;
            kernel = ctx.programs().kernel("gemm", "gemm", t.options());
        }
        if (kernel.maxWorkGroup() < t.threads()) {
            throw new OpenClException("gemm with tiles " + t + " needs " + t.threads() + " work-items per group; " + ctx.device()
                    + " allows " + kernel.maxWorkGroup() + " for this kernel; set -Delixr.opencl.gemm=32,32,16,4,4 or smaller");
        }
        long tx = t.bn() / t.rn(), ty = t.bm() / t.rm();
        long gx = (n + t.bn() - 1) / t.bn() * tx, gy = (m + t.bm() - 1) / t.bm() * ty;
        for (int z0 = 0; z0 < batch; z0 += MAX_BATCH_PER_LAUNCH) {
            int nb = Math.min(MAX_BATCH_PER_LAUNCH, batch - z0);
            kernel.launch(new long[] {gx, gy, nb}, new long[] {tx, ty, 1},
                    m, n, k, bav, sam, sak, a, bbv, sbk, sbn, b, c, cOff, z0);
        }
    }
}
