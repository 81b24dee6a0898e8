package dev.elixr.tasks.data;

import dev.elixr.tasks.data.synth.SyntheticCxr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 12,000 seeded mutations of the MIMIC-CXR-JPG tables of a small synthetic data set (split, CheXpert labels, metadata,
 * synthetic attributes): half mutate the CSV text and gzip it again (the parser and the row checks), half mutate the
 * .csv.gz bytes themselves (the gzip layer). Each mutated table is read from memory ({@link Csv#read(InputStream, Path)})
 * and assembled with the other, intact tables into studies as {@link MimicCxrJpg#contents} does: the result is a
 * consistent list of studies, or an IOException or IllegalArgumentException whose message names the mutated file.
 * Any other exception or error, or an input over 20 s, fails the test.
 */
class CsvFuzzTest {
    static final int INPUTS = 12_000;
    static final long SEED = 0xC5F0L;
    static final List<String> TABLES = List.of(MimicCxrJpg.SPLIT, MimicCxrJpg.CHEXPERT, MimicCxrJpg.METADATA, MimicCxrJpg.ATTRIBUTES);

    @TempDir static Path dir;
    static final Map<String, byte[]> gz = new LinkedHashMap<>(), text = new LinkedHashMap<>();

    @BeforeAll static void tables() throws IOException {
        SyntheticCxr.generate(dir, SyntheticCxr.Options.of(12, 5).withSize(32).withThreads(1).withProgress(false));
        for (String t : TABLES) {
            gz.put(t, Files.readAllBytes(dir.resolve(t)));
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.get(t)))) { text.put(t, in.readAllBytes()); }
        }
    }

    @Test
    void everyMutatedTableIsReadOrRefusedNamingTheFile() {
        ReportFile.Report report = ReportFile.decode("FINDINGS: clear lungs.\nIMPRESSION: normal.".getBytes(StandardCharsets.UTF_8), Path.of("r.txt"));
        var outcome = Fuzz.run(INPUTS, 20, i -> {
            SplittableRandom rnd = new SplittableRandom(SEED + i);
            String table = TABLES.get(rnd.nextInt(TABLES.size()));
            boolean raw = rnd.nextBoolean();
            String how = Fuzz.MUTATIONS[rnd.nextInt(Fuzz.MUTATIONS.length)];
            byte[] bytes = raw ? Fuzz.mutate(gz.get(table), how, 0, rnd) : gzip(Fuzz.mutate(text.get(table), how, 0, rnd));
            Path name = dir.resolve("fuzz-" + i + "-" + (raw ? "gz-" : "text-") + how + "-" + table);
            Map<String, Csv> tables = new LinkedHashMap<>();
            try {
                for (String t : TABLES) tables.put(t, t.equals(table) ? Csv.read(new ByteArrayInputStream(bytes), name) : intact(t));
                var contents = MimicCxrJpg.assemble(dir, tables.get(MimicCxrJpg.SPLIT), tables.get(MimicCxrJpg.CHEXPERT),
                        tables.get(MimicCxrJpg.METADATA), tables.get(MimicCxrJpg.ATTRIBUTES), true, p -> report);
                for (CxrStudy s : contents.studies()) {
                    assertTrue(s.image().startsWith(dir.resolve("files")), name + ": image outside files/: " + s.image());
                    for (float v : s.labels()) assertTrue(Float.isNaN(v) || v == 1 || v == 0 || v == -1, name + ": label " + v);
                }
                return true;
            } catch (IOException | IllegalArgumentException e) {
                assertTrue(e.getMessage() != null && e.getMessage().contains(name.toString()), "does not name " + name + ": " + e);
                return false;
            }
        });
        assertEquals(INPUTS, outcome.accepted() + outcome.refused());
        assertTrue(outcome.accepted() > 1000 && outcome.refused() > 1000, outcome + ": the mutations should reach both outcomes");
    }

    private static Csv intact(String table) {
        try {
            return Csv.read(new ByteArrayInputStream(gz.get(table)), dir.resolve(table));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
