package dev.elixr.models.vision;

import dev.elixr.autograd.GraphMemory;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.check.GradCheck;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Activation checkpointing of EfficientNet's MBConv blocks against the same network without it, in training mode. */
class MBConvCheckpointTest {
    /** A narrow, shallow EfficientNet (width 0.25, depth 0.5: 10 blocks) without stochastic depth, so both runs draw nothing. */
    static EfficientNet small(long seed) {
        var c = new EfficientNetConfig("test", 0.25, 0.5, 32, 0f, 0f, 1e-5f, 1);
        return new EfficientNet(c, new SplittableRandom(seed));
    }

    static Var loss(EfficientNet m, Tensor pixels) { return m.encode(Var.of(pixels)).pooled().square().meanAll(); }

    @Test
    void gradientsAndRunningStatisticsWithCheckpointingEqualThoseWithout() {
        Tensor pixels = Tensor.randn(3, 2, 1, 32, 32);
        EfficientNet plain = small(7), checkpointed = small(7).checkpointActivations(true);
        assertTrue(checkpointed.checkpointsActivations());
        assertEquals(checkpointed.config().totalBlocks(), checkpointed.blocks().size());
        Var a = loss(plain, pixels), b = loss(checkpointed, pixels);
        assertEquals(a.item(), b.item(), 0f, "the forward is the same computation");
        a.backward();
        b.backward();
        Map<String, Parameter> pp = plain.namedParameters(), cp = checkpointed.namedParameters();
        for (String name : pp.keySet())
            assertArrayEquals(pp.get(name).grad().toFloatArray(), cp.get(name).grad().toFloatArray(), 1e-6f, "gradient of " + name);
        Map<String, Tensor> pb = plain.namedBuffers(), cb = checkpointed.namedBuffers();
        for (String name : pb.keySet())
            assertArrayEquals(pb.get(name).toFloatArray(), cb.get(name).toFloatArray(), 0f, name + " moved once, as without checkpointing");
    }

    @Test
    void aCheckpointedMBConvPassesTheFiniteDifferenceCheckInTrainingMode() {
        var c = new EfficientNetConfig("test", 1.0, 1.0, 8, 0f, 0f, 1e-5f, 1);
        MBConv block = new MBConv(new MBConvConfig(2, 3, 1, 8, 8, 1), 8, 1, 0f, c, new SplittableRandom(3)).checkpointActivations(true);
        GradCheck.check(v -> block.forward(v[0]).tanh(), 5, GradCheck.grid(Tensor.randn(9, 3, 8, 4, 4)));
    }

    @Test
    void checkpointingKeepsLessOfTheGraphAlive() {
        Tensor pixels = Tensor.randn(4, 2, 1, 32, 32);
        long full = GraphMemory.retainedBytes(loss(small(1), pixels));
        long saved = GraphMemory.retainedBytes(loss(small(1).checkpointActivations(true), pixels));
        assertTrue(saved * 2 < full, "checkpointed " + saved + " bytes vs " + full);
    }

    @Test
    void stochasticDepthIsDrawnOnceOutsideTheRecomputation() {
        var c = new EfficientNetConfig("test", 1.0, 1.0, 8, 0f, 0.5f, 1e-5f, 1);
        Tensor x = Tensor.randn(2, 6, 8, 4, 4);
        MBConv plain = new MBConv(new MBConvConfig(2, 3, 1, 8, 8, 1), 8, 1, 0.5f, c, new SplittableRandom(3));
        MBConv checkpointed = new MBConv(new MBConvConfig(2, 3, 1, 8, 8, 1), 8, 1, 0.5f, c, new SplittableRandom(3)).checkpointActivations(true);
        Var xa = Var.param(x), xb = Var.param(x);
        Var a = plain.forward(xa).square().sumAll(), b = checkpointed.forward(xb).square().sumAll();
        a.backward();
        b.backward();
        assertEquals(a.item(), b.item(), 0f, "same draws, same output");
        assertArrayEquals(xa.grad().toFloatArray(), xb.grad().toFloatArray(), 1e-6f, "input gradient with the same drop mask");
        List<float[]> ga = plain.parameters().stream().map(p -> p.grad().toFloatArray()).toList();
        List<float[]> gb = checkpointed.parameters().stream().map(p -> p.grad().toFloatArray()).toList();
        for (int i = 0; i < ga.size(); i++) assertArrayEquals(ga.get(i), gb.get(i), 1e-6f, "parameter " + i);
    }
}
