package dev.elixr.models.hf;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Npy;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.qformer.QFormer;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.models.vision.EfficientNet;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One inference pass of a loaded folder model, in no-grad mode: images (a .npy of normalised pixels [1,C,H,W], or a
 * PNG/JPEG preprocessed as the folder says) for ViT and EfficientNet, token ids for BERT. Returns the last hidden states
 * (ViT, BERT: [1,T,D]) or torchvision's {@code features} output (EfficientNet: [1,C,H,W]); image features [1,T,Dc] for a
 * BLIP-2 Q-Former, whose query-only pass gives {@code last_hidden_state} [1,Q,H]. The pass runs where the
 * model's weights are (move them with {@code model.to(device)}); the result stays on that device.
 */
public final class HfInference {
    private HfInference() {}

    public static Tensor image(Module model, HfFolder folder, Path input) {
        Tensor pixels = input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy") ? npy(input) : switch (model) {
            case VisionTransformer v -> ImageProcessor.of(folder, v.config().numChannels(), v.config().imageSize(),
                    ImageProcessor.HALF, ImageProcessor.HALF).load(input);
            case EfficientNet e -> ImageProcessor.of(folder, e.config().inChannels(), e.config().resolution(),
                    ImageProcessor.IMAGENET_MEAN, ImageProcessor.IMAGENET_STD).load(input);
            default -> throw new IllegalArgumentException(model.getClass().getSimpleName() + " takes text, not an image");
        };
        return forwardImage(model, pixels);
    }

    /**
     * The same pass on an already decoded grey image (row-major [height, width], values in [0, 1], e.g. a DICOM's display
     * image), resized and normalised as the folder's preprocessor says.
     */
    public static Tensor image(Module model, HfFolder folder, float[] grey, int height, int width) {
        Tensor pixels = switch (model) {
            case VisionTransformer v -> ImageProcessor.of(folder, v.config().numChannels(), v.config().imageSize(),
                    ImageProcessor.HALF, ImageProcessor.HALF).apply(new float[][] {grey}, height, width);
            case EfficientNet e -> ImageProcessor.of(folder, e.config().inChannels(), e.config().resolution(),
                    ImageProcessor.IMAGENET_MEAN, ImageProcessor.IMAGENET_STD).apply(new float[][] {grey}, height, width);
            default -> throw new IllegalArgumentException(model.getClass().getSimpleName() + " takes text, not an image");
        };
        return forwardImage(model, pixels);
    }

    private static Tensor forwardImage(Module model, Tensor pixels) {
        Var x = Var.of(pixels.to(deviceOf(model)));
        try (var g = GradMode.noGrad()) {
            return switch (model) {
                case VisionTransformer v -> v.forward(x).value();
                case EfficientNet e -> e.forward(x).value();
                default -> throw new IllegalArgumentException(model.getClass().getSimpleName() + " takes text, not an image");
            };
        }
    }

    /** Token ids of text with the folder's vocab.txt (and do_lower_case from tokenizer_config.json). */
    public static int[] tokenize(HfFolder folder, String text, int maxLength) {
        return WordPieceTokenizer.fromFolder(folder.dir()).encode(text, maxLength, false).ids();
    }

    public static Tensor text(BertEncoder bert, int[] ids) {
        try (var g = GradMode.noGrad()) {
            return bert.encode(ids, null, null, 1, ids.length).lastHiddenState().value();
        }
    }

    /**
     * The Q-Former's query-only pass over image features read from a .npy of [1,T,Dc] or [T,Dc] (Dc =
     * {@code encoder_hidden_size}): the query outputs [1,Q,H], as Hugging Face's {@code Blip2QFormerModel} returns them.
     */
    public static Tensor queryOutputs(QFormer qformer, Path features) {
        Tensor t;
        try {
            t = Npy.read(features);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + features + ": " + e.getMessage(), e);
        }
        int width = qformer.config().queries().imageWidth();
        if (t.dim() == 2) t = t.unsqueeze(0);
        if (t.dim() != 3 || t.size(0) != 1 || t.size(2) != width || t.size(1) == 0) {
            throw new IllegalArgumentException(features + " holds " + Shape.str(t.shape()) + ", expected image features [1,T," + width
                    + "] or [T," + width + "] (encoder_hidden_size " + width + ")");
        }
        try (var g = GradMode.noGrad()) {
            return qformer.queryPass(Var.of(t.to(deviceOf(qformer)))).hidden().value();
        }
    }

    /** Where the model's weights live (see Module.to): the input goes there too, and the output stays there. */
    private static Device deviceOf(Module model) {
        var params = model.parameters();
        return params.isEmpty() ? Device.CPU : params.get(0).value().device();
    }

    private static Tensor npy(Path file) {
        try {
            Tensor t = Npy.read(file);
            if (t.dim() != 4) throw new IllegalArgumentException(file + " holds " + Shape.str(t.shape()) + ", expected pixels [1,C,H,W]");
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
