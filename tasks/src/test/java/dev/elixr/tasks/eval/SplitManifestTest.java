package dev.elixr.tasks.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Split manifests: round trip, refusals that name the file and the id, and identical data-efficient results on reuse. */
class SplitManifestTest {
    @TempDir Path dir;

    static SplitManifest dataEfficientManifest() {
        Map<String, List<String>> splits = new LinkedHashMap<>();
        splits.put("train", List.of("a", "b", "c", "d"));
        splits.put("test", List.of("x", "y"));
        var subsets = new SplitManifest.ProbeSubsets(DataEfficient.SAMPLING, Findings.DATA_EFFICIENT_5,
                List.of(new SplitManifest.Subset(0.5, 0, 77, List.of("b", "c")), new SplitManifest.Subset(0.5, 1, 78, List.of("a", "d")),
                        new SplitManifest.Subset(1.0, 0, 79, List.of("a", "b", "c", "d"))));
        return SplitManifest.of("data-efficient", Path.of("/data/set"), 42, splits, subsets);
    }

    @Test void roundTripIsEqual() throws Exception {
        SplitManifest m = dataEfficientManifest();
        Path f = dir.resolve("m.json");
        m.write(f);
        SplitManifest back = SplitManifest.read(f);
        assertEquals(m, back);
        assertEquals(List.of("train", "test"), List.copyOf(back.splits().keySet()));
        String json = Files.readString(f);
        assertTrue(json.contains("\"probe_subsets\"") && json.contains("\"dicom_ids\"") && json.contains("by patient"), json);
        SplitManifest zs = SplitManifest.of("zero-shot", Path.of("d"), 1, Map.of("test", List.of("x")), null);
        zs.write(f);
        assertEquals(zs, SplitManifest.read(f));
        assertFalse(Files.readString(f).contains("probe_subsets"));
    }

    @Test void refusesAManifestOfAnotherTask() throws Exception {
        Path f = dir.resolve("zs.json");
        SplitManifest.of("zero-shot", Path.of("d"), 1, Map.of("test", List.of("x")), null).write(f);
        var e = assertThrows(IllegalArgumentException.class, () -> SplitManifest.read(f).requireTask("search", f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("zero-shot") && e.getMessage().contains("search"), e.getMessage());
    }

    @Test void unknownIdIsRefusedWithTheIdAndTheFile() {
        Path f = dir.resolve("m.json");
        var e = assertThrows(IllegalArgumentException.class,
                () -> SplitManifest.resolve(List.of("a", "ghost-17", "b"), Map.of("a", 1, "b", 2), f, "/data/set"));
        assertTrue(e.getMessage().contains("'ghost-17'") && e.getMessage().contains(f.toString()) && e.getMessage().contains("/data/set"), e.getMessage());
        assertEquals(List.of(1, 2), SplitManifest.resolve(List.of("a", "b"), Map.of("a", 1, "b", 2), f, "d"));
    }

    @Test void malformedManifestsAreRefusedNamingTheFile() throws Exception {
        Path f = dir.resolve("bad.json");
        for (String[] c : new String[][] {
                {"{not json", "not valid"},
                {"{\"format\":\"other/2\",\"task\":\"search\",\"seed\":0,\"splits\":{\"test\":[\"a\"]}}", "format"},
                {"{\"format\":\"elixr-split-manifest/1\",\"task\":\"probing\",\"seed\":0,\"splits\":{\"test\":[\"a\"]}}", "task"},
                {"{\"format\":\"elixr-split-manifest/1\",\"task\":\"search\",\"seed\":0,\"splits\":{\"test\":[\"a\",\"a\"]}}", "twice"},
                {"{\"format\":\"elixr-split-manifest/1\",\"task\":\"data-efficient\",\"seed\":0,\"splits\":{\"train\":[\"a\"],\"test\":[\"b\"]}}", "probe_subsets"},
                {"{\"format\":\"elixr-split-manifest/1\",\"task\":\"data-efficient\",\"seed\":0,\"splits\":{\"train\":[\"a\"],\"test\":[\"b\"]},"
                        + "\"probe_subsets\":{\"sampling\":\"s\",\"subsets\":[{\"fraction\":1.0,\"repeat\":0,\"seed\":1,\"dicom_ids\":[\"b\"]}]}}", "not in its train split"}}) {
            Files.writeString(f, c[0]);
            var e = assertThrows(IllegalArgumentException.class, () -> SplitManifest.read(f), c[0]);
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains(c[1]), e.getMessage());
        }
        assertThrows(NoSuchFileException.class, () -> SplitManifest.read(dir.resolve("absent.json")));
    }

    /** Subsets written to a manifest and read back drive the probes to the same subsets and the same AUCs. */
    @Test void dataEfficientReuseGivesTheSameSubsetsAndMetrics() throws Exception {
        EmbeddedSplit train = EvalFixtures.split(120, 0.5, 21, -1), test = EvalFixtures.split(80, 0.5, 22, -1);
        var cfg = new DataEfficient.Config(Findings.DATA_EFFICIENT_5, new double[] {0.1, 0.5, 1.0}, 2, 13);
        List<DataEfficient.Subset> drawn = DataEfficient.sample(train, cfg);
        assertEquals(5, drawn.size());
        var sources = List.of(DataEfficientTest.frozen("ours", train, test));
        var first = DataEfficient.evaluate(train, test, sources, List.of(new LogisticProbe()), cfg, drawn, null);
        assertEquals(DataEfficient.evaluate(train, test, sources, List.of(new LogisticProbe()), cfg, null).runs(), first.runs());

        Path f = dir.resolve("de.json");
        SplitManifest.of("data-efficient", dir, cfg.seed(), Map.of("train", train.ids(), "test", test.ids()),
                ManifestSubsets.of(cfg, drawn, train)).write(f);
        SplitManifest m = SplitManifest.read(f).requireTask("data-efficient", f);
        List<DataEfficient.Subset> again = ManifestSubsets.rows(m, f, train);
        assertEquals(drawn.size(), again.size());
        for (int i = 0; i < drawn.size(); i++) {
            assertArrayEquals(drawn.get(i).rows(), again.get(i).rows());
            assertEquals(drawn.get(i).seed(), again.get(i).seed());
            assertEquals(drawn.get(i).fraction(), again.get(i).fraction());
            assertEquals(drawn.get(i).repeat(), again.get(i).repeat());
        }
        var cfg2 = ManifestSubsets.config(m, again);
        assertArrayEquals(cfg.fractions(), cfg2.fractions());
        assertEquals(cfg.repeats(), cfg2.repeats());
        assertEquals(cfg.seed(), cfg2.seed());
        var second = DataEfficient.evaluate(train, test, sources, List.of(new LogisticProbe()), cfg2, again, null);
        assertEquals(first.runs(), second.runs());
        assertEquals(first.scores(), second.scores());
        // subsets are whole patients
        for (DataEfficient.Subset s : drawn) {
            Set<String> patients = new HashSet<>();
            for (int r : s.rows()) patients.add(train.patients().get(r));
            for (int i = 0; i < train.size(); i++)
                if (patients.contains(train.patients().get(i))) assertTrue(Arrays.binarySearch(s.rows(), i) >= 0);
        }
    }
}
