package dev.elixr.tasks.train;

import dev.elixr.autograd.GradMode;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The frozen ELIXR-C image tower's spatial tokens of one split, computed once and kept in
 * {@code RUN_B/features-<split>.safetensors} (tensor {@code tokens} [n,T,C]; metadata: the image ids in order, the
 * SHA-256 of the image run's {@code model.safetensors} and its preprocessing). The tower never changes during ELIXR-B
 * training (Xu et al. 2023, §2.2), so a later session reuses the file; a different image run, preprocessing or image
 * list recomputes it. A split's tokens are held in memory as one float array (fine for the demo's thousands of images;
 * MIMIC-CXR at the paper's 8×8×1376 would need them streamed from the file instead).
 */
public final class ImageTokenCache {
    static final String TOKENS = "tokens", KEPT = "kept_ids";

    /** The tokens [n,T,C] of a split's readable images in study order (ids: their dicom ids; unreadable images are left
     *  out as {@link dev.elixr.tasks.data.ImagePipeline#load} leaves them out), and whether they came from the cache file. */
    public record Tokens(float[] values, int count, int tokens, int width, List<String> ids, boolean reused) {
        /** The given rows as a batch [rows,T,C]. */
        public Tensor batch(int[] rows) {
            int per = tokens * width;
            float[] out = new float[rows.length * per];
            for (int i = 0; i < rows.length; i++) System.arraycopy(values, rows[i] * per, out, i * per, per);
            return Tensor.wrap(out, rows.length, tokens, width);
        }
    }

    private ImageTokenCache() {}

    /** The cache file of a split. */
    public static Path file(Path runB, String split) { return runB.resolve("features-" + split + ".safetensors"); }

    /** The split's tokens: from the cache when it was made by the same image run for the same images, else computed and written. */
    public static Tokens load(Path runB, String split, ElixrCRun imageRun, String imageRunDigest, List<CxrStudy> studies,
                              PrintStream log) throws IOException {
        List<String> ids = studies.stream().map(CxrStudy::dicomId).toList();
        Map<String, String> meta = metadata(imageRun, imageRunDigest, ids);
        Path file = file(runB, split);
        Tokens cached = read(file, meta, log);
        if (cached != null) {
            log.printf("elixr: %s image tokens [%d,%d,%d] reused from %s%n", split, cached.count(), cached.tokens(), cached.width(), file);
            return cached;
        }
        if (studies.isEmpty()) return new Tokens(new float[0], 0, 0, 0, ids, false);
        Tokens computed = compute(imageRun, studies, split, log);
        Files.createDirectories(runB);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        meta.put(KEPT, String.join("\n", computed.ids()));
        Safetensors.write(tmp, Map.of(TOKENS, Tensor.wrap(computed.values(), computed.count(), computed.tokens(), computed.width())), meta);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.printf("elixr: %s image tokens [%d,%d,%d] computed once and cached in %s%n", split, computed.count(), computed.tokens(),
                computed.width(), file);
        return computed;
    }

    /**
     * The split's tokens when {@code runB} holds a cache made by the same image run for the same images, else null
     * (and why, in the log); never computes or writes (a later stage reads an earlier run's cache this way).
     */
    public static Tokens cached(Path runB, String split, ElixrCRun imageRun, String imageRunDigest, List<CxrStudy> studies, PrintStream log) {
        return read(file(runB, split), metadata(imageRun, imageRunDigest, studies.stream().map(CxrStudy::dicomId).toList()), log);
    }

    private static Map<String, String> metadata(ElixrCRun imageRun, String imageRunDigest, List<String> ids) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("image_ids", String.join("\n", ids));
        meta.put("image_run_sha256", imageRunDigest);
        meta.put("preprocessing", imageRun.model().config().image().preprocessing().toString());
        return meta;
    }

    /** The cached tokens when the file exists and its metadata matches; null (and why, in the log) otherwise. */
    static Tokens read(Path file, Map<String, String> expected, PrintStream log) {
        if (!Files.exists(file)) return null;
        Safetensors.Contents c;
        try {
            c = Safetensors.open(file);
        } catch (IOException | RuntimeException e) {
            log.println("elixr: image token cache " + file + " is unreadable (" + e.getMessage() + "); recomputing");
            return null;
        }
        for (var e : expected.entrySet()) {
            if (!e.getValue().equals(c.metadata().get(e.getKey()))) {
                log.println("elixr: image token cache " + file + " was made for another " + e.getKey().replace('_', ' ') + "; recomputing");
                return null;
            }
        }
        String kept = c.metadata().get(KEPT);
        List<String> ids = kept == null || kept.isEmpty() ? List.of() : List.of(kept.split("\n", -1));
        Tensor t = c.tensors().get(TOKENS);
        if (t == null || t.dim() != 3 || t.size(0) != ids.size()) {
            log.println("elixr: image token cache " + file + " has no tensor '" + TOKENS + "' [" + ids.size() + ",T,C]; recomputing");
            return null;
        }
        return new Tokens(t.contiguous().toFloatArray(), t.size(0), t.size(1), t.size(2), ids, true);
    }

    /** Decodes the images through the image run's pipeline and runs its tower in eval mode, without a graph. */
    static Tokens compute(ElixrCRun imageRun, List<CxrStudy> studies, String split, PrintStream log) {
        ImageBank bank = imageRun.imagePipeline().load(studies, log, split);
        var tower = imageRun.model().imageEncoder();
        imageRun.model().eval();
        float[] values = null;
        int t = 0, w = 0, b = 32;
        try (var g = GradMode.noGrad()) {
            for (int s = 0; s < bank.count(); s += b) {
                int[] rows = IntStream.range(s, Math.min(bank.count(), s + b)).toArray();
                Tensor tokens = tower.spatialTokens(Var.of(bank.batch(rows, null))).value().contiguous();
                if (values == null) {
                    t = tokens.size(1);
                    w = tokens.size(2);
                    values = new float[bank.count() * t * w];
                }
                System.arraycopy(tokens.toFloatArray(), 0, values, s * t * w, rows.length * t * w);
            }
        }
        if (values == null) throw new IllegalArgumentException("no readable " + split + " image among " + studies.size());
        return new Tokens(values, bank.count(), t, w, bank.studies().stream().map(CxrStudy::dicomId).toList(), false);
    }
}
