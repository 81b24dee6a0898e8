package dev.elixr.models.llm;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.hf.HfFolder;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.BlockFormat;
import dev.elixr.tensor.matvec.QuantizedMatrix;

import java.nio.file.Path;
import java.util.Set;

/**
 * A Llama-family causal language model (Hugging Face's LlamaForCausalLM / MistralForCausalLM / Qwen2ForCausalLM):
 * the {@link LlamaDecoder} and an LM head, untied ({@code lm_head.weight}) or tied to the token table. Parameter names
 * are Hugging Face's, so a checkpoint loads by name and our own training saves in the same layout.
 *
 * <p>Inference runs straight on tensor-core ops (no autograd tape): a block of T positions — the prompt's prefill —
 * goes through the GEMM path, one position — decoding — through the matrix–vector kernels that read BF16/F16
 * weights in place; both append to a preallocated {@link KvCache}. {@link #forwardEmbeds} takes embedding vectors in
 * place of token ids (stage 2's soft prompts).
 */
public final class LlamaModel extends Module {
    private final LlamaConfig config;
    private final LlamaDecoder model;
    private final Projection lmHead;
    private final RotaryEmbedding rope;
    private Projection tiedHead; // a quantised copy of the tied head, not a registered module

    public LlamaModel(LlamaConfig config, WeightSource src) {
        this.config = config;
        this.model = registerModule("model", new LlamaDecoder(config, src, "model."));
        this.lmHead = config.tieWordEmbeddings() ? null
                : registerModule("lm_head", new Projection(src, "lm_head.", config.hiddenSize(), config.vocabSize(), false));
        this.rope = new RotaryEmbedding(config, src.interleavedRope());
        QuantizedMatrix table = model.embedTokens().quantized();
        if (lmHead == null && table != null) tiedHead = Projection.of(table);
    }

    /** Seeded random weights (N(0, 0.02²)), for training from scratch. */
    public static LlamaModel random(LlamaConfig config, long seed) { return new LlamaModel(config, WeightSource.random(seed)); }

    /**
     * A Hugging Face folder: config.json and model.safetensors (or shards), memory-mapped; weights keep their
     * stored type. A missing, misshapen or unexpected tensor is refused naming it.
     */
    public static LlamaModel load(Path dir) {
        HfFolder f = HfFolder.open(dir);
        LlamaConfig c = LlamaConfig.fromJson(f.config(), dir.resolve("config.json").toString());
        WeightSource.Checkpoint src = WeightSource.of(f.weights(), dir + " (model.safetensors)");
        LlamaModel m = new LlamaModel(c, src);
        Set<String> unused = src.unused();
        if (c.tieWordEmbeddings()) unused.remove("lm_head.weight"); // some tied checkpoints store a copy of the table
        if (!unused.isEmpty()) throw new IllegalArgumentException(dir + ": tensors the " + c.modelType() + " model does not have: " + unused);
        m.eval();
        return m;
    }

    /** Writes config.json and model.safetensors (every parameter in its stored type) in Hugging Face layout. */
    public void save(Path dir) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve("config.json"), config.toJson().toPrettyString() + "\n");
        dev.elixr.autograd.io.Safetensors.write(dir.resolve("model.safetensors"), stateDict(), java.util.Map.of("format", "pt"));
    }

    /** A Hugging Face folder, or a GGUF file (name ending in .gguf; see {@link GgufLlama}). */
    public static LlamaModel open(Path folderOrGguf) {
        if (!folderOrGguf.toString().endsWith(".gguf")) return load(folderOrGguf);
        try {
            return GgufLlama.load(folderOrGguf);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + folderOrGguf + ": " + e.getMessage(), e);
        }
    }

    public LlamaConfig config() { return config; }

    public LlamaDecoder decoder() { return model; }

    /**
     * The differentiable forward for training, through autograd on the same parameters: ids [B·T] (B rows of T)
     * → logits [B, T, vocab]. No cache; positions 0 … T−1 in each row.
     */
    public Var forwardTraining(int[] ids, int batch, int length) { return forwardTraining(embedTraining(ids, batch, length)); }

    /**
     * The token embeddings of ids [B·T] as a differentiable [B, T, hidden] (Hugging Face's {@code inputs_embeds}), to be
     * joined with other vectors (soft prompts: {@code Functional.concat(1, prompt, embedTraining(...))}) before
     * {@link #forwardTraining(Var)}. An id outside the vocabulary is refused naming it.
     */
    public Var embedTraining(int[] ids, int batch, int length) {
        if (model.embedTokens().weight() == null) throw new IllegalStateException("a token table loaded in a block format (GGUF) serves inference only");
        if (ids.length != batch * length)
            throw new IllegalArgumentException("embedTraining: " + ids.length + " ids for " + batch + " rows of " + length);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize())
                throw new IllegalArgumentException("token id " + ids[i] + " at row " + i / length + ", position " + i % length
                        + " is outside the vocabulary [0, " + config.vocabSize() + ")");
        }
        return Functional.embedding(model.embedTokens().weight(), ids, batch, length);
    }

    /**
     * The differentiable forward from embedding vectors x [B, T, hidden] (Hugging Face's {@code inputs_embeds}: soft
     * prompts, gradient checks) → logits [B, T, vocab], positions 0 … T−1 in each row, causal. Gradients reach x when it
     * requires them, also through a frozen model ({@code freeze()}).
     */
    public Var forwardTraining(Var x) {
        return head(hiddenTraining(x));
    }

    /** {@link #forwardTraining(Var)}'s last hidden states [B, T, hidden] (after the final norm), before the LM head. */
    public Var hiddenTraining(Var x) {
        if (x.dim() != 3 || x.size(2) != config.hiddenSize()) {
            throw new IllegalArgumentException("training forward: inputs " + Shape.str(x.shape()) + ", expected [B, T, " + config.hiddenSize() + "]");
        }
        return model.forward(x, rope);
    }

    /** The LM head (or the tied token table) on hidden states [..., hidden] → logits [..., vocab], differentiable. */
    public Var head(Var h) {
        return lmHead != null ? lmHead.forward(h) : Functional.linear(h, model.embedTokens().weight(), null);
    }

    /** Mean cross-entropy of predicting each next id of ids [B·T] from the ones before it (causal LM loss). */
    public Var nextTokenLoss(int[] ids, int batch, int length) {
        if (length < 2) throw new IllegalArgumentException("nextTokenLoss: rows of " + length + " ids have no next token to predict");
        return CausalLmLoss.of(forwardTraining(ids, batch, length), ids);
    }

    /**
     * The same loss counting only the positions whose label is not {@link CausalLmLoss#IGNORE}: labels [B·T] beside
     * ids [B·T] (e.g. {@code CausalLmLoss.labels(ids, counted)}; padding and prompts ignored).
     */
    public Var nextTokenLoss(int[] ids, int[] labels, int batch, int length) {
        return CausalLmLoss.of(forwardTraining(ids, batch, length), labels);
    }

    /**
     * From now on inference reads block-quantised copies (Q8_0 or Q4_0, as llama.cpp) of every projection and of the
     * LM head; the token table and the parameters themselves are kept (training and embedding lookups use them).
     */
    public LlamaModel quantize(BlockFormat format) {
        for (Module mod : namedModules().values()) if (mod instanceof Projection p) p.quantize(format);
        if (lmHead == null && model.embedTokens().weight() != null) {
            tiedHead = new Projection(WeightSource.of(java.util.Map.of("w.weight", model.embedTokens().weight().value()), "tied head"),
                    "w.", config.hiddenSize(), config.vocabSize(), false);
            tiedHead.quantize(format);
        }
        return this;
    }

    /** Bytes of the LM head as one decoding step reads it (the token table's, when tied), in its stored or quantised form. */
    public long headStoredBytes() {
        if (lmHead != null) return lmHead.storedBytes();
        if (tiedHead != null) return tiedHead.storedBytes();
        Tensor t = model.embedTokens().weight().value();
        return t.numel() * t.dtype().byteSize();
    }

    /** A cache for up to capacity positions. */
    public KvCache newCache(int capacity) {
        if (config.slidingWindow() > 0 && capacity > config.slidingWindow()) {
            throw new IllegalArgumentException("a context of " + capacity + " positions exceeds the sliding window of " + config.slidingWindow()
                    + ", and sliding-window attention is not implemented: use at most " + config.slidingWindow() + " positions");
        }
        return new KvCache(config, capacity);
    }

    /** Token embeddings of ids, [T, hidden] float32. */
    public Tensor embed(int[] ids) { return model.embedTokens().lookup(ids); }

    /** Logits [T, vocab] at every position of ids, which continue the cache (whose length grows by T). */
    public Tensor forward(int[] ids, KvCache cache) { return forwardEmbeds(embed(ids), cache, true); }

    /** Logits [vocab] of the last of ids, which continue the cache (prefill or one decoding step). */
    public float[] next(int[] ids, KvCache cache) {
        DecodeProfile.stepStart(ids.length);
        long t = DecodeProfile.start(ids.length);
        Tensor x = embed(ids);
        DecodeProfile.add(DecodeProfile.Op.EMBED, t);
        float[] logits = forwardEmbeds(x, cache, false).toFloatArray();
        DecodeProfile.stepEnd();
        return logits;
    }

    /**
     * Embedding vectors x [T, hidden] in place of token ids, continuing the cache: logits [T, vocab] at every
     * position, or [1, vocab] of the last when allPositions is false.
     */
    public Tensor forwardEmbeds(Tensor x, KvCache cache, boolean allPositions) {
        if (x.dim() != 2 || x.size(1) != config.hiddenSize() || x.size(0) == 0) {
            throw new IllegalArgumentException("forwardEmbeds: inputs " + Shape.str(x.shape()) + ", expected [T, " + config.hiddenSize() + "] with T >= 1");
        }
        Tensor h = model.apply(x, cache, rope);
        if (!allPositions) h = h.narrow(0, h.size(0) - 1, 1);
        long t = DecodeProfile.start(h.size(0));
        Tensor logits = lmHead != null ? lmHead.apply(h) : tiedHead != null ? tiedHead.apply(h)
                : Projection.linear(h, model.embedTokens().weight().value(), null);
        DecodeProfile.add(DecodeProfile.Op.HEAD, t);
        return logits;
    }
}
