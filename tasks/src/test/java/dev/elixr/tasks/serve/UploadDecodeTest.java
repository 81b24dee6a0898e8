package dev.elixr.tasks.serve;

import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.CxrImageFile;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.index.Embedder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An uploaded image reaches the model decoded as the model's run was trained (its recorded decode), not as shown. */
class UploadDecodeTest {
    /** A model trained on CXR Foundation's decoding, recording what it is given. */
    static final class CxrFoundationEmbedder implements Embedder {
        final List<GreyImage> images = new CopyOnWriteArrayList<>();
        @Override public String decode() { return ImagePreprocessing.CXR_FOUNDATION; }
        @Override public int dim() { return 2; }
        @Override public float[][] embedImages(List<GreyImage> in) { images.addAll(in); return unit(in.size()); }
        @Override public float[][] embedTexts(List<String> t) { return unit(t.size()); }
        @Override public List<String> findings() { return List.of("Edema"); }
        @Override public double[][] classify(float[][] e) { return new double[e.length][1]; }
        @Override public Map<String, List<String>> evaluationFlags() { return Map.of(); }
        @Override public String fingerprint() { return "cxr-foundation"; }
        @Override public Map<String, Object> describe() { return Map.of("model", "recording"); }

        private static float[][] unit(int n) {
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) out[i] = new float[] {1, 0};
            return out;
        }
    }

    @Test
    void anUploadToACxrFoundationRunIsShiftedAndStretchedTo16BitsAsItsFilesWere() throws Exception {
        byte[] png = Http.png(12, 9, 3);
        var model = new CxrFoundationEmbedder();
        try (ElixrServer s = ElixrServer.start(model, null, ServeConfig.defaults(0), 0, new PrintStream(new ByteArrayOutputStream()))) {
            assertEquals(200, new Http(s, null).post("/v1/embed", "image/png", png).status());
        }
        GreyImage shown = CxrImageCodec.decode(png, java.nio.file.Path.of("upload.png"));
        GreyImage expected = CxrImageFile.decoded(shown, ImagePreprocessing.CXR_FOUNDATION);
        assertEquals(1, model.images.size());
        assertArrayEquals(expected.pixels(), model.images.getFirst().pixels(), 0f);
        float min = 1, max = 0;
        for (float v : model.images.getFirst().pixels()) { min = Math.min(min, v); max = Math.max(max, v); }
        assertEquals(0f, min, 0f, "shifted to zero");
        assertEquals(1f, max, 0f, "stretched to the full 16-bit range");
    }
}
