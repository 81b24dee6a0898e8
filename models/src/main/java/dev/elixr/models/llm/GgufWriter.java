package dev.elixr.models.llm;

import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.BlockFormat;
import dev.elixr.tensor.matvec.QuantizedMatrix;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a Llama model as a GGUF v3 file of architecture llama, as llama.cpp's convert_hf_to_gguf.py lays it out:
 * llama.cpp's tensor names, the q and k rows of each head permuted to interleaved rotary pairs, norms in F32 and every
 * matrix in one chosen type (F32, F16, Q8_0 or Q4_0, quantised as ggml's reference quantiser does). Rope scaling and
 * q/k/v biases have no place in this layout and are refused. For parity checks and for llama.cpp comparisons.
 */
public final class GgufWriter {
    /** The type of the matrices. */
    public enum Type { F32, F16, Q8_0, Q4_0 }

    private static final int ALIGN = 32;

    private GgufWriter() {}

    private record Entry(String name, int[] shape, int ggmlType, byte[] data) {}

    public static void write(LlamaModel m, Path file, Type type) throws IOException { write(m, file, type, null, null); }

    /**
     * With a byte-level BPE tokenizer.json (its vocabulary, added tokens and merges) stored as tokenizer.ggml.* under the
     * pre-tokenizer name pre (e.g. llama-bpe); BOS is added when the file's post-processor adds one.
     */
    public static void write(LlamaModel m, Path file, Type type, com.fasterxml.jackson.databind.JsonNode tokenizer, String pre) throws IOException {
        LlamaConfig c = m.config();
        if (c.ropeScaling() != null || c.qkvBias() || c.oBias() || c.mlpBias()) {
            throw new IllegalArgumentException("GGUF export: rope scaling and biases are not supported by this writer");
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            String hf = e.getKey();
            Tensor w = e.getValue().value();
            if (hf.endsWith("q_proj.weight")) w = interleave(w, c.numHeads(), c.headDim());
            if (hf.endsWith("k_proj.weight")) w = interleave(w, c.numKvHeads(), c.headDim());
            entries.add(entry(GgufLlama.ggufName(hf), w, w.dim() == 1 ? Type.F32 : type));
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        Map<String, Object> meta = new java.util.LinkedHashMap<>();
        meta.put("general.architecture", "llama");
        meta.put("general.alignment", ALIGN);
        meta.put("llama.context_length", c.maxPositionEmbeddings());
        meta.put("llama.embedding_length", c.hiddenSize());
        meta.put("llama.block_count", c.numLayers());
        meta.put("llama.feed_forward_length", c.intermediateSize());
        meta.put("llama.attention.head_count", c.numHeads());
        meta.put("llama.attention.head_count_kv", c.numKvHeads());
        meta.put("llama.rope.dimension_count", c.headDim());
        meta.put("llama.rope.freq_base", (float) c.ropeTheta());
        meta.put("llama.attention.layer_norm_rms_epsilon", c.rmsNormEps());
        if (c.bosTokenId() >= 0) meta.put("tokenizer.ggml.bos_token_id", c.bosTokenId());
        if (c.eosTokenIds().length > 0) meta.put("tokenizer.ggml.eos_token_id", c.eosTokenIds()[0]);
        if (tokenizer != null) tokenizerMetadata(tokenizer, pre, c.vocabSize(), meta);
        put(head, le(8).putInt(Gguf.MAGIC).putInt(3));
        put(head, le(16).putLong(entries.size()).putLong(meta.size()));
        for (var kv : meta.entrySet()) {
            string(head, kv.getKey());
            switch (kv.getValue()) {
                case String s -> { put(head, le(4).putInt(8)); string(head, s); }
                case Integer i -> put(head, le(8).putInt(4).putInt(i));
                case Float f -> put(head, le(8).putInt(6).putFloat(f));
                case Boolean z -> put(head, le(5).putInt(7).put((byte) (z ? 1 : 0)));
                case String[] a -> {
                    put(head, le(16).putInt(9).putInt(8).putLong(a.length));
                    for (String s : a) string(head, s);
                }
                case int[] a -> {
                    ByteBuffer b = le(16 + 4 * a.length).putInt(9).putInt(5).putLong(a.length);
                    for (int v : a) b.putInt(v);
                    put(head, b);
                }
                default -> throw new IllegalStateException(kv.getKey());
            }
        }
        long offset = 0;
        for (Entry e : entries) {
            string(head, e.name());
            put(head, le(4).putInt(e.shape().length));
            for (int d = e.shape().length - 1; d >= 0; d--) put(head, le(8).putLong(e.shape()[d]));
            put(head, le(12).putInt(e.ggmlType()).putLong(offset));
            offset = align(offset + e.data().length);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] h = head.toByteArray();
            out.write(h);
            out.write(new byte[(int) (align(h.length) - h.length)]);
            for (Entry e : entries) {
                out.write(e.data());
                out.write(new byte[(int) (align(e.data().length) - e.data().length)]);
            }
        }
    }

    /**
     * A tokenizer.json that only fills a GGUF file's vocabulary: ids 0–2 special (&lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;), then
     * the 256 bytes of the GPT-2 byte map, no merges; GgufWriter marks the remaining ids up to the model's vocabulary
     * unused. For benchmark files driven by token ids, never by text.
     */
    public static com.fasterxml.jackson.databind.JsonNode byteTokenizer() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = json.createObjectNode();
        var vocab = root.putObject("model").put("type", "BPE").putObject("vocab");
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteLevel.charOf(b)), 3 + b);
        root.withObject("model").putArray("merges");
        var added = root.putArray("added_tokens");
        String[] special = {"<unk>", "<s>", "</s>"};
        for (int i = 0; i < special.length; i++) added.addObject().put("id", i).put("content", special[i]).put("special", true);
        return root;
    }

    private static void tokenizerMetadata(com.fasterxml.jackson.databind.JsonNode t, String pre, int vocabSize, Map<String, Object> meta) {
        String[] tokens = new String[vocabSize];
        int[] types = new int[vocabSize];
        java.util.Arrays.fill(types, 1);
        t.path("model").path("vocab").properties().forEach(e -> tokens[e.getValue().asInt()] = e.getKey());
        Integer bos = null;
        for (var a : t.path("added_tokens")) {
            tokens[a.path("id").asInt()] = a.path("content").asText();
            types[a.path("id").asInt()] = a.path("special").asBoolean() ? GgufTokenizer.CONTROL : GgufTokenizer.USER_DEFINED;
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                tokens[i] = "[PAD" + i + "]";
                types[i] = 5; // unused
            }
        }
        for (var piece : t.path("post_processor").path("processors").isArray() ? t.path("post_processor").path("processors") : List.of(t.path("post_processor"))) {
            if (piece.path("type").asText().equals("TemplateProcessing")) {
                for (var v : piece.path("special_tokens")) bos = v.path("ids").get(0).asInt();
            }
        }
        List<String> merges = new ArrayList<>();
        for (var mg : t.path("model").path("merges")) merges.add(mg.isArray() ? mg.get(0).asText() + " " + mg.get(1).asText() : mg.asText());
        meta.put("tokenizer.ggml.model", "gpt2");
        meta.put("tokenizer.ggml.pre", pre);
        meta.put("tokenizer.ggml.tokens", tokens);
        meta.put("tokenizer.ggml.token_type", types);
        meta.put("tokenizer.ggml.merges", merges.toArray(new String[0]));
        if (bos != null) {
            meta.put("tokenizer.ggml.bos_token_id", bos);
            meta.put("tokenizer.ggml.add_bos_token", true);
        } else {
            meta.put("tokenizer.ggml.add_bos_token", false);
        }
    }

    /** Rows of each head reordered from rotate-half (i, i + d/2) to interleaved pairs (2i, 2i+1). */
    static Tensor interleave(Tensor w, int heads, int d) {
        int cols = w.size(1);
        float[] src = w.contiguous().toFloatArray(), out = new float[src.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < d / 2; i++) {
                System.arraycopy(src, (h * d + i) * cols, out, (h * d + 2 * i) * cols, cols);
                System.arraycopy(src, (h * d + i + d / 2) * cols, out, (h * d + 2 * i + 1) * cols, cols);
            }
        }
        return Tensor.wrap(out, w.shape());
    }

    private static Entry entry(String name, Tensor w, Type type) {
        return switch (type) {
            case F32 -> {
                ByteBuffer b = le(4 * w.numel());
                for (float v : w.toFloatArray()) b.putFloat(v);
                yield new Entry(name, w.shape(), Gguf.F32, b.array());
            }
            case F16 -> {
                ByteBuffer b = le(2 * w.numel());
                for (float v : w.toFloatArray()) b.putShort(Float.floatToFloat16(v));
                yield new Entry(name, w.shape(), Gguf.F16, b.array());
            }
            case Q8_0, Q4_0 -> {
                QuantizedMatrix q = QuantizedMatrix.quantize(w, type == Type.Q8_0 ? BlockFormat.Q8_0 : BlockFormat.Q4_0);
                yield new Entry(name, w.shape(), type == Type.Q8_0 ? Gguf.Q8_0 : Gguf.Q4_0, q.data().toArray(ValueLayout.JAVA_BYTE));
            }
        };
    }

    private static long align(long n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

    private static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    private static void put(ByteArrayOutputStream out, ByteBuffer b) { out.write(b.array(), 0, b.position()); }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        put(out, le(8).putLong(b.length));
        out.write(b, 0, b.length);
    }
}
