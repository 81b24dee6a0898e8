package dev.elixr.models.qformer;

import dev.elixr.autograd.nn.Parameter;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts a Q-Former's text side from a trained BERT, as BLIP-2 starts its Q-Former from BERT-base (Li et al. 2023, §3.1;
 * LAVIS's {@code init_Qformer}): word and position embeddings, the embedding LayerNorm ({@code qformer.layernorm}), each
 * layer's self-attention and text feed-forward, and the query feed-forward ({@code *_query}) copied from the same text
 * feed-forward, as LAVIS does. Cross-attention, query tokens, projections, the ITM head, the LM head's transform and the
 * [DEC] row of the word embeddings keep their own initialisation. BERT's token-type embedding 0 (added to every token
 * of a single-segment text) is folded into the position embeddings, so the text-only pass starts as the BERT's encoder.
 * The shapes must agree exactly (width, layers, heads, FFN size; the Q-Former's vocabulary is the BERT's plus [DEC]);
 * every disagreement is named.
 */
public final class QFormerTextInit {
    private QFormerTextInit() {}

    /** What was copied, Q-Former name → BERT name(s), for the run's record. */
    public record Copied(Map<String, String> tensors) {}

    /** Refuses a Q-Former whose transformer does not have the BERT's shape, naming every difference. */
    public static void requireCompatible(QFormerConfig q, BertConfig b, String source) {
        List<String> problems = new ArrayList<>();
        if (q.width() != b.hiddenSize()) problems.add("width " + q.width() + " vs hidden_size " + b.hiddenSize());
        if (q.depth() != b.numLayers()) problems.add("layers " + q.depth() + " vs num_hidden_layers " + b.numLayers());
        if (q.transformer().heads() != b.numHeads()) problems.add("heads " + q.transformer().heads() + " vs num_attention_heads " + b.numHeads());
        if (q.transformer().ffnSize() != b.intermediateSize())
            problems.add("FFN size " + q.transformer().ffnSize() + " vs intermediate_size " + b.intermediateSize());
        if (q.text().vocabSize() != b.vocabSize() + 1)
            problems.add("vocabulary " + q.text().vocabSize() + " vs vocab_size " + b.vocabSize() + " + 1 ([DEC])");
        if (q.text().maxLength() > b.maxPositionEmbeddings())
            problems.add("max text length " + q.text().maxLength() + " vs max_position_embeddings " + b.maxPositionEmbeddings());
        if (!problems.isEmpty())
            throw new IllegalArgumentException("cannot initialise the Q-Former's text side from " + source + ": " + String.join("; ", problems)
                    + " (give the Q-Former the text encoder's shape)");
    }

    /** Copies the BERT's weights into {@code q} (see the class comment); {@code source} names the BERT in errors. */
    public static Copied apply(QFormer q, BertEncoder bert, String source) {
        if (!q.hasText()) throw new IllegalArgumentException("cannot initialise the text side of a query-only Q-Former from " + source);
        requireCompatible(q.config(), bert.config(), source);
        Map<String, Tensor> from = new LinkedHashMap<>();
        bert.namedParameters().forEach((k, p) -> from.put(k, p.value().toCpu().contiguous()));
        Map<String, Parameter> to = q.namedParameters();
        Map<String, String> copied = new LinkedHashMap<>();
        copyRows(to, "embeddings.word_embeddings.weight", from, "embeddings.word_embeddings.weight", source, copied);
        Tensor positions = take(from, "embeddings.position_embeddings.weight", source);
        Tensor type0 = take(from, "embeddings.token_type_embeddings.weight", source);
        int length = q.config().text().maxLength(), h = q.config().width();
        float[] p = positions.toFloatArray(), t = type0.toFloatArray(), out = new float[length * h];
        for (int i = 0; i < length; i++) for (int d = 0; d < h; d++) out[i * h + d] = p[i * h + d] + t[d];
        assign(to, "embeddings.position_embeddings.weight", Tensor.wrap(out, length, h), source);
        copied.put("embeddings.position_embeddings.weight", "embeddings.position_embeddings.weight[:" + length + "] + embeddings.token_type_embeddings.weight[0]");
        for (String s : List.of("weight", "bias")) copy(to, "qformer.layernorm." + s, from, "embeddings.LayerNorm." + s, source, copied);
        for (int i = 0; i < q.config().depth(); i++) {
            String ql = "qformer.encoder.layer." + i + ".", bl = "encoder.layer." + i + ".";
            for (String proj : List.of("query", "key", "value"))
                for (String s : List.of("weight", "bias"))
                    copy(to, ql + "attention.attention." + proj + "." + s, from, bl + "attention.self." + proj + "." + s, source, copied);
            for (String part : List.of("dense", "LayerNorm"))
                for (String s : List.of("weight", "bias")) {
                    copy(to, ql + "attention.output." + part + "." + s, from, bl + "attention.output." + part + "." + s, source, copied);
                    copy(to, ql + "output." + part + "." + s, from, bl + "output." + part + "." + s, source, copied);
                    copy(to, ql + "output_query." + part + "." + s, from, bl + "output." + part + "." + s, source, copied);
                }
            for (String s : List.of("weight", "bias")) {
                copy(to, ql + "intermediate.dense." + s, from, bl + "intermediate.dense." + s, source, copied);
                copy(to, ql + "intermediate_query.dense." + s, from, bl + "intermediate.dense." + s, source, copied);
            }
        }
        return new Copied(copied);
    }

    /**
     * Starts {@code text_projection} from a trained text projection [P,H] without bias (ELIXR-C's, which reads the mean
     * of its tower's word states: use with {@link TextPooling#WORD_MEAN}); the bias becomes 0. The Q-Former's projection
     * must have the same widths (its {@code image_text_hidden_size} P and width H); a mismatch is named.
     */
    public static Copied applyProjection(QFormer q, Tensor projection, String source) {
        if (!q.hasText()) throw new IllegalArgumentException("cannot initialise the text projection of a query-only Q-Former from " + source);
        Map<String, Parameter> to = q.namedParameters();
        int p = q.config().projectionWidth(), h = q.config().width();
        if (projection.dim() != 2 || projection.size(0) != p || projection.size(1) != h)
            throw new IllegalArgumentException("cannot initialise the Q-Former's text_projection [" + p + "," + h + "] from " + source
                    + "'s text projection " + Shape.str(projection.shape()) + ": give the Q-Former --projection " + projection.size(0)
                    + " (the image run's embedding width)");
        assign(to, "text_projection.weight", projection.toCpu().contiguous(), source);
        assign(to, "text_projection.bias", Tensor.zeros(p), source);
        Map<String, String> copied = new LinkedHashMap<>();
        copied.put("text_projection.weight", "text_projection.weight");
        copied.put("text_projection.bias", "0");
        return new Copied(copied);
    }

    private static void copy(Map<String, Parameter> to, String name, Map<String, Tensor> from, String fromName, String source,
                             Map<String, String> copied) {
        assign(to, name, take(from, fromName, source), source);
        copied.put(name, fromName);
    }

    /** The first rows of a table (the word embeddings: the Q-Former's has one more row, [DEC], which keeps its own values). */
    private static void copyRows(Map<String, Parameter> to, String name, Map<String, Tensor> from, String fromName, String source,
                                 Map<String, String> copied) {
        Parameter p = parameter(to, name);
        Tensor src = take(from, fromName, source);
        int[] dst = p.shape();
        if (src.dim() != 2 || dst.length != 2 || src.size(1) != dst[1] || src.size(0) > dst[0])
            throw new IllegalArgumentException("cannot initialise the Q-Former's " + name + " " + Shape.str(dst) + " from " + source
                    + "'s " + fromName + " " + Shape.str(src.shape()) + ": expected at most " + dst[0] + " rows of width " + dst[1]);
        float[] values = p.value().toCpu().contiguous().toFloatArray();
        float[] rows = src.toFloatArray();
        System.arraycopy(rows, 0, values, 0, rows.length);
        p.assign(Tensor.wrap(values, dst).to(p.value().device()));
        copied.put(name + "[:" + src.size(0) + "]", fromName);
    }

    private static void assign(Map<String, Parameter> to, String name, Tensor value, String source) {
        Parameter p = parameter(to, name);
        if (!java.util.Arrays.equals(p.shape(), value.shape()))
            throw new IllegalArgumentException("cannot initialise the Q-Former's " + name + ": it is " + Shape.str(p.shape()) + " but "
                    + source + " gives " + Shape.str(value.shape()));
        p.assign(Tensor.wrap(value.contiguous().toFloatArray(), value.shape()).to(p.value().device()));
    }

    private static Parameter parameter(Map<String, Parameter> to, String name) {
        Parameter p = to.get(name);
        if (p == null) throw new IllegalStateException("the Q-Former has no parameter " + name);
        return p;
    }

    private static Tensor take(Map<String, Tensor> from, String name, String source) {
        Tensor t = from.get(name);
        if (t == null) throw new IllegalArgumentException("cannot initialise the Q-Former's text side: " + source + " has no " + name);
        return t;
    }
}
