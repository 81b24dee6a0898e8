package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.models.testing.Fixtures;
import dev.elixr.tensor.matvec.BlockFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.elixr.models.testing.Parity.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GGUF and safetensors copies of the same weights give the same logits (F32, F16), or the same quantised model's (Q8_0, Q4_0). */
class GgufTest {
    @TempDir Path tmp;

    /** A fixture folder without its rope scaling (GGUF stores that as a tensor this reader refuses). */
    LlamaModel unscaled(String folder) throws IOException {
        Path dir = tmp.resolve(folder);
        if (Files.isDirectory(dir)) return LlamaModel.load(dir);
        Files.createDirectories(dir);
        Files.copy(Fixtures.path("llm/" + folder + "/model.safetensors"), dir.resolve("model.safetensors"));
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(Fixtures.path("llm/" + folder + "/config.json").toFile());
        c.remove("rope_scaling");
        Files.writeString(dir.resolve("config.json"), c.toString());
        return LlamaModel.load(dir);
    }

    double gap(LlamaModel a, LlamaModel b) throws IOException {
        double worst = 0;
        for (int[] ids : LlamaParityTest.sequences("llama_gqa")) {
            worst = Math.max(worst, maxAbsDiff(a.forward(ids, a.newCache(64)), b.forward(ids, b.newCache(64))));
        }
        return worst;
    }

    @Test
    void f32GgufGivesTheSafetensorsLogits() throws IOException {
        LlamaModel hf = unscaled("llama_gqa");
        Path file = tmp.resolve("m.gguf");
        GgufWriter.write(hf, file, GgufWriter.Type.F32);
        double d = gap(hf, GgufLlama.load(file));
        assertTrue(d <= 1e-5, "F32: " + d);
    }

    @Test
    void f16GgufOfF16WeightsGivesTheSafetensorsLogits() throws IOException {
        LlamaModel hf = unscaled("llama_gqa_f16");
        Path file = tmp.resolve("m.gguf");
        GgufWriter.write(hf, file, GgufWriter.Type.F16);
        LlamaModel g = GgufLlama.load(file);
        assertEquals(dev.elixr.tensor.DType.F16, g.decoder().embedTokens().weight().value().dtype());
        double d = gap(hf, g);
        assertTrue(d <= 1e-5, "F16: " + d);
    }

    @Test
    void quantisedGgufComputesWithItsDequantisedWeightsAndStaysNearTheFloatModel() throws IOException {
        for (GgufWriter.Type t : new GgufWriter.Type[] {GgufWriter.Type.Q8_0, GgufWriter.Type.Q4_0}) {
            LlamaModel hf = unscaled("llama_gqa");
            Path file = tmp.resolve(t + ".gguf");
            GgufWriter.write(hf, file, t);
            LlamaModel g = GgufLlama.load(file);
            BlockFormat f = BlockFormat.valueOf(t.name());
            // every matrix, the token table included, through the same quantiser, as float weights
            WeightSource.Checkpoint raw = WeightSource.of(dev.elixr.models.hf.HfFolder.open(tmp.resolve("llama_gqa")).weights(), "llama_gqa");
            LlamaModel dq = new LlamaModel(hf.config(), new WeightSource() {
                @Override public dev.elixr.tensor.Tensor get(String name, int... shape) {
                    return dev.elixr.tensor.matvec.QuantizedMatrix.quantize(raw.get(name, shape), f).dequantize();
                }
                @Override public dev.elixr.tensor.Tensor norm(String name, int dim) { return raw.norm(name, dim); }
            });
            double exact = gap(dq, g), approx = gap(hf, g);
            System.out.printf("%s GGUF: vs its dequantised weights %.2g, vs the float model %.4f%n", t, exact, approx);
            assertTrue(exact <= 1e-5, t + " vs dequantised weights: " + exact);
            assertTrue(approx <= QuantizedLlamaTest.bound(f), t + " vs the float model: " + approx);
        }
    }

    @Test
    void otherArchitecturesAreRefusedNamingThem() throws IOException {
        Path file = tmp.resolve("m.gguf");
        GgufWriter.write(unscaled("llama_gqa"), file, GgufWriter.Type.F32);
        byte[] b = Files.readAllBytes(file);
        // key, then the value type (4 bytes) and the string length (8 bytes), then "llama"
        int at = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("general.architecture") + "general.architecture".length() + 4 + 8;
        b[at] = 'g';
        b[at + 1] = 'e';
        b[at + 2] = 'm';
        b[at + 3] = 'm';
        b[at + 4] = 'a';
        Files.write(file, b);
        var e = assertThrows(IllegalArgumentException.class, () -> GgufLlama.load(file));
        assertTrue(e.getMessage().contains("GGUF architecture 'gemma' is not supported (llama)"), e.getMessage());
    }
}
