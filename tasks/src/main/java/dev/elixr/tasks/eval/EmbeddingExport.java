package dev.elixr.tasks.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.autograd.io.Npy;
import dev.elixr.models.elixr.ElixrCConfigFile;
import dev.elixr.tasks.data.Csv;
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
 * {@code FILE.npy} [N, E] (little-endian, C order: {@code numpy.load} reads it), {@code FILE.ids.csv}
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
        if (!SPLITS.contains(split)) throw new IllegalArgumentException("embed: split '" + split + "' is not one of " + SPLITS);
        String name = out.getFileName().toString();
        if (!name.endsWith(".npy")) throw new IllegalArgumentException("embed: --out " + out + " must end with .npy");
        String base = name.substring(0, name.length() - 4);
        Path ids = out.resolveSibling(base + ".ids.csv"), prep = out.resolveSibling(base + ".preprocessing.json");
        ElixrCRun run = ElixrCRun.load(runDir);
        MimicCxrJpg.Contents contents = MimicCxrJpg.contents(data, data, true);
        List<CxrStudy> chosen = contents.studies().stream().filter(s -> split.equals("all") || s.split().equals(split)).toList();
        if (chosen.isEmpty()) throw new IllegalArgumentException("embed: no images in " + data + " for split '" + split + "'");
        List<CxrStudy> rows;
        float[][] emb;
        if (kind == Kind.IMAGE) {
            ImageBank bank = run.imagePipeline().load(chosen, log, split);
            rows = bank.studies();
            emb = run.embedImages(bank);
        } else {
            rows = chosen.stream().filter(s -> !contents.unusableReports().containsKey(s.studyId())).toList();
            SkippedItems skipped = new SkippedItems();
            for (String sp : SPLITS) if (!sp.equals("all") && (split.equals("all") || sp.equals(split))) contents.usable(sp, skipped);
            for (String line : skipped.lines()) log.println("elixr: " + line);  // reports that are missing, empty or binary are not embedded
            emb = run.embedTexts(rows.stream().map(s -> ReportText.findingsAndImpression(s.report())).toList());
        }
        int n = emb.length, e = run.model().config().embedDim();
        writeNpy(out, emb, e);
        StringBuilder csv = new StringBuilder("row,dicom_id,study_id,subject_id,split\n");
        for (int i = 0; i < n; i++) {
            CxrStudy s = rows.get(i);
            csv.append(i).append(',').append(Csv.quote(s.dicomId())).append(',').append(Csv.quote(s.studyId())).append(',')
                    .append(Csv.quote(s.subjectId())).append(',').append(Csv.quote(s.split())).append('\n');
        }
        Files.writeString(ids, csv);
        Files.writeString(prep, describe(run, data, split, kind, n, e, chosen.size() - n, commandLine));
        return new Written(out, ids, prep, n, e);
    }

    /** Rows of {@code dim} floats as a float32 [rows, dim] .npy, byte for byte what {@code numpy.save} writes. */
    static void writeNpy(Path out, float[][] rows, int dim) throws IOException {
        int n = rows.length;
        double[] flat = new double[n * dim];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != dim) throw new IllegalArgumentException("embed: row " + i + " has " + rows[i].length + " values, expected " + dim);
            for (int j = 0; j < dim; j++) flat[i * dim + j] = rows[i][j];
        }
        if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Npy.write(tmp, Npy.Type.FLOAT32, flat, n, dim);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String describe(ElixrCRun run, Path data, String split, Kind kind, int n, int e, int skipped, String commandLine)
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
        return m.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
