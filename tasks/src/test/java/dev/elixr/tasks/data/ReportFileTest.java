package dev.elixr.tasks.data;

import dev.elixr.tasks.data.synth.SyntheticCxr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reports that cannot be used are named and counted by their problem, never read as empty text or fatal. */
class ReportFileTest {
    @TempDir Path dir;

    @Test void missingEmptyBinaryAndOversizedReportsAreUnusableWithTheirProblem() throws IOException {
        assertEquals(ReportFile.Problem.MISSING, ReportFile.read(dir.resolve("none.txt")).problem());
        assertEquals(ReportFile.Problem.EMPTY, ReportFile.read(write("empty.txt", new byte[0])).problem());
        assertEquals(ReportFile.Problem.EMPTY, ReportFile.read(write("blank.txt", " \n\t\r\n".getBytes(StandardCharsets.UTF_8))).problem());
        assertEquals(ReportFile.Problem.BINARY, ReportFile.read(write("binary.txt", new byte[] {'O', 'K', (byte) 0xC3, 0x28, (byte) 0xFF})).problem());
        assertEquals(ReportFile.Problem.BINARY, ReportFile.read(write("nul.txt", "FINDINGS:\0\0 clear".getBytes(StandardCharsets.UTF_8))).problem());
        assertEquals(ReportFile.Problem.TOO_LARGE, ReportFile.read(write("huge.txt", new byte[ReportFile.MAX_BYTES + 1])).problem());
        Files.createDirectories(dir.resolve("folder.txt"));
        assertEquals(ReportFile.Problem.UNREADABLE, ReportFile.read(dir.resolve("folder.txt")).problem());
    }

    @Test void aUtf8ReportIsReadWithoutItsByteOrderMark() throws IOException {
        ReportFile.Report r = ReportFile.read(write("ok.txt", "\uFEFFFINDINGS: Herz normal groß.".getBytes(StandardCharsets.UTF_8)));
        assertTrue(r.usable());
        assertEquals("FINDINGS: Herz normal groß.", r.text());
    }

    @Test void aDataSetSkipsTheStudiesOfUnusableReportsAndCountsThemPerSplit() throws IOException {
        Path data = dir.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(20, 4).withSize(32).withThreads(1).withProgress(false));
        List<CxrStudy> all = MimicCxrJpg.read(data);
        List<CxrStudy> train = all.stream().filter(s -> s.split().equals("train")).toList();
        Path missing = report(data, train.get(0)), empty = report(data, train.get(1)), binary = report(data, train.get(2));
        Files.delete(missing);
        Files.write(empty, new byte[0]);
        Files.write(binary, new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1, 2});

        MimicCxrJpg.Contents c = MimicCxrJpg.contents(data, data, true);
        assertEquals(all.size(), c.studies().size(), "every image is still listed");
        assertEquals(3, c.unusableReports().size());
        SkippedItems skipped = new SkippedItems();
        List<CxrStudy> usable = c.usable("train", skipped);
        assertEquals(train.size() - 3, usable.size());
        assertEquals(1, skipped.count("train", SkippedItems.REPORTS, "missing"));
        assertEquals(1, skipped.count("train", SkippedItems.REPORTS, "empty"));
        assertEquals(1, skipped.count("train", SkippedItems.REPORTS, "binary"));
        assertEquals(3, skipped.count("train", SkippedItems.IMAGES, SkippedItems.NO_USABLE_REPORT));
        String line = String.join("\n", skipped.lines());
        for (Path p : List.of(missing, empty, binary)) assertTrue(line.contains(p.toString()), line);
        assertTrue(usable.stream().noneMatch(s -> s.report().isBlank()), "no study is trained on empty text");
    }

    @Test void aTableIdThatIsAPathIsRefusedNamingFileRowAndColumn() throws IOException {
        Path data = dir.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(4, 4).withSize(32).withThreads(1).withProgress(false));
        Csv split = Csv.read(data.resolve(MimicCxrJpg.SPLIT));
        String firstSubject = split.get(0, "subject_id");
        byte[] text = new String(new java.util.zip.GZIPInputStream(Files.newInputStream(data.resolve(MimicCxrJpg.SPLIT))).readAllBytes(),
                StandardCharsets.UTF_8).replaceFirst(firstSubject, "../../etc").getBytes(StandardCharsets.UTF_8);
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(data.resolve(MimicCxrJpg.SPLIT)))) { out.write(text); }
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> MimicCxrJpg.read(data));
        assertTrue(e.getMessage().contains(data.resolve(MimicCxrJpg.SPLIT) + ": row 2 column 'subject_id'"), e.getMessage());
    }

    @Test void skippedItemsNameTheFirstFiveAndCountTheRest() {
        SkippedItems s = new SkippedItems();
        for (int i = 0; i < 7; i++) s.add("test", SkippedItems.IMAGES, "missing", Path.of("img" + i + ".jpg"));
        var e = s.toJson().get("test").get(SkippedItems.IMAGES).get("missing");
        assertEquals(7, e.count());
        assertEquals(SkippedItems.NAMED, e.first().size());
        assertEquals("skipped in test: 7 images (7 missing: img0.jpg, img1.jpg, img2.jpg, img3.jpg, img4.jpg, ...)", s.lines().getFirst());
        assertFalse(s.isEmpty());
        assertEquals(7, new SkippedItems().addAll(s).total("test", SkippedItems.IMAGES));
    }

    @Test void aSplitWithFewerThanHalfItsImagesUsableIsRefusedWithTheCounts() {
        SkippedItems s = new SkippedItems();
        for (int i = 0; i < 6; i++) s.add("train", SkippedItems.REPORTS, "missing", Path.of("r" + i));
        DataSufficiency.require(Path.of("d"), "train", "training", 10, 5, s);  // half: allowed
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DataSufficiency.require(Path.of("d"), "train", "training", 10, 4, s));
        assertEquals("too few usable training images in d: 4 of 10 (6 reports missing); at least half and at least 2 are needed: "
                + "fix or restore the files named above", e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DataSufficiency.require(Path.of("d"), "train", "training", 2, 1, new SkippedItems()));
    }

    private Path write(String name, byte[] b) throws IOException {
        return Files.write(dir.resolve(name), b);
    }

    private static Path report(Path data, CxrStudy s) {
        return data.resolve("files").resolve("p" + s.subjectId().substring(0, 2)).resolve("p" + s.subjectId()).resolve("s" + s.studyId() + ".txt");
    }
}
