package dev.elixr.tasks.testing;

import dev.elixr.tensor.Parallel;

import java.util.concurrent.Callable;

/** Runs a piece of a test with the kernels allowed a given number of threads, the JVM's count restored after. */
public final class WithThreads {
    private WithThreads() {}

    public static <T> T run(int threads, Callable<T> body) throws Exception {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            return body.call();
        } finally {
            Parallel.setThreads(before);
        }
    }
}
