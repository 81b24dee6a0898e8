package dev.elixr.tasks.serve;

import org.junit.jupiter.api.Assumptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Debian's headless Chromium for page tests: required under CI=true (.ci/run installs it), else a missing one skips. */
final class Browser {
    private Browser() {}

    static String chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser"))
            if (Files.isExecutable(Path.of(c))) return c;
        if ("true".equals(System.getenv("CI"))) fail("chromium is not installed (CI=true): .ci/run installs Debian's chromium");
        Assumptions.abort("chromium is not installed");
        return null;
    }

    /** The DOM after the page's scripts ran (virtual time lets its fetches finish). */
    static String dumpDom(String chromium, String url) throws Exception {
        Path profile = Files.createTempDirectory("elixr-chromium");
        Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=20000", "--dump-dom", url)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        return new String(out, StandardCharsets.UTF_8);
    }
}
