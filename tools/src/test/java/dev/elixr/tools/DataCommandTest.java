package dev.elixr.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DataCommandTest {
    @TempDir Path tmp;

    @Test
    void synthWritesADataSet() {
        Path out = tmp.resolve("synth");
        int code = new CommandLine(new Elixr()).execute("data", "synth", "--out", out.toString(), "--studies", "5", "--seed", "9",
                "--size", "32", "--difficulty", "easy", "--no-progress");
        assertEquals(0, code);
        assertTrue(Files.isRegularFile(out.resolve("mimic-cxr-2.0.0-split.csv.gz")));
        assertTrue(Files.isRegularFile(out.resolve("vqa.jsonl")));
        assertTrue(Files.isRegularFile(out.resolve("report-qa.jsonl")));
    }

    @Test
    void synthWritesSiteBInTheIuXrayLayoutAsDicom() throws Exception {
        Path out = tmp.resolve("iu");
        int code = new CommandLine(new Elixr()).execute("data", "synth", "--out", out.toString(), "--studies", "6", "--size", "32",
                "--site", "B", "--layout", "iu-xray", "--format", "dicom", "--no-progress");
        assertEquals(0, code);
        assertTrue(Files.readString(out.resolve("indiana_projections.csv")).contains("_IM-0001-1001.dcm,Frontal"));
        assertTrue(Files.readString(out.resolve("synthetic-options.json")).contains("\"site\" : \"B\""));
        assertEquals(6, dev.elixr.tasks.data.CxrDataset.IU_XRAY.read(out).size());
        assertNotEquals(0, new CommandLine(new Elixr()).execute("data", "synth", "--out", tmp.resolve("z").toString(), "--studies", "2",
                "--site", "Q", "--no-progress"));
    }

    @Test
    void badDifficultyIsReported() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Elixr());
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("data", "synth", "--out", tmp.toString(), "--studies", "2", "--difficulty", "extreme");
        assertNotEquals(0, code);
    }
}
