package dev.elixr.tensor.opencl;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.backend.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every tile configuration the GEMM kernel is built with on some device (GPU: 128×128 with 8×8 register
 * blocks, 64×64 with 4×4; others from -Delixr.opencl.gemm) gives float64-loop results on shapes that are not
 * multiples of the tiles, with row-major and transposed operands and a broadcast batch.
 */
class ClGemmTilesTest {
    static ClContext ctx;

    @BeforeAll
    static void device() {
        ctx = ((OpenClBackend) Backends.forDevice(OpenClTestDevice.require())).context();
    }

    static Stream<Arguments> cases() {
        int[][] tiles = {{128, 128, 16, 8, 8}, {64, 64, 16, 4, 4}, {32, 64, 8, 4, 4}, {64, 32, 32, 4, 2}};
        int[][] shapes = {{1, 1, 1}, {130, 129, 33}, {7, 200, 65}, {257, 3, 17}};
        var rng = new SplittableRandom(7);
        return Stream.of(tiles).flatMap(t -> Stream.of(shapes).map(s -> Arguments.of(t, s, rng.nextBoolean(), rng.nextBoolean(), rng.nextLong())));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tiledGemmMatchesLoops(int[] t, int[] mnk, boolean transA, boolean transB, long seed) {
        var tiles = new ClGemm.Tiles(t[0], t[1], t[2], t[3], t[4]);
        var gemm = new ClGemm(ctx, tiles, tiles);
        int m = mnk[0], n = mnk[1], k = mnk[2], batch = 2;
        Tensor a = transA ? Tensor.randn(seed, batch, k, m).transpose(1, 2) : Tensor.randn(seed, batch, m, k);
        Tensor b = transB ? Tensor.randn(seed + 1, n, k).t() : Tensor.randn(seed + 1, k, n);
        Tensor da = (transA ? a.transpose(1, 2).contiguous().to(ctx.device()).transpose(1, 2) : a.to(ctx.device()));
        Tensor db = (transB ? b.t().contiguous().to(ctx.device()).t() : b.to(ctx.device())).expand(batch, k, n);
        Tensor out = new Tensor(ctx.allocate((long) batch * m * n), batch, m, n);
        gemm.matmul(da, db, out);
        float[] got = out.toFloatArray();
        for (int z = 0; z < batch; z++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int l = 0; l < k; l++) s += (double) a.get(z, i, l) * b.get(l, j);
                    assertEquals(s, got[(z * m + i) * n + j], 1e-5 * Math.sqrt(k) * 4, tiles + " C[" + z + "," + i + "," + j + "]");
                }
    }
}
