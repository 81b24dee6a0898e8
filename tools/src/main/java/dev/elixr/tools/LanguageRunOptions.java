package dev.elixr.tools;

import dev.elixr.tasks.language.Assistant;
import dev.elixr.tasks.language.ElixrB2Run;
import dev.elixr.tasks.data.ImageReadException;
import dev.elixr.tensor.Tensor;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The options shared by {@code ask}, {@code describe} and {@code check-report}: a stage-2 run, one image, a token budget. */
final class LanguageRunOptions {
    @Option(names = "--run", required = true, description = "a finished ELIXR-B stage-2 run (elixr train elixr-b --stage 2)") Path run;
    @Option(names = "--image", required = true, description = "the chest X-ray, PNG or JPEG") Path image;
    @Option(names = "--max-new-tokens", defaultValue = "64", description = "longest answer in tokens (default ${DEFAULT-VALUE})") int maxNewTokens;

    /** The assistant, the image's tower tokens and the run; a missing image is refused before the run is loaded. */
    record Opened(Assistant assistant, Tensor tower, ElixrB2Run run) {}

    Opened open() throws IOException {
        if (!Files.isRegularFile(image)) throw new ImageReadException(image, dev.elixr.models.image.ImageDecodeException.Problem.MISSING, "no such file", null);
        if (maxNewTokens < 1) throw new IllegalArgumentException("--max-new-tokens " + maxNewTokens + ": must be >= 1");
        ElixrB2Run r = ElixrB2Run.load(run, System.err);
        return new Opened(new Assistant(r), r.towerTokens(image), r);
    }
}
