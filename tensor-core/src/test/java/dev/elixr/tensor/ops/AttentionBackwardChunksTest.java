package dev.elixr.tensor.ops;

import dev.elixr.tensor.Close;
import dev.elixr.tensor.Gen;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The composed attention backward in chunks of images gives the whole batch's gradients, and its declared scratch stops growing. */
class AttentionBackwardChunksTest {
    static Stream<Long> seeds() { return LongStream.range(0, 24).boxed(); }

    @ParameterizedTest
    @MethodSource("seeds")
    void chunkedBackwardEqualsTheWholeBatchBackward(long seed) {
        Gen g = new Gen(seed);
        int b = 3 + (int) (seed % 3), h = 1 + g.rng.nextInt(3), tk = g.dim(), tq = seed % 2 == 0 ? tk : 1 + g.rng.nextInt(tk), d = g.dim();
        Tensor q = g.tensor(b, h, tq, d), k = g.tensor(b, h, tk, d), v = g.tensor(b, h, tk, d), grad = g.tensor(b, h, tq, d);
        Tensor mask = switch ((int) (seed % 4)) {
            case 0 -> null;
            case 1 -> g.tensor(b, 1, 1, tk);
            case 2 -> g.tensor(tq, tk);
            default -> g.tensor(b, h, tq, tk);
        };
        boolean causal = seed % 3 == 0, needQ = seed % 5 != 1, needK = seed % 5 != 2;
        Tensor[] whole = Attention.composedBackward(q, k, v, mask, causal, 0.37f, grad, needQ, needK, true, Long.MAX_VALUE);
        for (int images : new int[] {1, 2}) {
            Tensor[] chunked = Attention.composedBackward(q, k, v, mask, causal, 0.37f, grad, needQ, needK, true, (long) images * h * tq * tk);
            String what = "B" + b + " H" + h + " Tq" + tq + " Tk" + tk + " D" + d + " causal " + causal + " mask " + (seed % 4) + ", chunks of " + images;
            for (int i = 0; i < 3; i++) {
                if (whole[i] == null) assertNull(chunked[i], what + ": gradient " + i + " not asked for");
                else Close.assertClose(whole[i], chunked[i], 1e-6, 1e-6, what + ": gradient " + "qkv".charAt(i));
            }
        }
    }

    @Test
    void declaredScratchGrowsWithTheBatchUntilOneChunkThenStops() {
        Tensor q = Tensor.zeros(1, 12, 577, 64), k = Tensor.zeros(1, 12, 577, 64), v = Tensor.zeros(1, 12, 577, 64);
        long scores = 12L * 577 * 577, chunk = Attention.BACKWARD_SCORE_FLOATS / scores;  // ViT-B/16 at 384²: 4 images a chunk
        assertEquals(4, chunk);
        long one = Attention.composedBackwardScratchFloats(1, q, k, v);
        assertEquals(2 * scores + 12L * 577 * 64 * 2, one, "P, dS and the unscaled dq, dk products of one image");
        assertEquals(2 * one, Attention.composedBackwardScratchFloats(2, q, k, v), "two images, one chunk");
        long capped = Attention.composedBackwardScratchFloats(276, q, k, v);
        assertEquals(capped, Attention.composedBackwardScratchFloats(Integer.MAX_VALUE, q, k, v), "the scratch of one chunk, whatever the batch");
        assertEquals(chunk * (one + 12L * 577 * 64 * 3), capped, "a chunk's scratch and its gradients before they are copied into place");
    }
}
