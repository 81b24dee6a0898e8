package dev.elixr.tensor.opencl;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the OpenCL tests (this package, or the classes or Class#method names given as arguments) without Maven and prints one row
 * per test class: run, passed, failed, skipped, seconds; then each failure. Used by bench/gpu-check.sh on a
 * GPU machine. Exit status 1 when anything failed or nothing ran.
 */
public final class OpenClCheck {
    private OpenClCheck() {}

    public static void main(String[] args) {
        var b = LauncherDiscoveryRequestBuilder.request();
        if (args.length == 0) b.selectors(DiscoverySelectors.selectPackage("dev.elixr.tensor.opencl"));
        for (String a : args) b.selectors(a.contains("#") ? DiscoverySelectors.selectMethod(a) : DiscoverySelectors.selectClass(a));
        LauncherDiscoveryRequest req = b.build();
        Map<String, int[]> rows = new TreeMap<>();
        Map<String, Long> started = new TreeMap<>(), nanos = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        var listener = new TestExecutionListener() {
            @Override public void executionStarted(TestIdentifier id) {
                if (id.isTest() && Boolean.getBoolean("elixr.check.verbose")) System.out.println("start " + id.getUniqueId().replaceAll(".*method:", ""));
                if (id.isContainer() && isClass(id)) started.put(cls(id), System.nanoTime());
            }

            @Override public void executionSkipped(TestIdentifier id, String reason) {
                if (id.isTest()) row(id)[3]++;
                else if (isClass(id)) { row(id)[3]++; failures.add(cls(id) + " skipped: " + reason); }
            }

            @Override public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                if (id.isContainer() && isClass(id)) {
                    nanos.put(cls(id), System.nanoTime() - started.getOrDefault(cls(id), System.nanoTime()));
                    if (r.getStatus() == TestExecutionResult.Status.ABORTED) {
                        row(id)[3]++;
                        failures.add(cls(id) + " skipped: " + r.getThrowable().map(Throwable::getMessage).orElse("aborted"));
                    } else if (r.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        row(id)[2]++;
                        failures.add(cls(id) + ": " + r.getThrowable().map(Throwable::toString).orElse(r.getStatus().toString()));
                    }
                    return;
                }
                if (!id.isTest()) return;
                int[] c = row(id);
                c[0]++;
                if (r.getStatus() == TestExecutionResult.Status.SUCCESSFUL) c[1]++;
                else if (r.getStatus() == TestExecutionResult.Status.ABORTED) c[3]++;
                else {
                    c[2]++;
                    failures.add(id.getDisplayName() + " in " + cls(id) + ": " + r.getThrowable().map(Throwable::toString).orElse("failed"));
                }
            }

            private int[] row(TestIdentifier id) { return rows.computeIfAbsent(cls(id), k -> new int[4]); }
        };
        LauncherFactory.create().execute(req, listener);
        System.out.println(String.format(Locale.ROOT, "| %-28s | %5s | %6s | %6s | %7s | %7s |", "test class", "run", "passed", "failed", "skipped", "seconds"));
        System.out.println("|------------------------------|-------|--------|--------|---------|---------|");
        int failed = 0, run = 0;
        for (var e : rows.entrySet()) {
            int[] c = e.getValue();
            failed += c[2];
            run += c[0];
            System.out.println(String.format(Locale.ROOT, "| %-28s | %5d | %6d | %6d | %7d | %7.1f |", e.getKey(), c[0], c[1], c[2], c[3],
                    nanos.getOrDefault(e.getKey(), 0L) / 1e9));
        }
        failures.stream().limit(40).forEach(f -> System.out.println("FAILED " + f));
        System.exit(failed > 0 || run == 0 ? 1 : 0);
    }

    private static boolean isClass(TestIdentifier id) {
        return id.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource).orElse(false);
    }

    private static String cls(TestIdentifier id) {
        String u = id.getUniqueId();
        int i = u.indexOf("[class:");
        if (i < 0) return id.getDisplayName();
        String c = u.substring(i + 7, u.indexOf(']', i));
        return c.substring(c.lastIndexOf('.') + 1);
    }
}
