package dev.elixr.tasks.serve;

import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.index.Embedder;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/** An embedder for concurrency tests: records the size of every call, and can hold each call until released. */
final class FakeEmbedder implements Embedder {
    final List<Integer> calls = new CopyOnWriteArrayList<>();
    final Semaphore entered = new Semaphore(0);
    volatile CountDownLatch gate = new CountDownLatch(0);

    @Override public int dim() { return 4; }

    @Override public float[][] embedImages(List<GreyImage> images) { return call(images.size()); }

    @Override public float[][] embedTexts(List<String> texts) { return call(texts.size()); }

    private float[][] call(int n) {
        calls.add(n);
        entered.release();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = new float[] {1, 0, 0, 0};
        return out;
    }

    @Override public List<String> findings() { return List.of("Edema"); }

    @Override public double[][] classify(float[][] e) { return new double[e.length][1]; }

    @Override public Map<String, List<String>> evaluationFlags() { return Map.of(); }

    @Override public String fingerprint() { return "fake"; }

    @Override public Map<String, Object> describe() { return Map.of("model", "fake"); }
}
