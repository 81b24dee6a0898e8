package dev.elixr.models.hf;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Npy;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.models.vision.EfficientNet;
import dev.elixr.models.vision.VisionTransformer;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One inference pass of a loaded folder model, in no-grad mode: images (a .npy of normalised pixels [1,C,H,W], or a
 * PNG/JPEG preprocessed as the folder says) for ViT and EfficientNet, token ids for BERT. Returns the last hidden states
 * (ViT, BERT: [1,T,D]) or torchvision's {@code features} output (EfficientNet: [1,C,H,W]).
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
        try (var g = GradMode.noGrad()) {
            return switch (model) {
                case VisionTransformer v -> v.forward(Var.of(pixels)).value();
                case EfficientNet e -> e.forward(Var.of(pixels)).value();
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
