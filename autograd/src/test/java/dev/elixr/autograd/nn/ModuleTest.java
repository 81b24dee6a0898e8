package dev.elixr.autograd.nn;

import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleTest {
    @TempDir Path dir;

    /** A BERT-like layer: attention.self (query/key/value/output), attention.norm, and a feed-forward. */
    static final class Attention extends Module {
        Attention(int dim, SplitMix64 rng) {
            registerModule("self", new MultiHeadAttention(dim, 2, true, rng));
            registerModule("norm", new LayerNorm(dim, 1e-12f));
        }
    }

    static final class EncoderLayer extends Module {
        final Attention attention;
        final Mlp mlp;

        EncoderLayer(int dim, SplitMix64 rng) {
            attention = registerModule("attention", new Attention(dim, rng));
            mlp = registerModule("mlp", new Mlp(dim, 2 * dim, dim, Activation.GELU, rng));
        }
    }

    static final class Encoder extends Module {
        final ModuleList<EncoderLayer> layer = new ModuleList<>();
        final BatchNorm2d bn;

        Encoder(int dim, int layers, SplitMix64 rng) {
            registerParameter("scale", Tensor.ones(1));
            registerModule("layer", layer);
            for (int i = 0; i < layers; i++) layer.add(new EncoderLayer(dim, rng));
            bn = registerModule("bn", new BatchNorm2d(3));
        }
    }

    static final class Model extends Module {
        final Encoder encoder;

        Model(long seed) {
            encoder = registerModule("encoder", new Encoder(4, 2, new SplitMix64(seed)));
        }
    }

    @Test
    void namesAreHierarchicalAndOrdered() {
        Model m = new Model(1);
        List<String> names = List.copyOf(m.namedParameters().keySet());
        assertEquals("encoder.scale", names.get(0));
        assertEquals("encoder.layer.0.attention.self.query.weight", names.get(1));
        assertEquals("encoder.layer.0.attention.self.query.bias", names.get(2));
        assertEquals(List.of("encoder.layer.0.attention.self.key.weight", "encoder.layer.0.attention.self.key.bias",
                "encoder.layer.0.attention.self.value.weight", "encoder.layer.0.attention.self.value.bias",
                "encoder.layer.0.attention.self.output.weight", "encoder.layer.0.attention.self.output.bias",
                "encoder.layer.0.attention.norm.weight", "encoder.layer.0.attention.norm.bias",
                "encoder.layer.0.mlp.fc1.weight", "encoder.layer.0.mlp.fc1.bias",
                "encoder.layer.0.mlp.fc2.weight", "encoder.layer.0.mlp.fc2.bias"), names.subList(3, 15));
        assertTrue(names.contains("encoder.layer.1.mlp.fc2.bias"));
        assertEquals("encoder.bn.bias", names.get(names.size() - 1));
        assertEquals(List.of("encoder.bn.running_mean", "encoder.bn.running_var", "encoder.bn.num_batches_tracked"),
                List.copyOf(m.namedBuffers().keySet()));
        assertTrue(m.namedModules().containsKey("encoder.layer.1.attention.self"));
        assertSame(m.encoder.layer.get(1).attention, m.namedModules().get("encoder.layer.1.attention"));
        // 1 + 2 layers × (4 × (16+4) + 8 + (4·8+8) + (8·4+4)) + bn 6
        assertEquals(1 + 2 * (4 * 20 + 8 + 40 + 36) + 6, m.parameterCount());
        assertArrayEquals(new int[] {8, 4}, m.namedParameters().get("encoder.layer.0.mlp.fc1.weight").shape());
    }

    @Test
    void sameSeedSameWeights() {
        Map<String, Tensor> a = new Model(7).stateDict(), b = new Model(7).stateDict(), c = new Model(8).stateDict();
        a.forEach((k, v) -> assertArrayEquals(v.toFloatArray(), b.get(k).toFloatArray(), k));
        assertFalse(java.util.Arrays.equals(a.get("encoder.layer.0.mlp.fc1.weight").toFloatArray(),
                c.get("encoder.layer.0.mlp.fc1.weight").toFloatArray()));
    }

    @Test
    void linearInitialisationIsInPyTorchBounds() {
        Linear l = new Linear(16, 8, true, new SplitMix64(3));
        for (float v : l.weight().value().toFloatArray()) assertTrue(Math.abs(v) <= 0.25f);
        for (float v : l.bias().value().toFloatArray()) assertTrue(Math.abs(v) <= 0.25f);
        assertEquals(16, l.inFeatures());
        assertEquals(8, l.outFeatures());
    }

    @Test
    void freezingASubModuleStopsOnlyItsGradients() {
        Model m = new Model(1);
        long all = m.parameterCount();
        m.encoder.layer.get(0).freeze();
        assertFalse(m.namedParameters().get("encoder.layer.0.mlp.fc1.weight").requiresGrad());
        assertTrue(m.namedParameters().get("encoder.layer.1.mlp.fc1.weight").requiresGrad());
        assertEquals(all - (4 * 20 + 8 + 40 + 36), m.trainableParameterCount());
        assertEquals(m.parameters().size() - 14, m.trainableParameters().size());
        m.encoder.layer.get(0).unfreeze();
        assertEquals(all, m.trainableParameterCount());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Model m = new Model(1);
        assertTrue(m.encoder.bn.isTraining());
        m.eval();
        for (Module x : m.namedModules().values()) assertFalse(x.isTraining());
        m.encoder.layer.train();
        assertTrue(m.encoder.layer.get(1).mlp.isTraining());
        assertFalse(m.encoder.bn.isTraining());
    }

    @Test
    void stateDictRoundTripsThroughSafetensorsWithoutCopy() throws IOException {
        Model a = new Model(1), b = new Model(2);
        Path p = dir.resolve("m.safetensors");
        Safetensors.write(p, a.stateDict());
        Module.LoadReport r = b.loadStateDict(Safetensors.read(p), true);
        assertTrue(r.missing().isEmpty() && r.unexpected().isEmpty());
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.toFloatArray(), b.stateDict().get(k).toFloatArray(), k));
        Tensor w = b.namedParameters().get("encoder.layer.0.mlp.fc1.weight").value();
        assertTrue(w.storage() instanceof SegmentStorage, "read-only mapped weights are adopted without copy");
    }

    @Test
    void loadCopiesWritableTensors() {
        Model a = new Model(1), b = new Model(2);
        b.loadStateDict(a.stateDict(), true);
        Tensor src = a.namedParameters().get("encoder.scale").value();
        Tensor dst = b.namedParameters().get("encoder.scale").value();
        assertNotSame(src.storage(), dst.storage());
        src.set(5f, 0);
        assertEquals(1f, dst.get(0));
    }

    @Test
    void loadReportsEveryMismatchNamingShapes() {
        Model m = new Model(1);
        Map<String, Tensor> s = new LinkedHashMap<>(new Model(2).stateDict());
        s.put("encoder.layer.0.mlp.fc1.weight", Tensor.zeros(4, 8));
        s.put("encoder.bn.running_mean", Tensor.zeros(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(s, false));
        assertTrue(e.getMessage().contains("encoder.layer.0.mlp.fc1.weight: expected [8,4], got [4,8]"), e.getMessage());
        assertTrue(e.getMessage().contains("encoder.bn.running_mean: expected [3], got [5]"), e.getMessage());
        assertArrayEquals(new Model(1).stateDict().get("encoder.layer.0.mlp.fc2.bias").toFloatArray(),
                m.namedParameters().get("encoder.layer.0.mlp.fc2.bias").value().toFloatArray(), "nothing is loaded when any shape mismatches");
    }

    @Test
    void strictReportsMissingAndUnexpected() {
        Model m = new Model(1);
        Map<String, Tensor> s = new LinkedHashMap<>(new Model(2).stateDict());
        s.remove("encoder.layer.1.mlp.fc2.bias");
        s.put("pooler.dense.weight", Tensor.zeros(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(s, true));
        assertTrue(e.getMessage().contains("missing encoder.layer.1.mlp.fc2.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected pooler.dense.weight"), e.getMessage());
        Module.LoadReport r = m.loadStateDict(s, false);
        assertEquals(List.of("encoder.layer.1.mlp.fc2.bias"), r.missing());
        assertEquals(List.of("pooler.dense.weight"), r.unexpected());
        assertArrayEquals(s.get("encoder.layer.0.mlp.fc1.weight").toFloatArray(),
                m.namedParameters().get("encoder.layer.0.mlp.fc1.weight").value().toFloatArray());
    }

    @Test
    void rejectsBadNames() {
        class Bad extends Module {
            Bad(String name) { registerParameter(name, Tensor.zeros(1)); }
        }
        assertThrows(IllegalArgumentException.class, () -> new Bad("a.b"));
        assertThrows(IllegalArgumentException.class, () -> new Bad(""));
        class Twice extends Module {
            Twice() {
                registerParameter("w", Tensor.zeros(1));
                registerBuffer("w", Tensor.zeros(1));
            }
        }
        assertThrows(IllegalArgumentException.class, Twice::new);
    }

    @Test
    void sequentialNamesByPosition() {
        SplitMix64 rng = new SplitMix64(1);
        Sequential s = new Sequential(new Linear(3, 4, true, rng), Activation.GELU, new LayerNorm(4, 1e-5f), new Linear(4, 2, false, rng));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "3.weight"), List.copyOf(s.namedParameters().keySet()));
        assertEquals(4, s.size());
    }

    @Test
    void parameterAssignChecksShape() {
        Parameter p = new Parameter(Tensor.zeros(2, 3));
        assertThrows(IllegalArgumentException.class, () -> p.assign(Tensor.zeros(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> p.setGrad(Tensor.zeros(6)));
        p.assign(Tensor.ones(2, 3));
        assertEquals(1f, p.value().get(1, 2));
    }
}
