package dev.elixr.tasks.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** The one progress bar: line format, throttling, finish, threads. */
class ProgressTest {
    @Test void showsRateElapsedAndEtaFromTheClock() {
        AtomicLong now = new AtomicLong(0);
        var buf = new ByteArrayOutputStream();
        Progress p = new Progress("train", 100, "img", new PrintStream(buf, true, StandardCharsets.UTF_8), now::get, false, 0);
        now.set(2_000_000_000L);
        p.advance(25, "loss 1.234");
        String line = buf.toString(StandardCharsets.UTF_8).trim();
        assertEquals("train [######..................] 25/100 img, 12.5 img/s, 0:02 elapsed, ETA 0:06, loss 1.234", line);
    }

    @Test void nonInteractiveOutputIsThrottledButTheLastLineAlwaysPrints() {
        AtomicLong now = new AtomicLong(0);
        var buf = new ByteArrayOutputStream();
        Progress p = new Progress("x", 3, "it", new PrintStream(buf, true, StandardCharsets.UTF_8), now::get, false, 10_000_000_000L);
        p.advance(1, "");
        p.advance(1, "");
        p.advance(1, "");
        String[] lines = buf.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[1].contains("3/3") && lines[1].contains("ETA --:--"), lines[1]);
    }

    @Test void workersAdvanceConcurrentlyAndADisabledBarCountsSilently() throws Exception {
        Progress p = new Progress("synth", 4000, "studies", false);
        Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(() -> { for (int j = 0; j < 1000; j++) p.advance(1, ""); });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        assertEquals(4000, p.done());
    }

    @Test void finishPrintsTheFinalStateOnlyWhenItWasNotShown() {
        AtomicLong now = new AtomicLong(0);
        var buf = new ByteArrayOutputStream();
        Progress p = new Progress("x", 5, "it", new PrintStream(buf, true, StandardCharsets.UTF_8), now::get, false, 10_000_000_000L);
        p.advance(1, "");
        p.advance(1, "");
        now.set(1_000_000_000L);
        p.finish();
        String[] lines = buf.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertEquals(2, lines.length);
        assertEquals("x [##########..............] 2/5 it, 2.0 it/s, 0:01 elapsed, ETA 0:02, finished", lines[1]);
        var all = new ByteArrayOutputStream();
        Progress q = new Progress("y", 1, "it", new PrintStream(all, true, StandardCharsets.UTF_8), now::get, false, 0);
        q.advance(1, "");
        q.finish();
        assertEquals(1, all.toString(StandardCharsets.UTF_8).trim().split("\n").length);
    }

    @Test void hoursFormat() {
        assertEquals("1:01:01", Progress.time(3661));
        assertEquals("0:59", Progress.time(59.4));
    }
}
