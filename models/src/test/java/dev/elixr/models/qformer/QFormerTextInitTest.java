package dev.elixr.models.qformer;

import dev.elixr.autograd.Functional;
import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.text.TokenBatch;
import dev.elixr.models.elixr.TextTower;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting the Q-Former's text side from a BERT (BLIP-2 §3.1): the text-only pass becomes the BERT's encoder. */
class QFormerTextInitTest {
    static final BertConfig BERT = new BertConfig(20, 16, 3, 2, 40, 12, 2, 1e-12f, 0f, 0, false, new int[0], 16, Activation.GELU);
    static final QFormerConfig QFORMER = config(16, 3, 2, 40, 21);
    static final TextBatch TEXT = new TextBatch(new int[] {2, 5, 7, 0, 2, 9, 11, 13}, new int[] {1, 1, 1, 0, 1, 1, 1, 1}, 2, 4);

    static QFormerConfig config(int width, int layers, int heads, int ffn, int vocab) {
        return new QFormerConfig(new QFormerConfig.Transformer(width, layers, heads, ffn, 1e-12f, 0f, Activation.GELU),
                new QFormerConfig.Queries(3, 2, 10), new QFormerConfig.Text(vocab, 8, 0, vocab - 1), 8);
    }

    /** A BERT with weights far from any initialisation, so that a tensor copied to the wrong place shows. */
    static BertEncoder bert() {
        BertEncoder b = new BertEncoder(BERT, new SplittableRandom(7));
        int i = 0;
        for (var p : b.namedParameters().values()) p.assign(Tensor.normal(new SplittableRandom(100 + i++), 0.1f, 0.4f, p.shape()));
        b.eval();
        return b;
    }

    @Test
    void textPassEqualsTheBertEncoderItStartsFrom() {
        BertEncoder b = bert();
        QFormer q = QFormer.create(QFORMER, QFormer.Initialisation.FAN_IN, new SplittableRandom(3));
        q.eval();
        QFormerTextInit.apply(q, b, "test BERT");
        try (var g = GradMode.noGrad()) {
            float[] expected = b.encode(TEXT.ids(), TEXT.attentionMask(), null, 2, 4).lastHiddenState().value().contiguous().toFloatArray();
            float[] actual = q.textPass(TEXT).value().contiguous().toFloatArray();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], 1e-4, "element " + i);
        }
    }

    @Test
    void queryFeedForwardIsTheTextFeedForwardAndCrossAttentionAndDecRowKeepTheirOwnValues() {
        BertEncoder b = bert();
        QFormer q = QFormer.create(QFORMER, QFormer.Initialisation.FAN_IN, new SplittableRandom(3));
        var before = q.namedParameters();
        float[] cross = before.get("qformer.encoder.layer.0.crossattention.attention.key.weight").value().toFloatArray();
        float[] words = before.get("embeddings.word_embeddings.weight").value().toFloatArray();
        QFormerTextInit.apply(q, b, "test BERT");
        var p = q.namedParameters();
        var bp = b.namedParameters();
        for (int l = 0; l < 3; l++) {
            assertArrayEquals(bp.get("encoder.layer." + l + ".intermediate.dense.weight").value().toFloatArray(),
                    p.get("qformer.encoder.layer." + l + ".intermediate_query.dense.weight").value().toFloatArray());
            assertArrayEquals(bp.get("encoder.layer." + l + ".output.LayerNorm.weight").value().toFloatArray(),
                    p.get("qformer.encoder.layer." + l + ".output_query.LayerNorm.weight").value().toFloatArray());
        }
        assertArrayEquals(cross, p.get("qformer.encoder.layer.0.crossattention.attention.key.weight").value().toFloatArray());
        float[] after = p.get("embeddings.word_embeddings.weight").value().toFloatArray();
        for (int d = 0; d < 16; d++) assertEquals(words[20 * 16 + d], after[20 * 16 + d], "[DEC] row, element " + d);
        assertNotEquals(words[0], after[0]);
    }

    @Test
    void aQFormerOfAnotherShapeIsRefusedWithEveryDifferenceNamed() {
        BertEncoder b = bert();
        QFormer q = QFormer.create(config(16, 2, 4, 32, 30), new SplittableRandom(3));
        var e = assertThrows(IllegalArgumentException.class, () -> QFormerTextInit.apply(q, b, "run R's text tower"));
        String m = e.getMessage();
        assertTrue(m.contains("run R's text tower"), m);
        assertTrue(m.contains("layers 2 vs num_hidden_layers 3"), m);
        assertTrue(m.contains("heads 4 vs num_attention_heads 2"), m);
        assertTrue(m.contains("FFN size 32 vs intermediate_size 40"), m);
        assertTrue(m.contains("vocabulary 30 vs vocab_size 20 + 1 ([DEC])"), m);
    }

    /**
     * ELIXR-C's text embedding is the tower's word mean through its projection (no bias), L2-normalised: with the tower,
     * its projection and {@link TextPooling#WORD_MEAN}, the Q-Former's ITC text feature starts as exactly that embedding.
     */
    @Test
    void wordMeanTextFeatureWithTheTowersProjectionStartsAsTheTowersTextEmbedding() {
        TextTower tower = new TextTower(BERT, new SplittableRandom(7));
        int i = 0;
        for (var p : tower.namedParameters().values()) p.assign(Tensor.normal(new SplittableRandom(100 + i++), 0.1f, 0.4f, p.shape()));
        tower.eval();
        Tensor projection = Tensor.normal(new SplittableRandom(5), 0f, 0.3f, 8, 16);
        QFormer q = QFormer.create(QFORMER, QFormer.Initialisation.FAN_IN, new SplittableRandom(3));
        q.eval();
        QFormerTextInit.apply(q, tower.bert(), "test tower");
        var copied = QFormerTextInit.applyProjection(q, projection, "test tower");
        assertEquals("text_projection.weight", copied.tensors().get("text_projection.weight"));
        try (var g = GradMode.noGrad()) {
            var tokens = new TokenBatch(TEXT.ids(), TEXT.attentionMask(), 2, 4);
            Var expected = Functional.l2Normalize(tower.features(tokens).matmul(Var.of(projection).t()), -1);
            Var actual = q.textFeature(TEXT, TextPooling.WORD_MEAN);
            float[] e = expected.value().contiguous().toFloatArray(), a = actual.value().contiguous().toFloatArray();
            assertEquals(16, a.length);
            for (int k = 0; k < e.length; k++) assertEquals(e[k], a[k], 1e-5, "element " + k);
            float[] cls = q.textFeature(TEXT, TextPooling.CLS).value().contiguous().toFloatArray();
            assertNotEquals(e[0], cls[0], 1e-3, "[CLS] is another feature");
        }
    }

    @Test
    void aTextProjectionOfAnotherWidthIsRefusedNamingBothShapes() {
        QFormer q = QFormer.create(QFORMER, new SplittableRandom(3));
        var e = assertThrows(IllegalArgumentException.class,
                () -> QFormerTextInit.applyProjection(q, Tensor.zeros(128, 16), "ELIXR-C run R"));
        assertTrue(e.getMessage().contains("text_projection [8,16]") && e.getMessage().contains("[128,16]")
                && e.getMessage().contains("--projection 128") && e.getMessage().contains("ELIXR-C run R"), e.getMessage());
    }
}
