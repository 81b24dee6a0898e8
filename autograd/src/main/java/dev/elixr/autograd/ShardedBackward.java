package dev.elixr.autograd;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Tensor;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Data parallelism across one machine's cores: a batch's loss written as the sum of its shards' losses, each shard's
 * forward and backward on a core of its own, the shards' leaf gradients then added to the leaves in shard order. A
 * model of small layers (ELIXR-B stage 2's frozen LLM of width 128) splits each op across two cores poorly: its many
 * short loops leave the second core waiting at their barriers (stage 2 ran 1.18× faster on two threads than on one);
 * two shards, each one core's whole forward and backward, keep both busy.
 *
 * <p>The same bits on any number of threads: each shard's graph and sweep are the same whether the shards run side by
 * side or one after another, and a leaf's gradient is always shard 0's, plus shard 1's, and so on. Against one backward
 * of the whole batch's loss the gradients agree up to float summation order (the shards' sums are added once more).
 *
 * <p>Side by side (when more than one thread is allowed and no other job runs beside this one): shard 0 on the caller,
 * the others on daemon threads, every shard a {@link Parallel#besideOthers() job beside the others} so that its kernels
 * run their loops inline on its own core. The shards' losses must not share non-leaf variables (each builds its own
 * graph from leaves and constants) and the model's forward must be safe to run on two threads at once (no dropout
 * generator shared by the shards, no cache written without a lock).
 */
public final class ShardedBackward {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "elixr-shard-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private ShardedBackward() {}

    /**
     * Items 0 … n−1 of the given costs (a row's positions) split into count shards of about equal total cost: items by
     * cost, largest first (ties by index), each to the shard with the least cost so far (the first such shard); each
     * shard's items in ascending order. Fewer items than shards leaves the last shards empty.
     */
    public static int[][] partition(int[] costs, int count) {
        if (count < 1) throw new IllegalArgumentException("ShardedBackward: " + count + " shards");
        int n = costs.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> costs[x] != costs[y] ? Integer.compare(costs[y], costs[x]) : Integer.compare(x, y));
        long[] load = new long[count];
        int[] sizes = new int[count], owner = new int[n];
        for (int i : order) {
            int s = 0;
            for (int k = 1; k < count; k++) if (load[k] < load[s]) s = k;
            load[s] += costs[i];
            sizes[s]++;
            owner[i] = s;
        }
        int[][] out = new int[count][];
        for (int s = 0; s < count; s++) out[s] = new int[sizes[s]];
        int[] filled = new int[count];
        for (int i = 0; i < n; i++) out[owner[i]][filled[owner[i]]++] = i;
        return out;
    }

    /** One shard's loss value and leaf gradients, or nothing for a shard without a loss. */
    private record Shard(float loss, Map<Var, Tensor> gradients) {
        static final Shard EMPTY = new Shard(0f, Map.of());
    }

    /**
     * Runs the forward (lossOfShard) and backward of shards 0 … count−1 and adds their leaf gradients to the leaves,
     * shard by shard in order; returns the sum of the shard losses, in shard order. A shard whose loss is null adds
     * nothing. Each loss must be a one-element variable, weighted so that the shards' sum is the batch's loss (a mean
     * over the batch: each shard's mean times its share of the batch).
     */
    public static float run(int count, IntFunction<Var> lossOfShard) {
        if (count < 1) throw new IllegalArgumentException("ShardedBackward: " + count + " shards");
        Shard[] shards = new Shard[count];
        if (count == 1 || Parallel.threads() < 2 || Parallel.jobsBeside() > 0) {
            for (int i = 0; i < count; i++) shards[i] = shard(i, lossOfShard);
        } else {
            sideBySide(shards, lossOfShard);
        }
        float loss = 0f;
        for (Shard s : shards) {
            loss += s.loss();
            for (Map.Entry<Var, Tensor> e : s.gradients().entrySet()) e.getKey().accumulateGrad(e.getValue());
        }
        return loss;
    }

    /** Shard 0 on the caller, the rest on workers; every shard a job beside the others; waits for all before throwing. */
    private static void sideBySide(Shard[] shards, IntFunction<Var> lossOfShard) {
        int count = shards.length;
        boolean recording = GradMode.isEnabled(); // the caller's mode, for the workers' forwards too
        Parallel.JobBeside[] jobs = new Parallel.JobBeside[count];
        for (int i = 0; i < count; i++) jobs[i] = Parallel.besideOthers();
        try {
            @SuppressWarnings("unchecked")
            Future<Shard>[] others = new Future[count];
            for (int i = 1; i < count; i++) {
                int k = i;
                others[i] = WORKERS.submit(() -> {
                    try (var job = jobs[k]; var mode = recording ? GradMode.enableGrad() : GradMode.noGrad()) {
                        return shard(k, lossOfShard);
                    }
                });
            }
            Throwable failure = null;
            try (var job = jobs[0]) {
                shards[0] = shard(0, lossOfShard);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int i = 1; i < count; i++) {
                try {
                    shards[i] = others[i].get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (failure == null) failure = e;
                }
            }
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error e) throw e;
            if (failure != null) throw new IllegalStateException("ShardedBackward: a shard failed", failure);
        } finally {
            for (Parallel.JobBeside j : jobs) j.close();
        }
    }

    private static Shard shard(int i, IntFunction<Var> lossOfShard) {
        Var loss = lossOfShard.apply(i);
        if (loss == null) return Shard.EMPTY;
        if (loss.numel() != 1) throw new IllegalArgumentException("ShardedBackward: shard " + i + "'s loss is " + loss + ", not one element");
        Map<Var, Tensor> gradients = new IdentityHashMap<>();
        Backprop.run(loss, Tensor.full(1f, loss.shape()).to(loss.value().device()), gradients);
        return new Shard(loss.item(), gradients);
    }
}
