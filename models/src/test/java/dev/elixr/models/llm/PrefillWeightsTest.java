package dev.elixr.models.llm;

import dev.elixr.autograd.nn.Module;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.cpu.PackedCopyBudget;
import dev.elixr.tensor.matvec.BlockFormat;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.elixr.models.testing.Parity.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Prefill keeps one float32 copy per half-precision or quantised projection, and later prefills reuse it unchanged. */
class PrefillWeightsTest {
    /** 4 bytes per weight of every projection (and the untied LM head) of m. */
    static long copyBytes(LlamaModel m) {
        long n = 0;
        for (Module mod : m.namedModules().values()) {
            if (mod instanceof Projection p) n += p.weight().value().numel();
        }
        return 4 * n;
    }

    /**
     * The bytes of copies held once the copies of models that earlier tests left behind have been cleaned: the
     * counter is global and a collection during a test would otherwise subtract their bytes from this test's.
     */
    static long settledUsed() throws InterruptedException {
        long u;
        int quiet = 0;
        do {
            u = PackedCopyBudget.SHARED.used();
            System.gc();
            Thread.sleep(20);
            quiet = PackedCopyBudget.SHARED.used() == u ? quiet + 1 : 0;
        } while (quiet < 3);
        return u;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"llama_gqa_bf16", "llama_gqa"})
    void bf16AndMappedFloat32PrefillKeepOneFloat32CopyPerProjectionAndRepeatTheSameLogits(String folder) throws IOException, InterruptedException {
        LlamaModel m = LlamaParityTest.model(folder);
        int[] ids = LlamaParityTest.sequences(folder).get(2);
        long before = settledUsed();
        Tensor first = m.forward(ids, m.newCache(64));
        assertEquals(copyBytes(m), PackedCopyBudget.SHARED.used() - before, "bytes of float32 copies after the first prefill");
        Tensor second = m.forward(ids, m.newCache(64));
        assertEquals(copyBytes(m), PackedCopyBudget.SHARED.used() - before, "a second prefill makes no new copy");
        assertEquals(0.0, maxAbsDiff(first, second), "the second prefill's logits");
    }

    @Test
    void onlyReadOnlyMappedFloat32WeightsCountAsMappedAHeapWeightIsNeverCopied() throws IOException {
        Tensor mapped = ((Projection) LlamaParityTest.model("llama_gqa").namedModules().values().stream()
                .filter(mod -> mod instanceof Projection).findFirst().orElseThrow()).weight().value();
        assertEquals(true, PrefillWeights.mappedReadOnly(mapped), "a float32 weight of a safetensors file");
        assertEquals(false, PrefillWeights.mappedReadOnly(mapped.copy()), "its copy on the heap (trainable in place)");
    }

    @Test
    void overBudgetTheCallGetsATransposedViewThatMultipliesToTheSameBitsAsTheKeptPackedCopy() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        float[] wd = new float[96 * 80], xd = new float[7 * 80];
        for (int i = 0; i < wd.length; i++) wd[i] = (float) r.nextGaussian();
        for (int i = 0; i < xd.length; i++) xd[i] = (float) r.nextGaussian();
        Tensor w = Tensor.wrap(wd, 96, 80), x = Tensor.wrap(xd, 7, 80);
        PrefillWeights.Copy view = PrefillWeights.of(null, w, () -> w, w.numel(), new PackedCopyBudget(0));
        PrefillWeights.Copy kept = PrefillWeights.of(null, new Object(), () -> w, w.numel(), new PackedCopyBudget(Long.MAX_VALUE));
        try {
            assertEquals(false, view.kept(), "over budget: wᵀ as a view of w [out, in], for this call");
            assertEquals(true, kept.kept(), "under budget: wᵀ packed and kept");
            float[] a = view.times(x).toFloatArray(), b = kept.times(x).toFloatArray();
            float[] c = dev.elixr.tensor.ops.MatMul.matmul(x, w.t()).toFloatArray();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(c[i]), Float.floatToRawIntBits(a[i]), "view, element " + i);
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), "element " + i);
        } finally {
            PrefillWeights.release(kept);
        }
    }

    @Test
    void quantisingReleasesTheHalfPrecisionCopiesAndPrefillCopiesTheDequantisedWeights() throws IOException, InterruptedException {
        LlamaModel m = LlamaParityTest.model("llama_gqa_bf16");
        int[] ids = LlamaParityTest.sequences("llama_gqa_bf16").get(1);
        long before = settledUsed();
        m.forward(ids, m.newCache(64));
        m.quantize(BlockFormat.Q8_0);
        assertEquals(0, PackedCopyBudget.SHARED.used() - before, "bytes held after quantize");
        Tensor q = m.forward(ids, m.newCache(64));
        assertEquals(copyBytes(m), PackedCopyBudget.SHARED.used() - before, "bytes of the dequantised copies");
        KvCache cache = m.newCache(64);
        m.forward(java.util.Arrays.copyOf(ids, ids.length - 1), cache);
        Tensor last = Tensor.vector(m.next(new int[] {ids[ids.length - 1]}, cache));
        double d = maxAbsDiff(q.narrow(0, ids.length - 1, 1).reshape(-1), last);
        if (!(d <= 1e-5)) throw new AssertionError("prefill on the kept copy vs the block kernel's decoding: " + d);
    }
}
