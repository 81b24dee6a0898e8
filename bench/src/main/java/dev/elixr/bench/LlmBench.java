package dev.elixr.bench;

import dev.elixr.autograd.nn.Parameter;
import dev.elixr.models.llm.KvCache;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.llm.WeightSource;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.BlockFormat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Decoding and prefill speed of a Llama-family model on this machine, beside the bound that memory sets on
 * decoding: every weight that a token reads (all projections and the LM head, in their stored or quantised
 * bytes), divided by the read bandwidth measured in the same run.
 */
public final class LlmBench {
    /** One run's figures. */
    public record Result(String model, String weights, long parameters, double bytesPerToken, double bandwidthGBs,
                         int promptTokens, double prefillTokS, int decodeTokens, double decodeTokS, int threads) {
        public double boundTokS() { return bandwidthGBs * 1e9 / bytesPerToken; }

        public String line() {
            return String.format(Locale.ROOT, "%s (%s, %.0fM parameters, %d threads): prefill %.1f tok/s (%d tokens); decode %.2f tok/s = %.0f%% of the "
                            + "bandwidth bound %.2f tok/s (%.0f MB read per token at %.1f GB/s measured)",
                    model, weights, parameters / 1e6, threads, prefillTokS, promptTokens, decodeTokS, 100 * decodeTokS / boundTokS(), boundTokS(),
                    bytesPerToken / 1e6, bandwidthGBs);
        }

        public String json() {
            return String.format(Locale.ROOT, "{\"model\":\"%s\",\"weights\":\"%s\",\"parameters\":%d,\"threads\":%d,\"prefill_tok_s\":%.3f,\"prompt_tokens\":%d,"
                            + "\"decode_tok_s\":%.3f,\"decode_tokens\":%d,\"bound_tok_s\":%.3f,\"bytes_per_token\":%.0f,\"bandwidth_gb_s\":%.2f}",
                    model, weights, parameters, threads, prefillTokS, promptTokens, decodeTokS, decodeTokens, boundTokS(), bytesPerToken, bandwidthGBs);
        }
    }

    private LlmBench() {}

    /** The shape of llama.cpp's comparison in TOOLCHAIN.md: 336M parameters, hidden 1024, 24 layers, GQA 16/4, vocab 32000. */
    public static LlamaConfig defaultConfig() {
        return new LlamaConfig("llama", 32000, 1024, 2816, 24, 16, 4, 64, 1e-5f, 10000, null, false, false, false, false, 2048, 0, 1, new int[] {2});
    }

    /** A model of random weights stored as BF16 (or F32) off-heap, as a memory-mapped checkpoint would be. */
    public static LlamaModel random(LlamaConfig c, DType type, long seed) {
        return new LlamaModel(c, new WeightSource() {
            @Override public Tensor get(String name, int... shape) {
                long n = (long) shape[0] * (shape.length > 1 ? shape[1] : 1);
                MemorySegment m = Arena.ofAuto().allocate(n * type.byteSize(), 64);
                long s0 = seed ^ name.hashCode();
                Parallel.forRange((int) Math.min(Integer.MAX_VALUE, n / 4096 + 1), 1, (a, b) -> {
                    SplittableRandom rng = new SplittableRandom(s0 + a);
                    for (long i = (long) a * 4096; i < Math.min(n, (long) b * 4096); i++) {
                        float v = (float) ((rng.nextDouble() * 2 - 1) * 0.035); // U(−a, a) of std 0.02
                        if (type == DType.F32) m.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
                        else m.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, type == DType.BF16 ? DType.floatToBf16(v) : Float.floatToFloat16(v));
                    }
                });
                return new Tensor(new SegmentStorage(m, type), shape);
            }
            @Override public Tensor norm(String name, int dim) { return Tensor.ones(dim); }
            @Override public Tensor bias(String name, int dim) { return Tensor.zeros(dim); }
        });
    }

    /** Bytes of weights one decoding step reads: every matrix but the token table (tied: the table, read as the head). */
    static double bytesPerToken(LlamaModel m, BlockFormat quantised) {
        double bytes = 0;
        for (var e : m.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            boolean table = e.getKey().endsWith("embed_tokens.weight");
            if (p.value().dim() != 2 || table && !m.config().tieWordEmbeddings()) continue;
            long n = p.value().numel();
            bytes += quantised == null ? n * p.value().dtype().byteSize() : (double) n / BlockFormat.BLOCK * quantised.blockBytes();
        }
        return bytes;
    }

    /** Times a prefill of promptTokens and decodeTokens single steps after it (best of rounds, after a warm-up round). */
    public static Result run(String name, LlamaModel m, BlockFormat quantised, int promptTokens, int decodeTokens, int rounds) {
        double bw = MemoryBandwidth.measure(512, 5);
        SplittableRandom rng = new SplittableRandom(1);
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < prompt.length; i++) prompt[i] = rng.nextInt(m.config().vocabSize());
        double bestPrefill = Double.POSITIVE_INFINITY, bestDecode = Double.POSITIVE_INFINITY;
        for (int r = 0; r <= rounds; r++) {
            KvCache cache = m.newCache(promptTokens + decodeTokens);
            long t0 = System.nanoTime();
            float[] logits = m.next(prompt, cache);
            long t1 = System.nanoTime();
            int next = argmax(logits);
            for (int i = 0; i < decodeTokens; i++) next = argmax(m.next(new int[] {next}, cache));
            long t2 = System.nanoTime();
            if (r == 0) continue; // warm-up: JIT compilation
            bestPrefill = Math.min(bestPrefill, (t1 - t0) * 1e-9);
            bestDecode = Math.min(bestDecode, (t2 - t1) * 1e-9);
        }
        String weights = quantised != null ? quantised.name() : m.decoder().embedTokens().weight().value().dtype().name();
        return new Result(name, weights, m.parameterCount(), bytesPerToken(m, quantised), bw, promptTokens, promptTokens / bestPrefill,
                decodeTokens, decodeTokens / bestDecode, Parallel.threads());
    }

    private static int argmax(float[] l) {
        int b = 0;
        for (int i = 1; i < l.length; i++) if (l[i] > l[b]) b = i;
        return b;
    }
}
