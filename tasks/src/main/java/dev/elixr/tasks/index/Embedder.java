package dev.elixr.tasks.index;

import dev.elixr.tasks.data.GreyImage;

import java.util.List;
import java.util.Map;

/**
 * The model as the index and the service see it: images and texts to L2-normalised vectors of one shared space, and
 * an image vector to zero-shot scores per finding. Every model call of {@code elixr index} and {@code elixr serve}
 * goes through this interface, so that the model behind it (and its preprocessing) is wired in one place
 * ({@link ElixrCEmbedder}). {@link #embedImages} and {@link #embedTexts} need not be thread-safe (callers serialise
 * them); {@link #classify} and the other methods must be (the service calls them from request threads).
 */
public interface Embedder {
    /** Width E of every vector. */
    int dim();

    /**
     * How image files and uploads are decoded before {@link #embedImages} ({@link dev.elixr.tasks.data.CxrImageFile}):
     * the decoding the model was trained on, {@code display} unless its run recorded another.
     */
    default String decode() { return dev.elixr.models.elixr.ImagePreprocessing.DISPLAY; }

    /** L2-normalised image embeddings [n][E] of decoded grey images (any size: the embedder preprocesses them). */
    float[][] embedImages(List<GreyImage> images);

    /** L2-normalised text embeddings [n][E]. */
    float[][] embedTexts(List<String> texts);

    /** The findings {@link #classify} scores, in order. */
    List<String> findings();

    /** Zero-shot scores [n][findings] of L2-normalised image embeddings (ELIXR section 2.3). */
    double[][] classify(float[][] imageEmbeddings);

    /**
     * Per finding, the sanity flags the zero-shot evaluation of this model computed (e.g. {@code auc_below_0.5}), or
     * an empty map when the model was not evaluated.
     */
    Map<String, List<String>> evaluationFlags();

    /** A checksum of the weights: vectors from embedders with different fingerprints live in different spaces. */
    String fingerprint();

    /** What produced the vectors (model, preprocessing, run), as recorded beside an index. */
    Map<String, Object> describe();
}
