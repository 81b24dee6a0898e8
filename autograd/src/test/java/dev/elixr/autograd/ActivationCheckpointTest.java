package dev.elixr.autograd;

import dev.elixr.autograd.check.GradCheck;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

class ActivationCheckpointTest {
    /** A two-layer block x ↦ tanh(x·W1)·W2 + x whose weights are leaves, as a module's parameters are. */
    record Block(Var w1, Var w2) implements UnaryOperator<Var> {
        static Block random(long seed, int d, int h) {
            return new Block(Var.param(GradCheck.grid(Tensor.normal(new SplittableRandom(seed), 0f, 0.5f, d, h))), Var.param(GradCheck.grid(Tensor.normal(new SplittableRandom(seed + 1), 0f, 0.5f, h, d))));
        }

        @Override public Var apply(Var x) { return x.matmul(w1).tanh().matmul(w2).add(x); }

        List<Var> parameters() { return List.of(w1, w2); }

        void zeroGrad() { w1.zeroGrad(); w2.zeroGrad(); }
    }

    static Var stack(List<Block> blocks, Var x, boolean checkpoint) {
        for (Block b : blocks) x = checkpoint ? ActivationCheckpoint.apply("block", b, x, b.parameters()) : b.apply(x);
        return x.square().meanAll();
    }

    @Test
    void gradientsWithCheckpointingEqualThoseWithout() {
        List<Block> blocks = List.of(Block.random(1, 6, 9), Block.random(3, 6, 9), Block.random(5, 6, 9));
        Tensor input = Tensor.randn(7, 5, 6);
        Var x1 = Var.param(input), x2 = Var.param(input);
        Var plain = stack(blocks, x1, false);
        plain.backward();
        float[][] expected = blocks.stream().flatMap(b -> b.parameters().stream()).map(p -> p.grad().toFloatArray()).toArray(float[][]::new);
        blocks.forEach(Block::zeroGrad);
        Var checkpointed = stack(blocks, x2, true);
        assertEquals(plain.item(), checkpointed.item(), 0f, "the forward is the same computation");
        checkpointed.backward();
        float[][] got = blocks.stream().flatMap(b -> b.parameters().stream()).map(p -> p.grad().toFloatArray()).toArray(float[][]::new);
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], got[i], 1e-6f, "parameter " + i);
        assertArrayEquals(x1.grad().toFloatArray(), x2.grad().toFloatArray(), 1e-6f, "input gradient");
    }

    @Test
    void theCheckpointedBlockPassesTheFiniteDifferenceCheck() {
        Block b = Block.random(11, 4, 5);
        GradCheck.check(v -> ActivationCheckpoint.apply("block", new Block(v[1], v[2]), v[0], List.of(v[1], v[2])).tanh(), 3,
                GradCheck.grid(Tensor.randn(2, 3, 4)), b.w1().value(), b.w2().value());
    }

    @Test
    void aCheckpointedStackKeepsOnlyTheBlockInputsAlive() {
        List<Block> blocks = List.of(Block.random(1, 16, 64), Block.random(3, 16, 64), Block.random(5, 16, 64), Block.random(7, 16, 64));
        Tensor input = Tensor.randn(9, 32, 16);
        long full = GraphMemory.retainedBytes(stack(blocks, Var.of(input), false));
        long saved = GraphMemory.retainedBytes(stack(blocks, Var.of(input), true));
        // per block without checkpointing: x·W1 and tanh [32,64], ·W2 and +x [32,16]; with: its output [32,16]
        assertTrue(saved * 3 < full, "checkpointed " + saved + " bytes vs " + full);
        try (var g = GradMode.noGrad()) {
            assertTrue(stack(blocks, Var.of(input), true).isLeaf(), "no graph outside grad mode");
        }
    }
}
