package dev.elixr.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.io.Checkpoint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Careless and hostile data, evaluation options and output places (issue 16), through {@code elixr} as a user runs it:
 * unusable reports and images are skipped, named and counted (in run.json / metrics.json and on stderr) or, when too
 * few usable ones remain, refused before the run directory exists; bad evaluation options and prompt files are refused
 * naming the option or file; a full disk or a read-only output names the file and the reason in one line.
 */
class HostileDataInputTest {
    @TempDir static Path dir;
    static Path data, run;
    static final ObjectMapper JSON = new ObjectMapper();

    record Result(int code, String err) {}

    static Result elixr(String... args) {
        PrintStream out = System.out, err = System.err;
        StringWriter errText = new StringWriter();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            var cli = Elixr.commandLine();
            cli.setErr(new PrintWriter(errText, true));
            int code = cli.execute(args);
            return new Result(code, log.toString(StandardCharsets.UTF_8) + errText);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static Path synth(String name) {
        Path d = dir.resolve(name);
        assertEquals(0, elixr("data", "synth", "--out", d.toString(), "--studies", "60", "--size", "32", "--seed", "2", "--no-progress").code());
        return d;
    }

    static Result train(Path data, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "elixr-c", "--data", data.toString(), "--out", out.toString(),
                "--image-size", "32", "--epochs", "1", "--batch", "8"));
        args.addAll(List.of(more));
        return elixr(args.toArray(String[]::new));
    }

    /** Exit 1, one last line starting "elixr: " naming each of {@code named}, no stack trace. */
    static String assertRefused(Result r, String... named) {
        assertEquals(1, r.code(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("elixr: "), r.err());
        for (String n : named) assertTrue(last.contains(n), "'" + n + "' not named in: " + last);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        return last;
    }

    @BeforeAll static void dataAndRun() {
        data = synth("data");
        run = dir.resolve("run");
        assertEquals(0, train(data, run).code());
    }

    static List<Path> files(Path root, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(root.resolve("files"))) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test void allReportsMissingIsRefusedWithTheCountsBeforeTheRunDirectoryExists() throws IOException {
        Path d = synth("no-reports");
        for (Path p : files(d, ".txt")) Files.delete(p);
        Path out = dir.resolve("no-reports-run");
        String line = assertRefused(train(d, out), "too few usable training images in " + d, "reports missing");
        assertTrue(line.matches("elixr: too few usable training images in .*: 0 of \\d+ \\(\\d+ reports missing, \\d+ images without a usable report\\).*"), line);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test void allImagesMissingIsRefusedWithTheCountsBeforeTheRunDirectoryExists() throws IOException {
        Path d = synth("no-images");
        for (Path p : files(d, ".jpg")) Files.delete(p);
        for (Path p : files(d, ".png")) Files.delete(p);
        Path out = dir.resolve("no-images-run");
        assertRefused(train(d, out), "too few usable training images in " + d, "images missing");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test void anEmptyAndABinaryReportAreSkippedNamedAndCountedInRunJson() throws IOException {
        Path d = synth("bad-reports");
        List<Path> reports = trainReports(d);
        Path empty = reports.get(0), binary = reports.get(1);
        Files.write(empty, new byte[0]);
        Files.write(binary, new byte[] {(byte) 0xC3, 0x28, 0, (byte) 0xFF, 'x'});
        Path out = dir.resolve("bad-reports-run");
        Result r = train(d, out);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("elixr: skipped in train: 2 reports (1 empty: " + empty + "; 1 binary: " + binary + ")"), r.err());
        JsonNode skipped = JSON.readTree(out.resolve("run.json").toFile()).get("skipped");
        assertEquals(1, skipped.at("/train/reports/empty/count").asInt(), skipped.toString());
        assertEquals(binary.toString(), skipped.at("/train/reports/binary/first/0").asText(), skipped.toString());
        assertEquals(2, skipped.at("/train/images/no_usable_report/count").asInt(), skipped.toString());
        assertEquals(skipped, JSON.readTree(out.resolve("run.json").toFile()).at("/sessions/0/skipped"));
    }

    /** The reports of the training split's studies, as the split file lists them. */
    static List<Path> trainReports(Path d) throws IOException {
        List<Path> out = new ArrayList<>();
        for (var s : dev.elixr.tasks.data.MimicCxrJpg.read(d))
            if (s.split().equals("train"))
                out.add(s.image().getParent().resolveSibling("s" + s.studyId() + ".txt"));
        return out.stream().distinct().toList();
    }

    /** A PNG of about a kilobyte whose header declares width × height grey pixels (a decompression bomb when decoded). */
    static byte[] pngDeclaring(int width, int height) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height).put(new byte[] {8, 0, 0, 0, 0});
        chunk(out, "IHDR", ihdr.array());
        java.util.zip.Deflater d = new java.util.zip.Deflater(9);
        d.setInput(new byte[1 << 20]);
        d.finish();
        byte[] buf = new byte[1 << 20];
        chunk(out, "IDAT", java.util.Arrays.copyOf(buf, d.deflate(buf)));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.io.DataOutputStream o = new java.io.DataOutputStream(out);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        o.writeInt(data.length);
        o.write(t);
        o.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        o.writeInt((int) crc.getValue());
    }

    @Test void aDecompressionBombInTheDataSetIsSkippedAndCountedAsTooLarge() throws IOException {
        Path d = synth("bomb");
        var train = dev.elixr.tasks.data.MimicCxrJpg.read(d).stream().filter(s -> s.split().equals("train")).toList();
        Path bomb = train.getFirst().image();
        Files.write(bomb, pngDeclaring(40_000, 40_000));
        Path out = dir.resolve("bomb-run");
        Result r = train(d, out);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("cannot read image " + bomb + ": header declares 40000x40000"), r.err());
        JsonNode skipped = JSON.readTree(out.resolve("run.json").toFile()).get("skipped");
        assertEquals(1, skipped.at("/train/images/too_large/count").asInt(), skipped.toString());
        assertEquals(bomb.toString(), skipped.at("/train/images/too_large/first/0").asText());
    }

    @Test void forwardRefusesADecompressionBombAndATruncatedJpegInOneLine() throws IOException {
        Path model = Path.of("..", "models", "src", "test", "resources", "fixtures", "vit");
        Path bomb = Files.write(dir.resolve("bomb.png"), pngDeclaring(40_000, 40_000));
        assertRefused(elixr("forward", "--model", model.toString(), "--input", bomb.toString()),
                "cannot read image " + bomb + ": header declares 40000x40000");
        byte[] jpeg = dev.elixr.tasks.data.CxrImageCodec.encodeJpeg(dev.elixr.tasks.data.CxrImageCodec.toGrey8(
                dev.elixr.tasks.data.CxrImageCodec.read(dev.elixr.tasks.data.MimicCxrJpg.read(data).getFirst().image())), 0.9f);
        Path half = Files.write(dir.resolve("half.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        assertRefused(elixr("forward", "--model", model.toString(), "--input", half.toString()),
                "cannot read image " + half + ": corrupt or truncated");
    }

    @Test void aMissingTestImageIsCountedInTheEvaluationsMetricsJson() throws IOException {
        Path d = synth("eval-missing-image");
        var test = dev.elixr.tasks.data.MimicCxrJpg.read(d).stream().filter(s -> s.split().equals("test")).toList();
        Files.delete(test.getFirst().image());
        Result r = elixr("eval", "zero-shot", "--run", run.toString(), "--data", d.toString(), "--bootstrap", "10");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("elixr: zero-shot: skipped in test: 1 images (1 missing: " + test.getFirst().image() + ")"), r.err());
        JsonNode m = JSON.readTree(run.resolve("eval/zero-shot/metrics.json").toFile());
        assertEquals(1, m.at("/skipped/test/images/missing/count").asInt(), m.toString());
    }

    @Test void allTestImagesMissingIsRefusedByTheEvaluation() throws IOException {
        Path d = synth("eval-no-images");
        for (var s : dev.elixr.tasks.data.MimicCxrJpg.read(d)) if (s.split().equals("test")) Files.deleteIfExists(s.image());
        assertRefused(elixr("eval", "search", "--run", run.toString(), "--data", d.toString()), "too few usable test images in " + d);
    }

    @ParameterizedTest(name = "eval {0} {1} {2}")
    @CsvSource({"zero-shot, --bootstrap, -1, '--bootstrap -1: must be in [0, 10000]'",
            "zero-shot, --bootstrap, 1000000000, '--bootstrap 1000000000: must be in [0, 10000]'",
            "search, -k, 0, '-k 0: must be in [1, 1000]'",
            "data-efficient, --fractions, 0, '--fractions 0.0: each fraction'",
            "data-efficient, --repeats, 0, '--repeats 0: must be in [1, 100]'",
            "data-efficient, --mlp-steps, 0, '--mlp-steps 0: must be in [1, 1000000]'",
            "data-efficient, --baseline-epochs, -1, '--baseline-epochs -1: must be in [1, 1000]'"})
    void aBadEvaluationNumberIsRefusedNamingTheOptionAndItsRange(String task, String option, String value, String message) {
        Path evalDir = run.resolve("eval").resolve(task + "-refused");
        assertRefused(elixr("eval", task, "--run", run.toString(), "--data", data.toString(), option, value), message);
        assertFalse(Files.exists(evalDir));
    }

    @Test void badPromptFilesAreRefusedNamingTheFileAndTheLineOrFinding() throws IOException {
        Path none = dir.resolve("no-prompts.json");
        assertRefused(zeroShot(none), "--prompts " + none + ": no such file");
        Path empty = Files.writeString(dir.resolve("empty-prompts.json"), "");
        assertRefused(zeroShot(empty), "--prompts " + empty + ": the file is empty");
        Path broken = Files.writeString(dir.resolve("broken-prompts.json"), "{\"findings\": {\n\"Edema\": [\n");
        assertRefused(zeroShot(broken), "--prompts " + broken + ": line ", "not valid JSON");
        Path noPrompt = Files.writeString(dir.resolve("no-prompt.json"), "{\"findings\": {\"Edema\": {\"positive\": [\"edema\"]}}}");
        assertRefused(zeroShot(noPrompt), "--prompts " + noPrompt + ": finding 'Edema' has no negative prompt");
    }

    private static Result zeroShot(Path prompts) {
        return elixr("eval", "zero-shot", "--run", run.toString(), "--data", data.toString(), "--prompts", prompts.toString());
    }

    @Test void aReadOnlyOutputDirectoryIsOneLineNamingThePathAndTheReason() throws Exception {
        Path parent = dir.resolve("read-only");
        Files.createDirectories(parent);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) mountOrSkip(parent, "size=64k,ro");
        else assertTrue(parent.toFile().setWritable(false, false));
        try {
            Path out = parent.resolve("run");
            assertRefused(train(data, out), out.toString(), root ? "Read-only file system" : "permission denied");
        } finally {
            if (root) unmount(parent);
            else parent.toFile().setWritable(true, true);
        }
    }

    @Test void aDirectoryNotWritableByANonRootUserIsOneLineNamingThePathAndPermissionDenied() throws Exception {
        Path parent = dir.resolve("not-writable");
        Files.createDirectories(parent);
        Path out = parent.resolve("R");
        if (!"root".equals(System.getProperty("user.name"))) {  // this user cannot write there: run in-process
            assertTrue(parent.toFile().setWritable(false, false));
            try {
                assertRefused(train(data, out), "elixr: " + out + ": permission denied");
            } finally {
                parent.toFile().setWritable(true, true);
            }
            return;
        }
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "no setpriv to run elixr as a non-root user");
        for (Path p : List.of(dir, parent, dir.resolve("class-path"))) Files.createDirectories(p);
        for (Path p : List.of(dir, parent, dir.resolve("class-path"))) Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        String cp = readableClassPath(dir.resolve("class-path"));
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules", "jdk.incubator.vector",
                "-cp", cp, Elixr.class.getName(), "train", "elixr-c", "--data", data.toString(), "--out", out.toString(),
                "--image-size", "32", "--epochs", "1", "--batch", "8").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertRefused(new Result(p.waitFor(), text.lines().filter(l -> !l.startsWith("WARNING: Using incubator")).reduce("", (a, b) -> a + b + "\n")),
                "elixr: " + out + ": permission denied");
        assertFalse(Files.exists(out));
    }

    /** This JVM's class path with its jars copied where any user may read them (a local Maven repository may be private). */
    static String readableClassPath(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<String> out = new ArrayList<>();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        int i = 0;
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                Path copy = folder.resolve((i++) + "-" + p.getFileName());
                Files.copy(p, copy);
                out.add(copy.toString());
            } else out.add(entry);
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    @Test void aFullDiskNamesTheCheckpointAndKeepsThePreviousOne() throws Exception {
        long size;
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            size = s.filter(p -> p.toString().endsWith(".ckpt")).findFirst().orElseThrow().toFile().length();
        }
        Path small = dir.resolve("small-disk");
        Files.createDirectories(small);
        mountOrSkip(small, "size=" + (size + size / 4 + 64 * 1024));  // the run's small files and one checkpoint, not two
        try {
            Path out = small.resolve("run");
            Path first = out.resolve("checkpoints/step-000000001.ckpt"), second = out.resolve("checkpoints/step-000000002.ckpt");
            String line = assertRefused(train(data, out, "--checkpoint-every", "1", "--stop-after", "3"),
                    "cannot write checkpoint " + second + ": No space left on device", "the previous checkpoint " + first + " is intact");
            assertTrue(line.startsWith("elixr: cannot write checkpoint"), line);
            assertEquals(1, Checkpoint.load(first).step(), "the previous checkpoint loads (its SHA-256 seal is verified)");
            assertFalse(Files.exists(second));
        } finally {
            unmount(small);
        }
    }

    static void mountOrSkip(Path at, String options) throws Exception {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0, "cannot mount a tmpfs here (needs root and mount rights): " + out.strip());
    }

    static void unmount(Path at) throws Exception {
        new ProcessBuilder("umount", "-l", at.toString()).inheritIO().start().waitFor();
    }
}
