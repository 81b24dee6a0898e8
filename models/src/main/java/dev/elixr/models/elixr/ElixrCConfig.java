package dev.elixr.models.elixr;

import dev.elixr.autograd.nn.Activation;
import dev.elixr.models.text.BertConfig;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Shape of an ELIXR-C model (ELIXR section 2.1), in four groups: the {@link Image image tower} with the preprocessing
 * of its input, the {@link Text text tower} (a BERT and how texts are tokenised), the width {@code embedDim} of the
 * shared space both towers are projected into, and the learnable {@link Temperature temperature}. Each group is a
 * record with withers, so a variant reads as {@code config.withImage(config.image().withEncoder("vit-8-4-4"))}.
 * Saved as {@code elixr-c.json} by {@link ElixrCConfigFile}.
 */
public record ElixrCConfig(Image image, Text text, int embedDim, Temperature temperature) {
    /** The text tower trained from random weights with a vocabulary built from the training reports. */
    public static final String BERT_SMALL = "bert-small";

    public ElixrCConfig {
        if (image == null || text == null || temperature == null)
            throw new IllegalArgumentException("ELIXR-C config: image, text and temperature are all required");
        if (embedDim <= 0) throw new IllegalArgumentException("ELIXR-C config: embedDim " + embedDim + " must be > 0");
    }

    /**
     * The image tower and its input. {@code encoder}: {@code conv} ({@link ConvTower} with {@code convWidths} and
     * {@code convBlocksPerStage}, ending in a linear map to {@code features}), {@code vit-P-L-H} ({@link VitTower}: patch
     * P, L layers, H heads, width {@code features}) or {@code efficientnet-b0}… ({@link EfficientNetTower}, its own width).
     */
    public record Image(String encoder, ImagePreprocessing preprocessing, int[] convWidths, int convBlocksPerStage, int features) {
        public Image {
            if (encoder == null || !encoder.equals("conv") && !encoder.matches("vit-\\d+-\\d+-\\d+") && !encoder.matches("efficientnet-(b[0-7]|l2)"))
                throw new IllegalArgumentException("image encoder '" + encoder + "': expected conv, vit-PATCH-LAYERS-HEADS (e.g. vit-8-4-4) or efficientnet-b0");
            if (preprocessing == null) throw new IllegalArgumentException("image tower: preprocessing is required");
            convWidths = convWidths.clone();
        }

        /** The input side in pixels. */
        public int size() { return preprocessing.size(); }

        public Image withEncoder(String e) { return new Image(e, preprocessing, convWidths, convBlocksPerStage, features); }

        public Image withSize(int s) { return new Image(encoder, preprocessing.withSize(s), convWidths, convBlocksPerStage, features); }

        /** A new tower of this shape, initialised from {@code rng}. */
        public ImageTower build(RandomGenerator rng) {
            if (encoder.startsWith("vit-")) {
                String[] p = encoder.split("-");
                return new VitTower(size(), Integer.parseInt(p[1]), features, Integer.parseInt(p[2]), Integer.parseInt(p[3]), rng);
            }
            if (encoder.startsWith("efficientnet-")) return new EfficientNetTower(encoder.substring("efficientnet-".length()), rng);
            return new ConvTower(size(), convWidths, convBlocksPerStage, features, rng);
        }

        @Override public boolean equals(Object o) {
            return o instanceof Image i && encoder.equals(i.encoder) && preprocessing.equals(i.preprocessing)
                    && Arrays.equals(convWidths, i.convWidths) && convBlocksPerStage == i.convBlocksPerStage && features == i.features;
        }

        @Override public int hashCode() { return encoder.hashCode() * 31 + Arrays.hashCode(convWidths); }
    }

    /**
     * The text tower: where it starts from ({@code encoder}: {@link #BERT_SMALL}, or the Hugging Face BERT folder it was
     * initialised from, see {@link HfTextInit}), its BERT shape, the longest text in tokens, and whether texts keep their
     * case (BERT "cased" vocabularies) or are lower-cased with accents stripped.
     */
    public record Text(String encoder, BertShape bert, int maxTokens, boolean cased) {
        public Text {
            if (encoder == null || encoder.isBlank()) encoder = BERT_SMALL;
            if (bert == null) throw new IllegalArgumentException("text tower: the BERT shape is required");
            if (maxTokens < 2 || maxTokens > bert.maxPositions())
                throw new IllegalArgumentException("text: maxTokens " + maxTokens + " must lie in [2, " + bert.maxPositions()
                        + "] (the text tower's position embeddings)");
        }

        /** A BERT trained from scratch: positions max(maxTokens, 8), 2 token types, eps 1e-12, GELU, lower-cased. */
        public static Text bertSmall(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxTokens) {
            return new Text(BERT_SMALL, new BertShape(vocabSize, hidden, layers, heads, intermediate, Math.max(maxTokens, 8), 2,
                    1e-12f, Activation.GELU), maxTokens, false);
        }

        /** The tower of a given BERT (e.g. a Hugging Face checkpoint's), texts cut to at most its positions. */
        public Text withBert(BertConfig b, boolean cased, String origin) {
            return new Text(origin, BertShape.of(b), Math.min(maxTokens, b.maxPositionEmbeddings()), cased);
        }

        /** This tower with a vocabulary of {@code size} tokens (the one built from the training reports). */
        public Text withVocabSize(int size) {
            return new Text(encoder, new BertShape(size, bert.hidden(), bert.layers(), bert.heads(), bert.intermediate(),
                    bert.maxPositions(), bert.typeVocab(), bert.layerNormEps(), bert.activation()), maxTokens, cased);
        }

        /** The tower's BERT: no dropout (ELIXR-C training is a pure function of seed and step), no pooler ({@link TextTower}). */
        public BertConfig bertConfig() { return bert.toBertConfig(); }

        /** Whether texts are lower-cased (and accents stripped) before WordPiece, as BERT "uncased". */
        public boolean lowercase() { return !cased; }

        /** Whether the tower starts from a Hugging Face folder rather than from random weights. */
        public boolean fromHf() { return !encoder.equals(BERT_SMALL); }
    }

    /** The BERT shape of the text tower, in the names of Hugging Face's {@code BertConfig}. */
    public record BertShape(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions,
                            int typeVocab, float layerNormEps, Activation activation) {
        static BertShape of(BertConfig b) {
            return new BertShape(b.vocabSize(), b.hiddenSize(), b.numLayers(), b.numHeads(), b.intermediateSize(),
                    b.maxPositionEmbeddings(), b.typeVocabSize(), b.layerNormEps(), b.hiddenAct());
        }

        BertConfig toBertConfig() {
            return new BertConfig(vocabSize, hidden, layers, heads, intermediate, maxPositions, typeVocab, layerNormEps, 0f, 0,
                    false, new int[0], hidden, activation);
        }
    }

    /** The CLIP temperature τ: its initial value (0.07 in CLIP and ELIXR) and the floor it is clamped to. */
    public record Temperature(float init, float min) {
        public Temperature {
            if (!(init >= min && min > 0))
                throw new IllegalArgumentException("temperature: need 0 < min (" + min + ") <= init (" + init + ")");
        }

        /** The largest logit scale 1/τ. */
        public float maxScale() { return 1f / min; }
    }

    /** The demo's small towers: 64x64 grey images, a 4-stage conv net (one conv per stage), a 2-layer 64-d BERT
     *  over up to 128 tokens, a 128-d shared space, τ from 0.07 clamped at 0.01. */
    public static ElixrCConfig small(int vocabSize) {
        return new ElixrCConfig(new Image("conv", ImagePreprocessing.standard(64), new int[] {16, 32, 64, 96}, 1, 256),
                Text.bertSmall(vocabSize, 64, 2, 2, 256, 128), 128, new Temperature(0.07f, 0.01f));
    }

    public ElixrCConfig withImage(Image i) { return new ElixrCConfig(i, text, embedDim, temperature); }

    public ElixrCConfig withText(Text t) { return new ElixrCConfig(image, t, embedDim, temperature); }

    public ElixrCConfig withEmbedDim(int d) { return new ElixrCConfig(image, text, d, temperature); }

    public ElixrCConfig withTemperature(Temperature t) { return new ElixrCConfig(image, text, embedDim, t); }
}
