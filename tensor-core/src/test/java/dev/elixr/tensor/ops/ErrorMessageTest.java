package dev.elixr.tensor.ops;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input gives an exception that names the op and the shapes involved. */
class ErrorMessageTest {
    private static void fails(String expectedFragment, Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(e.getMessage().contains(expectedFragment), () -> "message '" + e.getMessage() + "' lacks '" + expectedFragment + "'");
    }

    @Test
    void matmulNamesShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> MatMul.matmul(Tensor.ones(2, 3), Tensor.ones(4, 5)));
        assertEquals("matmul: [2,3] @ [4,5]: inner dimensions 3 and 4 differ", e.getMessage());
        fails("matmul: [2,2,3] @ [3,3,4]: batch dimensions [2] and [3] cannot be broadcast",
                () -> MatMul.matmul(Tensor.ones(2, 2, 3), Tensor.ones(3, 3, 4)));
        fails("matmul: [] @ [3]", () -> MatMul.matmul(Tensor.scalar(1), Tensor.ones(3)));
    }

    @Test
    void broadcastingNamesOpAndShapes() {
        fails("add: shapes [2,3] and [4] cannot be broadcast", () -> Elementwise.add(Tensor.ones(2, 3), Tensor.ones(4)));
        fails("where: shapes", () -> Elementwise.where(Tensor.ones(2), Tensor.ones(3), Tensor.ones(2)));
        fails("maskedFill: mask [2,3] does not broadcast to x [3]", () -> Elementwise.maskedFill(Tensor.ones(3), Tensor.ones(2, 3), 0));
        fails("clamp: lower bound 2.0 is above upper bound 1.0", () -> Elementwise.clamp(Tensor.ones(3), 2, 1));
    }

    @Test
    void reductionsAndSoftmaxNameAxes() {
        fails("sum: axis 3 is out of range for a tensor of rank 2", () -> Reduce.sum(Tensor.ones(2, 3), false, 3));
        fails("mean: axis 1 given twice", () -> Reduce.mean(Tensor.ones(2, 3), false, 1, -1));
        fails("max: cannot reduce over dimension 0 of size 0 in [0,3]", () -> Reduce.max(Tensor.zeros(0, 3), false, 0));
        fails("argmax: axis -3 is out of range", () -> Reduce.argmax(Tensor.ones(2, 3), -3, false));
        fails("softmax: axis 2 is out of range", () -> Softmax.softmax(Tensor.ones(2, 3), 2));
    }

    @Test
    void normsNameParameters() {
        fails("layerNorm: gamma [5] does not match the last dimension 4 of x [2,4]",
                () -> Norm.layerNorm(Tensor.ones(2, 4), Tensor.ones(5), null, 1e-5f));
        fails("rmsNorm: gamma [4,1]", () -> Norm.rmsNorm(Tensor.ones(2, 4), Tensor.ones(4, 1), 1e-5f));
    }

    @Test
    void convAndPoolNameShapes() {
        fails("conv2d: x [1,4,8,8], w [6,3,3,3]: w has 3 input channels per group, x has 4/1 = 4",
                () -> Conv.conv2d(Tensor.ones(1, 4, 8, 8), Tensor.ones(6, 3, 3, 3), null, 1, 0, 1, 1));
        fails("groups 3 must divide", () -> Conv.conv2d(Tensor.ones(1, 4, 8, 8), Tensor.ones(6, 1, 3, 3), null, 1, 0, 1, 3));
        fails("conv2d: x [1,3,8], w [6,3,3,3]: x must be [N,C,H,W]", () -> Conv.conv2d(Tensor.ones(1, 3, 8), Tensor.ones(6, 3, 3, 3), null, 1, 0, 1, 1));
        fails("conv2d: bias [5] does not match 6 output channels", () -> Conv.conv2d(Tensor.ones(1, 3, 8, 8), Tensor.ones(6, 3, 3, 3), Tensor.ones(5), 1, 0, 1, 1));
        fails("kernel is larger than the padded input", () -> Conv.conv2d(Tensor.ones(1, 3, 2, 2), Tensor.ones(6, 3, 3, 3), null, 1, 0, 1, 1));
        fails("maxPool2d: padding 2 is more than half the kernel 3", () -> Pool.maxPool2d(Tensor.ones(1, 1, 8, 8), 3, 1, 2));
        fails("avgPool2d: x [8,8] must be [N,C,H,W]", () -> Pool.avgPool2d(Tensor.ones(8, 8), 2, 2, 0));
    }

    @Test
    void attentionNamesShapes() {
        fails("attention: q [1,2,3,4], k [1,2,5,8], v [1,2,5,4]: q and k head sizes 4 and 8 differ",
                () -> Attention.scaledDotProduct(Tensor.ones(1, 2, 3, 4), Tensor.ones(1, 2, 5, 8), Tensor.ones(1, 2, 5, 4), null, false));
        fails("attention: mask [3,3] does not broadcast to the scores [1,2,3,5]",
                () -> Attention.scaledDotProduct(Tensor.ones(1, 2, 3, 4), Tensor.ones(1, 2, 5, 4), Tensor.ones(1, 2, 5, 4), Tensor.ones(3, 3), false));
    }

    @Test
    void indexOpsNameTheBadIndex() {
        fails("embedding: index 7 at position 1 is outside table [5,2]", () -> Index.embedding(Tensor.ones(5, 2), new int[] {0, 7}));
        fails("indexSelect: index -1 at position 0 is outside dimension 1 of [2,3]", () -> Index.indexSelect(Tensor.ones(2, 3), 1, new int[] {-1}));
        fails("concat: tensor 1 [2,4] does not match tensor 0 [3,4] outside axis 1", () -> Index.concat(1, Tensor.ones(3, 4), Tensor.ones(2, 4)));
        fails("stack: tensor 1 [4] differs from tensor 0 [3]", () -> Index.stack(0, Tensor.ones(3), Tensor.ones(4)));
        fails("split: sizes [1,1] add up to 2, dimension 0 of [3] is 3", () -> Index.split(Tensor.ones(3), 0, 1, 1));
        fails("pad: 3 pad values for [2,2]", () -> Index.pad(Tensor.ones(2, 2), new int[] {1, 1, 1}, 0));
        fails("pad: pads [-2,-1] leave dimension 0 of [2] with negative size -1", () -> Index.pad(Tensor.ones(2), new int[] {-2, -1}, 0));
    }
}
