package dev.elixr.models.llm;

import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.ops.Index;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Autoregressive generation: the prompt (optionally after a prefix of embedding vectors) is prefilled in one block,
 * then one token at a time is sampled and decoded through the KV cache, until an end-of-sequence id, a stop string
 * or the token budget. Text is streamed as it becomes final: complete UTF-8 characters, less any tail that could
 * still turn into a stop string (a stop string itself is never emitted).
 */
public final class Generator {
    /** What was generated and how long it took. */
    public record Result(int[] tokens, String text, String stopReason, int promptTokens, long prefillNanos, long decodeNanos) {}

    private final LlamaModel model;
    private final BpeTokenizer tokenizer;

    public Generator(LlamaModel model, BpeTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * Generates after prompt ids (and, when prefix is not null, after those embedding vectors [P, hidden]);
     * eos ids end generation; text pieces go to out as they become final.
     */
    public Result generate(Tensor prefix, int[] prompt, int maxNewTokens, Sampler sampler, int[] eos, List<String> stops, Consumer<String> out) {
        if (prompt.length == 0 && prefix == null) throw new IllegalArgumentException("generate: the prompt is empty");
        if (maxNewTokens < 0) throw new IllegalArgumentException("generate: max new tokens must be >= 0, got " + maxNewTokens);
        int p = prefix == null ? 0 : prefix.size(0);
        KvCache cache = model.newCache(p + prompt.length + Math.max(1, maxNewTokens));
        long t0 = System.nanoTime();
        Tensor x = prefix == null ? model.embed(prompt) : prompt.length == 0 ? prefix : Index.concat(0, prefix, model.embed(prompt));
        float[] logits = model.forwardEmbeds(x, cache, false).toFloatArray();
        long t1 = System.nanoTime();
        int[] context = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int n = prompt.length;
        StreamDecoder decoder = tokenizer.streamDecoder(true);
        StopStrings stopper = new StopStrings(stops);
        StringBuilder text = new StringBuilder();
        String reason = "length";
        for (int step = 0; step < maxNewTokens; step++) {
            int next = sampler.sample(logits, Arrays.copyOf(context, n));
            context[n++] = next;
            if (contains(eos, next)) {
                reason = "eos";
                break;
            }
            String piece = stopper.push(decoder.push(next));
            text.append(piece);
            out.accept(piece);
            if (stopper.stopped()) {
                reason = "stop";
                break;
            }
            if (step + 1 < maxNewTokens) logits = model.next(new int[] {next}, cache);
        }
        if (!stopper.stopped()) {
            String rest = stopper.finish(decoder.flush());
            text.append(rest);
            out.accept(rest);
        }
        long t2 = System.nanoTime();
        return new Result(Arrays.copyOfRange(context, prompt.length, n), text.toString(), reason, prompt.length + p, t1 - t0, t2 - t1);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
