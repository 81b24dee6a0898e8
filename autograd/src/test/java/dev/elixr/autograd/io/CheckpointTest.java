package dev.elixr.autograd.io;

import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.nn.BatchNorm2d;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.autograd.optim.AdamW;
import dev.elixr.autograd.optim.CosineSchedule;
import dev.elixr.autograd.optim.ParamGroup;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Storage;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir Path dir;

    static final class Net extends Module {
        Net(long seed) {
            SplitMix64 rng = new SplitMix64(seed);
            registerModule("fc", new Linear(5, 3, true, rng));
            registerModule("bn", new BatchNorm2d(3));
        }
    }

    /** Storage whose reads fail after n elements: a writer killed half-way. */
    static final class FailingStorage extends Storage {
        private final int n;

        FailingStorage(int n) { this.n = n; }

        @Override public long size() { return 2L * n; }
        @Override public DType dtype() { return DType.F32; }
        @Override public Device device() { return Device.CPU; }
        @Override public float get(long i) {
            if (i >= n) throw new IllegalStateException("disk full (simulated)");
            return 1f;
        }
        @Override public void set(long i, float v) {}
    }

    /** A pseudo-gradient that depends on the parameters and the step, standing in for a backward pass. */
    static void fakeGradients(Module m, long step) {
        for (Parameter p : m.parameters()) {
            float[] w = p.value().toFloatArray(), g = new float[w.length];
            for (int i = 0; i < g.length; i++) g[i] = (float) Math.sin(w[i] * 3 + step * 0.7 + i);
            p.setGrad(Tensor.of(g, p.shape()));
        }
    }

    static AdamW optimizer(Module m) { return new AdamW(ParamGroup.decayAndNoDecay(m, 0.05), 1e-2, 0.9, 0.999, 1e-8); }

    static void train(Module m, AdamW opt, CosineSchedule s, SplitMix64 rng, long from, long to) {
        for (long step = from; step < to; step++) {
            s.apply(opt, step);
            fakeGradients(m, step + rng.nextInt(3));
            opt.step();
        }
    }

    @Test
    void resumingIsBitwiseIdentical() throws IOException {
        CosineSchedule sched = new CosineSchedule(1e-2, 3, 20, 1e-4);
        int n = 12, k = 5;
        Net straight = new Net(1);
        AdamW o1 = optimizer(straight);
        SplitMix64 r1 = new SplitMix64(99);
        train(straight, o1, sched, r1, 0, n);

        Net first = new Net(1);
        AdamW o2 = optimizer(first);
        SplitMix64 r2 = new SplitMix64(99);
        train(first, o2, sched, r2, 0, k);
        Path p = dir.resolve("run/ckpt.safetensors");
        Checkpoint.save(p, Checkpoint.capture(first, o2, k).withRng("data", r2).withSchedule(sched));

        Net resumed = new Net(2);
        AdamW o3 = optimizer(resumed);
        SplitMix64 r3 = new SplitMix64(0);
        Checkpoint c = Checkpoint.load(p);
        c.restore(resumed, o3);
        c.restoreRng("data", r3);
        assertEquals(k, c.step());
        assertEquals(sched, c.schedule());
        train(resumed, o3, c.schedule(), r3, c.step(), n);

        straight.stateDict().forEach((name, t) -> assertArrayEquals(bits(t), bits(resumed.stateDict().get(name)), name));
        o1.state().tensors().forEach((name, t) -> assertArrayEquals(bits(t), bits(o3.state().tensors().get(name)), name));
        assertEquals(r1.state(), r3.state());
        assertEquals(o1.steps(), o3.steps());
    }

    private static int[] bits(Tensor t) {
        float[] f = t.toFloatArray();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
        return b;
    }

    @Test
    void aFailedSaveLeavesThePreviousCheckpointAndNoTemporaryFile() throws IOException {
        Net net = new Net(1);
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.save(p, Checkpoint.capture(net, null, 7));
        byte[] before = Files.readAllBytes(p);
        Checkpoint broken = new Checkpoint(Map.of("w", new Tensor(new FailingStorage(1000), 2000)), null, 8, Map.of());
        assertThrows(IllegalStateException.class, () -> Checkpoint.save(p, broken));
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(7, Checkpoint.load(p).step());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "temporary file removed");
        }
    }

    @Test
    void aStaleTemporaryFileFromAKillDoesNotMatter() throws IOException {
        Net net = new Net(1);
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.save(p, Checkpoint.capture(net, null, 3));
        Files.write(dir.resolve("ckpt.safetensors.12345.tmp"), new byte[] {1, 2, 3}); // torn write of a killed process
        assertEquals(3, Checkpoint.load(p).step());
        Checkpoint.save(p, Checkpoint.capture(net, null, 4));
        Checkpoint c = Checkpoint.load(p);
        assertEquals(4, c.step());
        net.stateDict().forEach((name, t) -> assertArrayEquals(t.toFloatArray(), c.model().get(name).toFloatArray(), name));
    }

    @Test
    void overwritesAndKeepsExtras() throws IOException {
        Path p = dir.resolve("c.safetensors");
        Net net = new Net(1);
        Checkpoint.save(p, Checkpoint.capture(net, null, 1).with("note", "first"));
        Checkpoint.save(p, Checkpoint.capture(net, null, 2).with("note", "second"));
        Checkpoint c = Checkpoint.load(p);
        assertEquals(2, c.step());
        assertEquals("second", c.extra().get("note"));
        assertEquals(null, c.optimizer());
        assertEquals(null, c.schedule());
        assertThrows(IllegalArgumentException.class, () -> c.restoreRng("missing", new SplitMix64(1)));
    }

    @Test
    void refusesFilesThatAreNotCheckpoints() throws IOException {
        Path p = dir.resolve("weights.safetensors");
        Safetensors.write(p, Map.of("w", Tensor.zeros(2)));
        TensorFileException e = assertThrows(TensorFileException.class, () -> Checkpoint.load(p));
        assertTrue(e.getMessage().contains("not an elixr checkpoint"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void trainingStateTensorsRoundTrip(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Checkpoint c = new Checkpoint(Map.of("w", dev.elixr.tensor.Tensor.of(new float[] {1, 2}, 2)), null, 3, Map.of())
                .withState(Map.of("queue.images", dev.elixr.tensor.Tensor.of(new float[] {5, 6, 7}, 3, 1)));
        Checkpoint.save(dir.resolve("c.safetensors"), c);
        Checkpoint back = Checkpoint.load(dir.resolve("c.safetensors"));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of("w"), back.model().keySet());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {5, 6, 7}, back.state().get("queue.images").toFloatArray());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {3, 1}, back.state().get("queue.images").shape());
    }
}
