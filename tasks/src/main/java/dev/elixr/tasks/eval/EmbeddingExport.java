package dev.elixr.tasks.eval;

import dev.elixr.models.qformer.TextPooling;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.models.hf.HfConfigs;
import dev.elixr.tasks.train.ElixrBRun;
import dev.elixr.autograd.io.Npy;
import dev.elixr.models.elixr.ElixrCConfigFile;
import dev.elixr.tasks.data.Csv;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.SkippedItems;
import dev.elixr.tasks.train.ElixrCRun;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.train.Provenance;
import dev.elixr.tasks.train.ReportText;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code elixr embed}: the L2-normalised ELIXR-C embeddings of a split's images (or report texts) as a plain float32
 * {@code FILE.npy} [N, E] (of an ELIXR-B run: images [N, Q, P], one embedding per query; texts [N, P]) (little-endian, C order: {@code numpy.load} reads it), {@code FILE.ids.csv}
 * ({@code row,dicom_id,study_id,subject_id,split}, one line per row of the array) and {@code FILE.preprocessing.json}
 * (the preprocessing, model config, run and weights checksum that produced them), so embeddings never silently
 * depend on a preprocessing nobody wrote down.
 */
public final class EmbeddingExport {
    private EmbeddingExport() {}

    public enum Kind { IMAGE, TEXT }

    public static final List<String> SPLITS = List.of("test", "train", "validate", "all");

    public record Written(Path npy, Path ids, Path preprocessing, int rows, int dim) {}

    public static Written write(Path runDir, Path data, String split, Kind kind, Path out, String commandLine, PrintStream log)
            throws IOException {
        return write(runDir, data, CxrDataset.MIMIC, split, kind, out, commandLine, log);
    }

    /** The same for a data set in the given layout ({@link CxrDataset}). */
    public static Written write(Path runDir, Path data, CxrDataset dataset, String split, Kind kind, Path out, String commandLine,
                                PrintStream log) throws IOException {
        if (!SPLITS.contains(split)) throw new IllegalArgumentException("embed: split '" + split + "' is not one of " + SPLITS);
        String name = out.getFileName().toString();
        if (!name.endsWith(".npy")) throw new IllegalArgumentException("embed: --out " + out + " must end with .npy");
        String base = name.substring(0, name.length() - 4);
        Path ids = out.resolveSibling(base + ".ids.csv"), prep = out.resolveSibling(base + ".preprocessing.json");
        if (Files.exists(runDir.resolve(ElixrBRun.CONFIG))) return writeElixrB(runDir, data, dataset, split, kind, out, ids, prep, commandLine, log);
        ElixrCRun run = ElixrCRun.load(runDir);
        MimicCxrJpg.Contents contents = dataset.contents(data);
        List<CxrStudy> chosen = studies(contents, data, split);
        List<CxrStudy> rows;
        float[][] emb;
        if (kind == Kind.IMAGE) {
            ImageBank bank = run.imagePipeline().load(chosen, log, split);
            rows = bank.studies();
            emb = run.embedImages(bank);
        } else {
            rows = withUsableReports(contents, chosen, split, log);
            emb = run.embedTexts(reports(rows));
        }
        int n = emb.length, e = run.model().config().embedDim();
        writeNpy(out, emb, e);
        writeIds(ids, rows);
        ObjectNode root = describe(run, data, split, kind, n, e, chosen.size() - n, commandLine);
        root.put("dataset", dataset.key());
        writeJson(prep, root);
        return new Written(out, ids, prep, n, e);
    }

    /**
     * An ELIXR-B run: images as their Q L2-normalised query embeddings, float32 [N, Q, P] (an image is scored against a
     * text t by max_q cos(image[q], t), as the evaluations do); texts as [N, P] (the Q-Former's text pass pooled as the run was trained).
     */
    private static Written writeElixrB(Path runDir, Path data, CxrDataset dataset, String split, Kind kind, Path out, Path ids, Path prep,
                                       String commandLine, PrintStream log) throws IOException {
        ElixrBRun run = ElixrBRun.load(runDir, log);
        ElixrCRun imageRun = run.imageRun();
        MimicCxrJpg.Contents contents = dataset.contents(data);
        List<CxrStudy> chosen = studies(contents, data, split);
        int q = run.model().itcQueries(), p = run.spec().qformer().projectionWidth();  // the queries ITC reads (all, unless --itc-queries)
        List<CxrStudy> rows;
        float[][] emb;
        if (kind == Kind.IMAGE) {
            ImageBank bank = imageRun.imagePipeline().load(chosen, log, split);
            rows = bank.studies();
            emb = run.embedImages(bank);
        } else {
            rows = withUsableReports(contents, chosen, split, log);
            emb = run.embedTexts(reports(rows));
        }
        int n = emb.length, e = kind == Kind.IMAGE ? q * p : p;
        int[] shape = kind == Kind.IMAGE ? new int[] {n, q, p} : new int[] {n, p};
        writeNpy(out, emb, e, shape);
        writeIds(ids, rows);
        ObjectNode root = describe(imageRun, data, split, kind, n, e, chosen.size() - n, commandLine);
        root.put("dataset", dataset.key());
        ObjectMapper m = new ObjectMapper();
        root.put("model_kind", "elixr-b");
        ArrayNode s = root.putObject("npy").put("dtype", "float32").put("byte_order", "little-endian").put("order", "C").putArray("shape");
        for (int d : shape) s.add(d);
        root.put("dim", p);
        if (kind == Kind.IMAGE) {
            root.put("embedding", "frozen ELIXR-C image tower's spatial tokens, ln_vision, Q-Former query pass, vision_projection, "
                    + "L2 normalisation of each query (ELIXR-B stage 1)");
            root.put("queries", q);
            root.put("scoring", "an image against a text embedding t: max over its queries q of image[q]·t");
        } else {
            root.put("embedding", "Q-Former text pass (" + (run.model().textPooling() == TextPooling.CLS ? "[CLS]" : "mean of the word states")
                    + "), text_projection, L2 normalisation (ELIXR-B stage 1)");
            root.put("text_pooling", run.model().textPooling().key());
        }
        root.set("model", m.valueToTree(HfConfigs.qformerJson(run.spec().qformer())));
        root.put("run", run.dir().toAbsolutePath().normalize().toString());
        Path weights = run.dir().resolve(ElixrBRun.WEIGHTS);
        ObjectNode w = root.putObject("weights");
        w.put("file", weights.toAbsolutePath().normalize().toString());
        w.put("sha256", Provenance.sha256(weights));
        root.put("image_run", imageRun.dir().toAbsolutePath().normalize().toString());
        root.put("image_run_sha256", run.spec().imageRunSha256());
        writeJson(prep, root);
        return new Written(out, ids, prep, n, e);
    }

    private static List<CxrStudy> studies(MimicCxrJpg.Contents contents, Path data, String split) {
        List<CxrStudy> chosen = contents.studies().stream().filter(s -> split.equals("all") || s.split().equals(split)).toList();
        if (chosen.isEmpty()) throw new IllegalArgumentException("embed: no images in " + data + " for split '" + split + "'");
        return chosen;
    }

    /** The chosen studies whose report can be used; reports that are missing, empty or binary are named on the log, not embedded. */
    private static List<CxrStudy> withUsableReports(MimicCxrJpg.Contents contents, List<CxrStudy> chosen, String split, PrintStream log) {
        SkippedItems skipped = new SkippedItems();
        for (String sp : SPLITS) if (!sp.equals("all") && (split.equals("all") || sp.equals(split))) contents.usable(sp, skipped);
        for (String line : skipped.lines()) log.println("elixr: " + line);
        return chosen.stream().filter(s -> !contents.unusableReports().containsKey(s.studyId())).toList();
    }

    private static List<String> reports(List<CxrStudy> studies) {
        return studies.stream().map(s -> ReportText.findingsAndImpression(s.report())).toList();
    }

    private static void writeIds(Path ids, List<CxrStudy> rows) throws IOException {
        StringBuilder csv = new StringBuilder("row,dicom_id,study_id,subject_id,split\n");
        for (int i = 0; i < rows.size(); i++) {
            CxrStudy s = rows.get(i);
            csv.append(i).append(',').append(Csv.quote(s.dicomId())).append(',').append(Csv.quote(s.studyId())).append(',')
                    .append(Csv.quote(s.subjectId())).append(',').append(Csv.quote(s.split())).append('\n');
        }
        Files.writeString(ids, csv);
    }

    private static void writeJson(Path file, ObjectNode root) throws IOException {
        Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /** Rows of {@code dim} floats as a float32 [rows, dim] .npy, byte for byte what {@code numpy.save} writes. */
    static void writeNpy(Path out, float[][] rows, int dim) throws IOException {
        writeNpy(out, rows, dim, rows.length, dim);
    }

    /** Rows of {@code dim} floats as a float32 .npy of the given shape (its dimensions multiply to rows × dim). */
    static void writeNpy(Path out, float[][] rows, int dim, int... shape) throws IOException {
        int n = rows.length;
        double[] flat = new double[n * dim];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != dim) throw new IllegalArgumentException("embed: row " + i + " has " + rows[i].length + " values, expected " + dim);
            for (int j = 0; j < dim; j++) flat[i * dim + j] = rows[i][j];
        }
        if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Npy.write(tmp, Npy.Type.FLOAT32, flat, shape);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static ObjectNode describe(ElixrCRun run, Path data, String split, Kind kind, int n, int e, int skipped, String commandLine)
            throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("format", "elixr-embeddings/1");
        root.put("kind", kind.name().toLowerCase(Locale.ROOT));
        root.put("split", split);
        root.put("rows", n);
        root.put("dim", e);
        ObjectNode npy = root.putObject("npy");
        npy.put("dtype", "float32");
        npy.put("byte_order", "little-endian");
        npy.put("order", "C");
        npy.putArray("shape").add(n).add(e);
        root.put("l2_normalised", true);
        if (kind == Kind.IMAGE) {
            root.put("embedding", "image tower, projection to the shared space, L2 normalisation (ELIXR-C)");
            root.put("skipped_unreadable_images", skipped);
            root.set("preprocessing", m.valueToTree(run.model().config().image().preprocessing().describe()));
        } else {
            root.put("embedding", "text tower, projection to the shared space, L2 normalisation (ELIXR-C)");
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("text", "the report's FINDINGS and IMPRESSION (or its last paragraph when it has neither)");
            t.put("tokenizer", "WordPiece, lower-cased, the run's vocab.txt");
            t.put("max_tokens", run.model().config().text().maxTokens());
            t.put("vocab_sha256", Provenance.sha256(run.dir().resolve(ElixrCRun.VOCAB)));
            root.set("preprocessing", m.valueToTree(t));
        }
        root.set("model", ElixrCConfigFile.toJson(run.model().config()));
        root.put("run", run.dir().toAbsolutePath().normalize().toString());
        Path weights = run.dir().resolve(ElixrCRun.WEIGHTS);
        ObjectNode w = root.putObject("weights");
        w.put("file", weights.toAbsolutePath().normalize().toString());
        w.put("sha256", Provenance.sha256(weights));
        root.put("data", data.toAbsolutePath().normalize().toString());
        root.put("command", commandLine);
        root.set("versions", m.valueToTree(Provenance.versions()));
        root.put("created", Instant.now().toString());
        return root;
    }
}
