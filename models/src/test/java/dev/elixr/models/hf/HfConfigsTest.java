package dev.elixr.models.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.autograd.nn.Activation;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfConfigsTest {
    private static JsonNode json(String s) throws Exception { return new ObjectMapper().readTree(s); }

    @Test
    void vitWithDefaults() throws Exception {
        var c = HfConfigs.vit(json("{\"model_type\":\"vit\",\"hidden_size\":192,\"num_attention_heads\":3,\"num_channels\":1}"));
        assertEquals(192, c.hiddenSize());
        assertEquals(64, c.headDim());
        assertEquals(12, c.numLayers());
        assertEquals(196, c.numPatches());
        assertEquals(1, c.numChannels());
        assertEquals(1e-12f, c.layerNormEps());
        assertEquals(Activation.GELU, c.hiddenAct());
        assertTrue(c.qkvBias());
    }

    @Test
    void bertWithQFormerCrossAttention() throws Exception {
        var c = HfConfigs.bert(json("{\"model_type\":\"blip_2_qformer\",\"num_hidden_layers\":6,\"cross_attention_frequency\":2,"
                + "\"encoder_hidden_size\":1376,\"hidden_act\":\"gelu_new\"}"));
        assertArrayEquals(new int[] {0, 2, 4}, c.crossAttentionLayers());
        assertEquals(1376, c.encoderWidth());
        assertEquals(Activation.GELU_TANH, c.hiddenAct());
        assertEquals(30522, c.vocabSize());
        var all = HfConfigs.bert(json("{\"model_type\":\"bert\",\"num_hidden_layers\":2,\"add_cross_attention\":true}"));
        assertArrayEquals(new int[] {0, 1}, all.crossAttentionLayers());
        assertEquals(768, all.encoderWidth());
    }

    @Test
    void efficientNetVariantWithOverrides() throws Exception {
        var c = HfConfigs.efficientNet(json("{\"model_type\":\"efficientnet\",\"variant\":\"b0\",\"width_coefficient\":0.25,"
                + "\"depth_coefficient\":0.5,\"image_size\":64,\"batch_norm_eps\":0.001}"));
        assertEquals(8, c.stemChannels());
        assertEquals(80, c.lastBlockChannels());
        assertEquals(64, c.resolution());
        assertEquals(1e-3f, c.batchNormEps());
        assertEquals(800, HfConfigs.efficientNet(json("{\"model_type\":\"efficientnet\",\"variant\":\"l2\"}")).resolution());
    }

    @Test
    void wrongModelTypeIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> HfConfigs.vit(json("{\"model_type\":\"bert\"}")));
        assertEquals("config.json has model_type 'bert', expected vit", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HfConfigs.bert(json("{\"model_type\":\"bert\",\"hidden_act\":\"mish\"}")));
    }
}
