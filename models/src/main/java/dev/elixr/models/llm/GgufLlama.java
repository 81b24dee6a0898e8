package dev.elixr.models.llm;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.QuantizedMatrix;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A Llama model from a GGUF file of {@code general.architecture} llama: the shape from the {@code llama.*} metadata,
 * the weights under llama.cpp's names ({@code token_embd}, {@code blk.N.attn_q}, …, {@code output}) read in place —
 * F32/F16/BF16 as tensors, Q8_0/Q4_0 through the block kernels. llama.cpp's converter interleaves the rotary pairs of
 * the q and k rows of each head, so these weights run with interleaved rotary embeddings (the attention scores are the
 * same). Rope scaling stored as a {@code rope_freqs} tensor, and other architectures, are refused.
 */
public final class GgufLlama {
    private GgufLlama() {}

    /** HF name → GGUF name. */
    static String ggufName(String hf) {
        if (hf.equals("model.embed_tokens.weight")) return "token_embd.weight";
        if (hf.equals("model.norm.weight")) return "output_norm.weight";
        if (hf.equals("lm_head.weight")) return "output.weight";
        String s = hf.replaceFirst("^model\\.layers\\.(\\d+)\\.", "blk.$1.");
        return s.replace("input_layernorm", "attn_norm").replace("post_attention_layernorm", "ffn_norm")
                .replace("self_attn.q_proj", "attn_q").replace("self_attn.k_proj", "attn_k").replace("self_attn.v_proj", "attn_v")
                .replace("self_attn.o_proj", "attn_output").replace("mlp.gate_proj", "ffn_gate").replace("mlp.up_proj", "ffn_up")
                .replace("mlp.down_proj", "ffn_down");
    }

    public static LlamaModel load(Path file) throws IOException {
        Gguf g = Gguf.open(file);
        String arch = String.valueOf(g.metadata().getOrDefault("general.architecture", ""));
        if (!arch.equals("llama")) throw new IllegalArgumentException(file + ": GGUF architecture '" + arch + "' is not supported (llama)");
        if (g.tensors().containsKey("rope_freqs.weight")) throw new IllegalArgumentException(file + ": rope scaling by a rope_freqs tensor is not supported");
        LlamaConfig c = config(g, file);
        Set<String> used = new LinkedHashSet<>();
        LlamaModel m = new LlamaModel(c, new WeightSource() {
            @Override public Tensor get(String name, int... shape) {
                String n = ggufName(name);
                used.add(n);
                Tensor t = g.dense(n);
                if (!java.util.Arrays.equals(t.shape(), shape)) {
                    throw new IllegalArgumentException(file + ": tensor '" + n + "' is " + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(shape));
                }
                return t;
            }
            @Override public Tensor norm(String name, int dim) { return get(name, dim).copy(); }
            @Override public QuantizedMatrix quantized(String name) {
                String n = ggufName(name);
                if (!g.tensors().containsKey(n) || !g.isQuantized(n)) return null;
                used.add(n);
                return g.quantized(n);
            }
            @Override public boolean interleavedRope() { return true; }
        });
        Set<String> unused = new LinkedHashSet<>(g.tensors().keySet());
        unused.removeAll(used);
        if (!unused.isEmpty()) throw new IllegalArgumentException(file + ": tensors the llama model does not have: " + unused);
        m.eval();
        return m;
    }

    static LlamaConfig config(Gguf g, Path file) {
        int hidden = num(g, "llama.embedding_length"), heads = num(g, "llama.attention.head_count");
        Object kv = g.metadata().get("llama.attention.head_count_kv");
        Gguf.Info embd = g.info("token_embd.weight");
        int vocab = Math.toIntExact(embd.dims()[1]);
        boolean tied = !g.tensors().containsKey("output.weight");
        Object eps = g.metadata().getOrDefault("llama.attention.layer_norm_rms_epsilon", 1e-5);
        Object theta = g.metadata().getOrDefault("llama.rope.freq_base", 10000.0);
        Object ctx = g.metadata().getOrDefault("llama.context_length", 2048L);
        int bos = g.metadata().get("tokenizer.ggml.bos_token_id") instanceof Number n ? n.intValue() : -1;
        int[] eos = g.metadata().get("tokenizer.ggml.eos_token_id") instanceof Number n ? new int[] {n.intValue()} : new int[0];
        return new LlamaConfig("llama", vocab, hidden, num(g, "llama.feed_forward_length"), num(g, "llama.block_count"), heads,
                kv instanceof Number n ? n.intValue() : heads, hidden / heads, ((Number) eps).floatValue(), ((Number) theta).doubleValue(), null,
                false, false, false, tied, ((Number) ctx).intValue(), 0, bos, eos);
    }

    private static int num(Gguf g, String key) { return ((Number) g.require(key)).intValue(); }
}
