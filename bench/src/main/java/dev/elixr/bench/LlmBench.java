package dev.elixr.bench;

import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.models.llm.DecodeProfile;
import dev.elixr.models.llm.GgufWriter;
import dev.elixr.models.llm.KvCache;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.llm.LlamaModel;
import dev.elixr.models.llm.Projection;
import dev.elixr.models.llm.WeightSource;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.BlockFormat;
import dev.elixr.tensor.ops.MatMul;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Decoding and prefill speed of a Llama-family model on this machine, beside the bound that memory sets on
 * decoding: every weight that a token reads (all projections and the LM head, in their stored or quantised
 * bytes), divided by the read bandwidth measured in the same run. Each timed round (a prefill, then single-token
 * decoding steps) is followed at once by a bandwidth probe, and a round's decode rate is set against the probe
 * beside it: on a machine shared with other work the two see the same neighbours. Figures are medians over rounds.
 * Prefill is set against the GEMM rate at its width: the float32 product [prompt, hidden]·[hidden, intermediate].
 * With {@code -Delixr.llm.profile=true} (and {@code -Delixr.parallel.stats=true}) the last round's decoding steps are
 * broken down per operation on standard error ({@link DecodeProfile}).
 */
public final class LlmBench {
    /** The bandwidth probe's buffer: larger than the caches that a model's weights could hide in. */
    static final int PROBE_MIB = 512;

    /** Timed rounds of one model: prefill and decode tokens/s, and the bandwidth probed right after each round. */
    public record Rounds(String weights, double bytesPerToken, double prefillFlops, int promptTokens, int decodeTokens,
                         double[] prefillRounds, double[] decodeRounds, double[] bandwidthRounds) {
        public double decodeTokS() { return median(decodeRounds); }

        public double prefillTokS() { return median(prefillRounds); }

        public double bandwidthGBs() { return median(bandwidthRounds); }

        /** Median over rounds of decode tokens/s ÷ (that round's bandwidth ÷ bytes per token), in %. */
        public double percentOfBound() {
            double[] r = new double[decodeRounds.length];
            for (int i = 0; i < r.length; i++) r[i] = 100 * decodeRounds[i] * bytesPerToken / (bandwidthRounds[i] * 1e9);
            return median(r);
        }

        public double prefillGflops() { return prefillFlops * prefillTokS() / promptTokens / 1e9; }

        String line(double gemmGflops) {
            return String.format(Locale.ROOT, "%-5s %4.0f MB/token: decode %6.2f tok/s = %3.0f%% of the bound %.2f tok/s (%d tokens); "
                            + "prefill %6.1f tok/s = %5.1f GFLOP/s = %3.0f%% of the GEMM rate (%d tokens)",
                    weights, bytesPerToken / 1e6, decodeTokS(), percentOfBound(), bandwidthGBs() * 1e9 / bytesPerToken, decodeTokens,
                    prefillTokS(), prefillGflops(), 100 * prefillGflops() / gemmGflops, promptTokens);
        }

        String json(double gemmGflops) {
            return String.format(Locale.ROOT, "{\"weights\":\"%s\",\"bytes_per_token\":%.0f,\"decode_tok_s\":%.3f,\"percent_of_bound\":%.1f,"
                            + "\"bandwidth_gb_s\":%.2f,\"prefill_tok_s\":%.2f,\"prefill_gflops\":%.2f,\"percent_of_gemm\":%.1f,\"decode_rounds\":%s,\"bandwidth_rounds\":%s}",
                    weights, bytesPerToken, decodeTokS(), percentOfBound(), bandwidthGBs(), prefillTokS(), prefillGflops(),
                    100 * prefillGflops() / gemmGflops, Arrays.toString(decodeRounds), Arrays.toString(bandwidthRounds));
        }
    }

    /** One run: the model, the GEMM rate at its width, our rounds per weight type, llama.cpp's (or why not). */
    public record Report(String model, long parameters, int threads, int vectorBits, double gemmGflops, String gemmShape,
                         java.util.List<Rounds> ours, LlamaCpp.Result llamaCpp, String llamaCppNote) {
        public String text() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "%s, %.0fM parameters; %d threads, %d-bit vectors; memory bandwidth probe %d MiB; "
                    + "GEMM rate %.1f GFLOP/s at %s%n", model, parameters / 1e6, threads, vectorBits, PROBE_MIB, gemmGflops, gemmShape));
            s.append("random weights, repacked copies and the probe on ").append(dev.elixr.tensor.HugePages.describe()).append('\n');
            for (Rounds r : ours) s.append(r.line(gemmGflops)).append(String.format(Locale.ROOT, " [bandwidth %.1f GB/s]%n", r.bandwidthGBs()));
            if (llamaCpp != null) {
                Rounds q = ours.getLast();
                s.append(String.format(Locale.ROOT, "llama.cpp (node-llama-cpp, the same %s GGUF, %d threads): decode %.2f tok/s, prefill %.1f tok/s; "
                                + "ours ÷ llama.cpp: decode %.2f×, prefill %.2f×%n", q.weights(), llamaCpp.threads(), llamaCpp.decodeTokS(),
                        llamaCpp.prefillTokS(), q.decodeTokS() / llamaCpp.decodeTokS(), q.prefillTokS() / llamaCpp.prefillTokS()));
            } else {
                s.append("llama.cpp: skipped (").append(llamaCppNote).append(")\n");
            }
            return s.toString().stripTrailing();
        }

        public String json() {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "{\"model\":\"%s\",\"parameters\":%d,\"threads\":%d,\"vector_bits\":%d,\"gemm_gflops\":%.2f,\"gemm_shape\":\"%s\",\"ours\":[",
                    model, parameters, threads, vectorBits, gemmGflops, gemmShape));
            for (int i = 0; i < ours.size(); i++) s.append(i > 0 ? "," : "").append(ours.get(i).json(gemmGflops));
            s.append("],\"llama_cpp\":");
            if (llamaCpp != null) s.append(String.format(Locale.ROOT, "{\"decode_tok_s\":%.3f,\"prefill_tok_s\":%.2f,\"decode_rounds\":%s}",
                    llamaCpp.decodeTokS(), llamaCpp.prefillTokS(), Arrays.toString(llamaCpp.decodeRounds())));
            else s.append("null,\"llama_cpp_note\":\"").append(llamaCppNote.replace("\"", "'")).append('"');
            return s.append('}').toString();
        }
    }

    private LlmBench() {}

    /** The shape of llama.cpp's comparison in TOOLCHAIN.md: 336M parameters, hidden 1024, 24 layers, GQA 16/4, vocab 32000. */
    public static LlamaConfig defaultConfig() {
        return new LlamaConfig("llama", 32000, 1024, 2816, 24, 16, 4, 64, 1e-5f, 10000, null, false, false, false, false, 2048, 0, 1, new int[] {2});
    }

    /**
     * c with the given sizes in place of its own (null: c's): the random model's shape for {@code bench llm}. The head size
     * is hidden / heads; sizes that do not divide are refused with the numbers.
     */
    public static LlamaConfig shape(LlamaConfig c, Integer hidden, Integer intermediate, Integer layers, Integer heads, Integer kvHeads) {
        int h = hidden != null ? hidden : c.hiddenSize(), i = intermediate != null ? intermediate : c.intermediateSize();
        int l = layers != null ? layers : c.numLayers(), nh = heads != null ? heads : c.numHeads(), kv = kvHeads != null ? kvHeads : c.numKvHeads();
        if (h < 1 || i < 1 || l < 1 || nh < 1 || kv < 1)
            throw new IllegalArgumentException("bench llm: hidden " + h + ", intermediate " + i + ", layers " + l + ", heads " + nh + ", kv heads " + kv + ": all must be >= 1");
        if (h % nh != 0) throw new IllegalArgumentException("bench llm: hidden " + h + " is not a multiple of heads " + nh);
        if (nh % kv != 0) throw new IllegalArgumentException("bench llm: heads " + nh + " is not a multiple of kv heads " + kv);
        if ((h / nh) % 2 != 0) throw new IllegalArgumentException("bench llm: head size " + h / nh + " (hidden / heads) must be even for the rotary embedding");
        return new LlamaConfig(c.modelType(), c.vocabSize(), h, i, l, nh, kv, h / nh, c.rmsNormEps(), c.ropeTheta(), c.ropeScaling(), c.qkvBias(),
                c.oBias(), c.mlpBias(), c.tieWordEmbeddings(), c.maxPositionEmbeddings(), c.slidingWindow(), c.bosTokenId(), c.eosTokenIds());
    }

    /** A model of random weights stored as BF16 (or F16, F32) off-heap, as a memory-mapped checkpoint would be. */
    public static LlamaModel random(LlamaConfig c, DType type, long seed) {
        return new LlamaModel(c, new WeightSource() {
            @Override public Tensor get(String name, int... shape) {
                long n = (long) shape[0] * (shape.length > 1 ? shape[1] : 1);
                MemorySegment m = dev.elixr.tensor.HugePages.allocate(n * type.byteSize());
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

    /** Multiply-adds × 2 of a prefill of one token through the layers' projections (the LM head runs on the last token only). */
    static double prefillFlopsPerToken(LlamaConfig c) {
        long d = c.hiddenSize(), h = (long) c.numHeads() * c.headDim(), kv = (long) c.numKvHeads() * c.headDim();
        return 2.0 * c.numLayers() * (d * h + 2 * d * kv + h * d + 3 * d * c.intermediateSize());
    }

    /**
     * rounds timed rounds after a warm-up one: a prefill of promptTokens, decodeTokens single steps after it, then a
     * bandwidth probe over probe.
     */
    public static Rounds time(String weights, LlamaModel m, double bytesPerToken, int promptTokens, int decodeTokens, int rounds, MemorySegment probe) {
        SplittableRandom rng = new SplittableRandom(1);
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < prompt.length; i++) prompt[i] = rng.nextInt(m.config().vocabSize());
        double[] prefill = new double[rounds], decode = new double[rounds], bw = new double[rounds];
        for (int r = 0; r <= rounds; r++) {
            KvCache cache = m.newCache(promptTokens + decodeTokens);
            long t0 = System.nanoTime();
            float[] logits = m.next(prompt, cache);
            long t1 = System.nanoTime();
            int next = argmax(logits);
            DecodeProfile.reset();
            Parallel.resetStats();
            for (int i = 0; i < decodeTokens; i++) next = argmax(m.next(new int[] {next}, cache));
            long t2 = System.nanoTime();
            if (r == rounds && DecodeProfile.on()) System.err.println(weights + " " + DecodeProfile.text() + loops(Parallel.stats(), decodeTokens));
            double gbs = MemoryBandwidth.measure(probe, 2);
            if (r == 0) continue; // warm-up: JIT compilation, the prefill's float32 copies
            prefill[r - 1] = promptTokens / ((t1 - t0) * 1e-9);
            decode[r - 1] = decodeTokens / ((t2 - t1) * 1e-9);
            bw[r - 1] = gbs;
        }
        return new Rounds(weights, bytesPerToken, prefillFlopsPerToken(m.config()) * promptTokens, promptTokens, decodeTokens, prefill, decode, bw);
    }

    /** Parallel loops per decoding step and the callers' wait at their ends, when counted ({@code -Delixr.parallel.stats=true}). */
    private static String loops(Parallel.Stats s, int steps) {
        if (s.teamLoops() + s.poolLoops() == 0) return "";
        return String.format(Locale.ROOT, "%n  parallel loops per step: %.1f on the team, %.1f on the fork/join pool; caller waiting at their ends %.1f µs",
                s.teamLoops() / (double) steps, s.poolLoops() / (double) steps, s.waitNanos() / 1e3 / steps);
    }

    /**
     * GFLOP/s of the float32 product x [rows, k] times an n-wide weight at the width of prefill's widest projections: the
     * best of rounds over both layouts of the weight (W [k, n], as prefill's kept copies, and W [n, k]ᵀ).
     */
    public static double gemmGflops(int rows, int k, int n, int rounds) {
        Tensor x = Tensor.randn(1, rows, k), w = Tensor.randn(2, n, k), wT = w.t().contiguous();
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < 2 * (rounds + 3); r++) {
            long t0 = System.nanoTime();
            MatMul.matmul(x, r % 2 == 0 ? wT : w.t());
            double s = (System.nanoTime() - t0) * 1e-9;
            if (r >= 6) best = Math.min(best, s);
        }
        return 2.0 * rows * k * n / best / 1e9;
    }

    /**
     * The default run: random weights of config in BF16, timed; the same weights written as a Q8_0 GGUF file and read
     * back, timed; llama.cpp on that file when llamaCppDir holds node-llama-cpp (else a note why not).
     */
    public static Report suite(LlamaConfig c, int promptTokens, int decodeTokens, int rounds, java.nio.file.Path llamaCppDir,
                               java.nio.file.Path workDir) throws java.io.IOException {
        MemorySegment probe = probe();
        double gemm = gemmGflops(promptTokens, c.hiddenSize(), c.intermediateSize(), 5);
        String shape = promptTokens + "×" + c.hiddenSize() + "·" + c.hiddenSize() + "×" + c.intermediateSize();
        LlamaModel bf16 = random(c, DType.BF16, 1);
        long params = bf16.parameterCount();
        Rounds a = time("BF16", bf16, bytesPerToken(bf16, null), promptTokens, decodeTokens, rounds, probe);
        java.nio.file.Path gguf = workDir.resolve("bench-llm-q8_0.gguf");
        GgufWriter.write(bf16, gguf, GgufWriter.Type.Q8_0, GgufWriter.byteTokenizer(), "llama-bpe");
        bf16 = null; // its float32 prefill copies go back to the budget when collected
        System.gc();
        LlamaModel q8 = LlamaModel.open(gguf);
        Rounds b = time("Q8_0", q8, quantisedBytesPerToken(q8, c), promptTokens, decodeTokens, rounds, probe);
        q8 = null;
        System.gc();
        LlamaCpp.Result cpp = null;
        String note = null;
        try {
            cpp = LlamaCpp.run(llamaCppDir, gguf, Parallel.threads(), promptTokens, decodeTokens, rounds);
        } catch (LlamaCpp.Unavailable e) {
            note = e.getMessage();
        }
        String name = String.format(Locale.ROOT, "random Llama (hidden %d, %d layers, GQA %d/%d, intermediate %d, vocab %d)", c.hiddenSize(),
                c.numLayers(), c.numHeads(), c.numKvHeads(), c.intermediateSize(), c.vocabSize());
        return new Report(name, params, Parallel.threads(), dev.elixr.tensor.cpu.Simd.species().vectorBitSize(), gemm, shape,
                java.util.List.of(a, b), cpp, note);
    }

    /** One given model (a folder or a GGUF file), optionally quantised at load; llama.cpp beside it when it is a GGUF file. */
    public static Report single(String name, LlamaModel m, BlockFormat quantised, java.nio.file.Path file, int promptTokens, int decodeTokens,
                                int rounds, java.nio.file.Path llamaCppDir) {
        if (quantised != null) m.quantize(quantised);
        MemorySegment probe = probe();
        LlamaConfig c = m.config();
        double gemm = gemmGflops(promptTokens, c.hiddenSize(), c.intermediateSize(), 5);
        String shape = promptTokens + "×" + c.hiddenSize() + "·" + c.hiddenSize() + "×" + c.intermediateSize();
        boolean gguf = file != null && file.toString().endsWith(".gguf");
        double bytes = gguf ? quantisedBytesPerToken(m, c) : bytesPerToken(m, quantised);
        String weights = quantised != null ? quantised.name() : gguf ? "GGUF" : m.decoder().embedTokens().weight().value().dtype().name();
        Rounds r = time(weights, m, bytes, promptTokens, decodeTokens, rounds, probe);
        LlamaCpp.Result cpp = null;
        String note = "not a GGUF file";
        if (gguf) {
            try {
                cpp = LlamaCpp.run(llamaCppDir, file, Parallel.threads(), promptTokens, decodeTokens, rounds);
            } catch (LlamaCpp.Unavailable e) {
                note = e.getMessage();
            }
        }
        return new Report(name, m.parameterCount(), Parallel.threads(), dev.elixr.tensor.cpu.Simd.species().vectorBitSize(), gemm, shape,
                java.util.List.of(r), cpp, note);
    }

    /** Bytes per token of a model whose projections may be block-quantised (a GGUF file): each projection's stored bytes. */
    static double quantisedBytesPerToken(LlamaModel m, LlamaConfig c) {
        double bytes = 0;
        for (Module mod : m.namedModules().values()) if (mod instanceof Projection p) bytes += p.storedBytes();
        if (c.tieWordEmbeddings()) bytes += m.headStoredBytes();
        return bytes;
    }

    /**
     * The probe's buffer, allocated as the weights are ({@link dev.elixr.tensor.HugePages}: huge pages with
     * {@code -Delixr.hugePages=true}), its loop compiled (the Vector API runs far slower before C2 compiles it).
     */
    static MemorySegment probe() {
        MemorySegment probe = MemoryBandwidth.segment(PROBE_MIB);
        MemoryBandwidth.measure(probe, 4);
        return probe;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static int argmax(float[] l) {
        int b = 0;
        for (int i = 1; i < l.length; i++) if (l[i] > l[b]) b = i;
        return b;
    }
}
