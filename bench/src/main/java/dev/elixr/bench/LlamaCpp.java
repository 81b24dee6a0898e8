package dev.elixr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp's prefill and decode speed on a GGUF file, for a side-by-side figure: runs the script
 * llama_cpp_decode.mjs (a resource beside this class) under Node with npm's node-llama-cpp, which ships llama.cpp's
 * prebuilt CPU build. Needs {@code node} on the PATH and a folder holding node_modules/node-llama-cpp
 * ({@code npm i -E node-llama-cpp@3.21.1} there); never needed to build or test.
 */
public final class LlamaCpp {
    /** Medians over the timed rounds, and the rounds' decode rates. */
    public record Result(double prefillTokS, double decodeTokS, double[] decodeRounds, int threads) {}

    /** Why llama.cpp could not be run (no folder, no Node, the script failed). */
    public static final class Unavailable extends Exception {
        Unavailable(String why) { super(why); }
    }

    private LlamaCpp() {}

    /** The folder with node_modules/node-llama-cpp: the given one, else $ELIXR_NODE_LLAMA_CPP; null when neither. */
    public static Path folder(Path given) {
        if (given != null) return given;
        String env = System.getenv("ELIXR_NODE_LLAMA_CPP");
        return env == null || env.isBlank() ? null : Path.of(env);
    }

    public static Result run(Path dir, Path gguf, int threads, int promptTokens, int decodeTokens, int rounds) throws Unavailable {
        dir = folder(dir);
        if (dir == null) throw new Unavailable("no node-llama-cpp folder: give --llama-cpp DIR or set ELIXR_NODE_LLAMA_CPP to a folder where `npm i -E node-llama-cpp@3.21.1` ran");
        if (!Files.isDirectory(dir.resolve("node_modules/node-llama-cpp"))) throw new Unavailable(dir + " holds no node_modules/node-llama-cpp");
        try {
            Path script = Files.createTempFile("llama_cpp_decode", ".mjs");
            try (InputStream in = LlamaCpp.class.getResourceAsStream("llama_cpp_decode.mjs")) {
                Files.write(script, in.readAllBytes());
            }
            Process p = new ProcessBuilder("node", script.toString(), dir.toAbsolutePath().toString(), gguf.toAbsolutePath().toString(),
                    String.valueOf(threads), String.valueOf(promptTokens), String.valueOf(decodeTokens), String.valueOf(rounds))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(20, TimeUnit.MINUTES);
            Files.deleteIfExists(script);
            if (!done || p.exitValue() != 0) throw new Unavailable("node " + (done ? "exited " + p.exitValue() : "timed out") + ": " + tail(out));
            String last = out.strip().lines().reduce((x, y) -> y).orElse("");
            JsonNode j = new ObjectMapper().readTree(last);
            double[] decode = doubles(j.path("decode_tok_s")), prefill = doubles(j.path("prefill_tok_s"));
            return new Result(LlmBench.median(prefill), LlmBench.median(decode), decode, j.path("threads").asInt(threads));
        } catch (IOException e) {
            throw new Unavailable("cannot run node: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }

    private static double[] doubles(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = a.get(i).asDouble();
        return v;
    }

    private static String tail(String s) {
        String t = s.strip();
        return t.length() <= 400 ? t : "…" + t.substring(t.length() - 400);
    }
}
