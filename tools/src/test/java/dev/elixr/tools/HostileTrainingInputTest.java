package dev.elixr.tools;

import dev.elixr.tasks.train.RunLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
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
 * Careless and hostile input to {@code elixr train elixr-c} (issue 16): each case exits 1 with one {@code elixr:} line
 * that names the option or file, and writes nothing it should not.
 */
class HostileTrainingInputTest {
    @TempDir static Path dir;
    static Path data;

    @BeforeAll static void data() {
        data = dir.resolve("data");
        assertEquals(0, run("data", "synth", "--out", data.toString(), "--studies", "60", "--size", "32", "--seed", "2",
                "--no-progress").code);
    }

    record Result(int code, String err) {}

    static Result run(String... args) {
        PrintStream out = System.out, err = System.err;
        StringWriter errText = new StringWriter();
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            System.setErr(new PrintStream(new ByteArrayOutputStream()));
            var cli = Elixr.commandLine();
            cli.setErr(new PrintWriter(errText, true));
            return new Result(cli.execute(args), errText.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** train elixr-c at 32 px, 1 epoch, batch 8, unless {@code more} sets those options itself. */
    static Result train(Path out, String... more) {
        List<String> given = List.of(more);
        List<String> args = new ArrayList<>(List.of("train", "elixr-c", "--data", data.toString(), "--out", out.toString()));
        String[][] defaults = {{"--image-size", "32"}, {"--epochs", "1"}, {"--batch", "8"}};
        for (String[] d : defaults) if (!given.contains(d[0])) args.addAll(List.of(d));
        args.addAll(given);
        return run(args.toArray(String[]::new));
    }

    static void assertRefused(Result r, String... named) {
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("elixr: "), r.err());
        for (String n : named) assertTrue(r.err().contains(n), "'" + n + "' not named in: " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"--grad-clip, -1", "--grad-clip, 0", "--grad-clip, NaN", "--lr, 0", "--lr, Infinity", "--weight-decay, -0.1",
            "--warmup, 1.5", "--epochs, 0", "--batch, 1", "--image-size, 1", "--image-size, 0", "--image-size, 100000",
            "--checkpoint-every, -5"})
    void anOutOfRangeNumberIsRefusedNamingTheOptionAndNothingIsWritten(String option, String value) {
        Path out = dir.resolve("bad" + option + value);
        Result r = train(out, option, value);
        assertRefused(r, option + " " + value);
        assertFalse(Files.exists(out.resolve("checkpoints")), "no checkpoint written");
    }

    @Test void resumeWithoutAnyCheckpointIsRefused() {
        Path out = dir.resolve("never-trained");
        assertRefused(train(out, "--resume"), "--resume", "no checkpoint");
    }

    @Test void resumeWithOtherSettingsIsRefusedNamingTheDifferences() {
        Path out = dir.resolve("resume-other");
        assertEquals(0, train(out, "--stop-after", "2", "--checkpoint-every", "1").code());
        Result r = train(out, "--resume", "--epochs", "2", "--lr", "1e-3");
        assertRefused(r, "--epochs 1 (this command: 2)", "--lr");
        assertEquals(0, train(out, "--resume").code(), "the run's own options continue it");
    }

    @Test void aRunDirectoryHeldByAnotherWriterIsRefusedNamingTheHolder() throws Exception {
        Path out = dir.resolve("locked");
        try (RunLock held = RunLock.acquire(out)) {
            assertRefused(train(out), out.toString(), "in use", "pid " + ProcessHandle.current().pid());
        }
        assertEquals(0, train(out).code(), "free again once released");
    }

    @Test void theDataFolderAsOutputIsRefused() {
        assertRefused(train(data), "--out", "data set folder");
    }

    @Test void everyCheckpointDamagedIsRefusedRatherThanARestartFromStepZero() throws Exception {
        Path out = dir.resolve("damaged");
        assertEquals(0, train(out, "--stop-after", "3", "--checkpoint-every", "1").code());
        List<Path> ckpts;
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            ckpts = s.filter(p -> p.toString().endsWith(".ckpt")).toList();
        }
        assertEquals(2, ckpts.size(), "the newest two are kept");
        for (Path c : ckpts) {
            byte[] b = Files.readAllBytes(c);
            b[b.length - 3] ^= 0x40;
            Files.write(c, b);
        }
        Result r = train(out, "--resume");
        assertRefused(r, "damaged", out.resolve("checkpoints").toString());
        for (Path c : ckpts) assertTrue(Files.exists(c), "damaged checkpoints are left for the user: " + c);
    }

    @Test void parentCommandsAnswerHelp() {
        for (String parent : new String[] {"data", "train", "eval", "bench"}) {
            PrintStream out = System.out;
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            int code;
            try {
                System.setOut(new PrintStream(text, true, StandardCharsets.UTF_8));
                code = Elixr.commandLine().execute(parent, "--help");
            } finally {
                System.setOut(out);
            }
            assertEquals(0, code, parent);
            assertTrue(text.toString(StandardCharsets.UTF_8).startsWith("Usage: elixr " + parent), parent);
        }
    }
}
