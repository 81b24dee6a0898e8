package dev.elixr.tools;

import dev.elixr.autograd.io.Npy;
import dev.elixr.autograd.nn.Module;
import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.hf.HfFolder;
import dev.elixr.tasks.data.CxrImageFile;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.ImageReadException;
import dev.elixr.models.hf.HfInference;
import dev.elixr.models.hf.HfModels;
import dev.elixr.models.qformer.QFormer;
import dev.elixr.models.text.BertEncoder;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** {@code elixr forward}: one inference pass of a Hugging Face folder model (ViT, BERT, EfficientNet, BLIP-2 Q-Former). */
@Command(name = "forward", description = "Run a ViT, BERT, EfficientNet or BLIP-2 Q-Former folder (config.json + model.safetensors) on one input.")
final class ForwardCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "model folder (config.json, model.safetensors, vocab.txt for BERT)")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--input", description = "image: .npy float32 [1,C,H,W] (normalised), PNG/JPEG, or a DICOM file (its display image)")
        Path file;
        @Option(names = "--text", description = "text, tokenised with the folder's vocab.txt")
        String text;
        @Option(names = "--ids", split = ",", description = "token ids, comma-separated")
        int[] ids;
        @Option(names = "--image-features", description = "Q-Former: image features .npy float32 [1,T,encoder_hidden_size] or [T,…]; "
                + "writes the query outputs last_hidden_state [1,Q,H]")
        Path features;
    }

    @Option(names = "--output", description = "write the output as float32 .npy")
    Path output;

    @Mixin DeviceOption device = new DeviceOption();

    @Option(names = "--all-mismatches", description = "list every weight that does not fit, not only the first")
    boolean allMismatches;

    private GreyImage display;

    /** A DICOM input is decoded here (its display image: VOI LUT or window, MONOCHROME1 inverted), then preprocessed as the folder says. */
    private boolean dicom(Path file) {
        try {
            if (!CxrImageFile.isDicom(file)) return false;
            display = CxrImageFile.read(file, ImagePreprocessing.DISPLAY);
            return true;
        } catch (ImageReadException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        HfFolder folder = HfFolder.open(model);
        var target = device.open();
        Module m = HfModels.load(model, allMismatches).to(target);
        Tensor result;
        if (m instanceof QFormer qformer) {
            if (input.features == null) throw new IllegalArgumentException("a Q-Former takes --image-features FILE.npy");
            result = HfInference.queryOutputs(qformer, input.features);
        } else if (input.features != null) {
            throw new IllegalArgumentException("--image-features is for a BLIP-2 Q-Former (model_type blip_2_qformer)");
        } else if (m instanceof BertEncoder bert) {
            if (input.file != null) throw new IllegalArgumentException("a BERT model takes --text or --ids, not --input");
            int[] ids = input.ids != null ? input.ids : HfInference.tokenize(folder, input.text, bert.config().maxPositionEmbeddings());
            out.println("ids " + Arrays.toString(ids));
            result = HfInference.text(bert, ids);
        } else {
            if (input.file == null) throw new IllegalArgumentException("an image model takes --input FILE (.npy, PNG, JPEG or DICOM)");
            result = dicom(input.file) ? HfInference.image(m, folder, display.pixels(), display.height(), display.width())
                    : HfInference.image(m, folder, input.file);
        }
        result = result.toCpu();
        out.println("output " + Shape.str(result.shape()) + (target.equals(Device.CPU) ? "" : " (computed on " + target + ")"));
        float[] v = result.contiguous().toFloatArray();
        StringBuilder sb = new StringBuilder("first");
        for (int i = 0; i < Math.min(8, v.length); i++) sb.append(String.format(Locale.ROOT, " %.6f", v[i]));
        out.println(sb);
        if (output != null) {
            try {
                Npy.write(output, result);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
            }
            out.println("wrote " + output);
        }
    }
}
