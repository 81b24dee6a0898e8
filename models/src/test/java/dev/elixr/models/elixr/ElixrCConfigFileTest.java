package dev.elixr.models.elixr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.autograd.nn.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ElixrCConfigFileTest {
    @TempDir Path tmp;

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aConfigRoundTripsThroughElixrCJsonWithItsFourGroups() throws IOException {
        ElixrCConfig c = ElixrCConfig.small(300).withImage(ElixrCConfig.small(300).image().withSize(48).withEncoder("vit-8-2-2"));
        Path f = tmp.resolve("elixr-c.json");
        ElixrCConfigFile.write(f, c);
        var tree = JSON.readTree(f.toFile());
        assertEquals(ElixrCConfigFile.FORMAT, tree.get("format").asText());
        assertEquals(48, tree.at("/image/preprocessing/size").asInt());
        assertEquals(0.25, tree.at("/image/preprocessing/std").asDouble());
        assertEquals(300, tree.at("/text/bert/vocabSize").asInt());
        assertEquals(0.07f, tree.at("/temperature/init").floatValue());
        ElixrCConfig back = ElixrCConfigFile.read(f);
        assertEquals(c, back);
        assertEquals("vit-8-2-2", back.image().encoder());
    }

    @Test
    void theDecodingIsRecordedAndAConfigWrittenBeforeItExistedReadsAsDisplay() throws IOException {
        ElixrCConfig small = ElixrCConfig.small(300);
        var image = small.image();
        ElixrCConfig c = small.withImage(new ElixrCConfig.Image(image.encoder(),
                image.preprocessing().withDecode(ImagePreprocessing.CXR_FOUNDATION), image.convWidths(), image.convBlocksPerStage(), image.features()));
        Path f = tmp.resolve("elixr-c.json");
        ElixrCConfigFile.write(f, c);
        ObjectNode tree = (ObjectNode) JSON.readTree(f.toFile());
        assertEquals("cxr-foundation", tree.at("/image/preprocessing/decode").asText());
        assertFalse(tree.at("/image/preprocessing/stretch").asBoolean());
        assertEquals(c, ElixrCConfigFile.read(f));
        ((ObjectNode) tree.at("/image/preprocessing")).remove("decode");
        ((ObjectNode) tree.at("/image/preprocessing")).put("stretch", true);
        ElixrCConfig old = ElixrCConfigFile.fromJson(tree, "old.json");
        assertEquals(ImagePreprocessing.DISPLAY, old.image().preprocessing().decode());
        assertEquals(small.image().preprocessing().withSize(old.image().size()), old.image().preprocessing());
        assertTrue(old.image().preprocessing().describe().get("decode").toString().startsWith("display"));
    }

    /** The elixr-c.json of a demo run trained before the config had groups (flat-elixr-c.json, written by that build). */
    @Test
    void theFlatConfigOfEarlierRunsLoadsWithTheirPreprocessing() throws IOException {
        Path f = tmp.resolve("flat.json");
        try (InputStream in = getClass().getResourceAsStream("flat-elixr-c.json")) { Files.write(f, in.readAllBytes()); }
        ElixrCConfig c = ElixrCConfigFile.read(f);
        ElixrCConfig expected = ElixrCConfig.small(278).withImage(ElixrCConfig.small(278).image().withSize(48));
        assertEquals(expected, c);
        assertEquals(ImagePreprocessing.standard(48), c.image().preprocessing());
        assertEquals(new ElixrCConfig.BertShape(278, 64, 2, 2, 256, 128, 2, 1e-12f, Activation.GELU), c.text().bert());
        assertEquals(0.01f, c.temperature().min());
    }

    @Test
    void aFlatConfigWithoutTheLaterTextFieldsTakesTheValuesSuchRunsHad() throws IOException {
        ObjectNode j = (ObjectNode) JSON.readTree(getClass().getResourceAsStream("flat-elixr-c.json"));
        for (String k : new String[] {"textMaxPositions", "textTypeVocab", "textLayerNormEps", "textActivation", "textCased", "textEncoder"}) j.remove(k);
        j.put("maxTokens", 5);
        ElixrCConfig c = ElixrCConfigFile.fromJson(j, "old.json");
        assertEquals(new ElixrCConfig.BertShape(278, 64, 2, 2, 256, 8, 2, 1e-12f, Activation.GELU), c.text().bert());
        assertEquals(ElixrCConfig.BERT_SMALL, c.text().encoder());
        assertTrue(c.text().lowercase());
    }

    @Test
    void anUnknownFormatOrAnotherFileIsRefusedNamingTheFile() throws IOException {
        ObjectNode j = ElixrCConfigFile.toJson(ElixrCConfig.small(10));
        j.put("format", "elixr-c/3");
        var e = assertThrows(IOException.class, () -> ElixrCConfigFile.fromJson(j, "run/elixr-c.json"));
        assertTrue(e.getMessage().contains("run/elixr-c.json") && e.getMessage().contains("elixr-c/3") && e.getMessage().contains(ElixrCConfigFile.FORMAT), e.getMessage());
        e = assertThrows(IOException.class, () -> ElixrCConfigFile.fromJson(JSON.readTree("{\"model_type\": \"bert\"}"), "x.json"));
        assertTrue(e.getMessage().contains("x.json") && e.getMessage().contains("not an ELIXR-C config"), e.getMessage());
        ObjectNode bad = ElixrCConfigFile.toJson(ElixrCConfig.small(10));
        ((ObjectNode) bad.get("temperature")).put("min", 0);
        e = assertThrows(IOException.class, () -> ElixrCConfigFile.fromJson(bad, "bad.json"));
        assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("temperature"), e.getMessage());
    }

    @Test
    void groupsAreValidatedWhereTheyAreBuilt() {
        var e = assertThrows(IllegalArgumentException.class, () -> ElixrCConfig.small(10).image().withEncoder("resnet"));
        assertTrue(e.getMessage().contains("resnet"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ElixrCConfig.Text.bertSmall(10, 8, 1, 2, 16, 1));
        assertTrue(e.getMessage().contains("maxTokens 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ElixrCConfig.Temperature(0.01f, 0.07f));
    }
}
