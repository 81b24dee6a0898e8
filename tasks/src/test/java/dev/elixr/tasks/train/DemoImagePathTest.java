package dev.elixr.tasks.train;

import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.tasks.data.ImageBank;
import dev.elixr.tasks.data.ImagePipeline;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.Seeds;
import dev.elixr.tasks.data.synth.Difficulty;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The image tensors the demo trains on, held to those of the code before the {@link ImagePipeline}. */
class DemoImagePathTest {
    @TempDir static Path tmp;
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    static String sha(Tensor t) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (float v : t.contiguous().toFloatArray()) {
            int b = Float.floatToRawIntBits(v);
            md.update(new byte[] {(byte) b, (byte) (b >>> 8), (byte) (b >>> 16), (byte) (b >>> 24)});
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The default demo's path (96 px, "easy" synthetic studies, seed 1) and the quick demo's (48 px) give, bit for bit,
     * the recorded tensors, and so do the batches read from a memory-mapped {@link dev.elixr.tasks.data.ImageStore} of the
     * same images. History: this pipeline was first held to the code it replaced (digests printed by
     * {@code pipeline-digests/MakePipelineDigests.java.txt} on main at 59cad32: train.ImageBank, inline (v - 0.5) / 0.25);
     * the digests were re-recorded from this pipeline when the synthetic data changed (session 13: report-QA items drew
     * from the study's random stream before, from their own since, so a patient's later studies changed; session 30: the
     * endotracheal tube's radiopaque stripe made wider and denser, which changed an image among the first eight).
     */
    @Test
    void theDemoTrainingPathGivesTheRecordedTensorsFromTheHeapAndFromTheImageStore() throws Exception {
        long seed = 1;
        Path data = tmp.resolve("demo-data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(40, seed).withSize(96).withDifficulty(Difficulty.parse("easy")).withProgress(false));
        var train = MimicCxrJpg.read(data).stream().filter(s -> s.split().equals("train")).toList();
        ImageBank bank = ImagePipeline.of(ImagePreprocessing.standard(96)).load(train, QUIET, "train");
        assertEquals(27, bank.count());
        int[] rows = {0, 1, 2, 3, 4, 5, 6, 7};
        assertEquals("d5562e51d59b06c0e38b5aafa249a4566de3e7932e986a155b844e42bfc824d5", sha(bank.batch(rows, null)));
        int[] step2 = Arrays.copyOfRange(ContrastiveTraining.permutation(bank.count(), seed, 0), 8, 16);  // epoch 1, step 2
        SplittableRandom aug = new SplittableRandom(Seeds.augmentation(seed, 1));
        assertEquals("4fe491284bbd55e93db4f4a8e1daa0d651a1cc5749e1008dca94a1bd22a2090b", sha(bank.batch(step2, aug)));
        ImageBank quick = ImagePipeline.of(ImagePreprocessing.standard(48)).load(train, QUIET, "train");
        assertEquals("ce77d9827336126fd5c95293c866caeb098a94b3412f5f3c6b79ef99855ea655",
                sha(quick.batch(step2, new SplittableRandom(Seeds.augmentation(seed, 1)))));

        ImageBank stored = ImagePipeline.of(ImagePreprocessing.standard(96)).load(train, QUIET, "train", tmp.resolve("store"));
        assertTrue(stored.mapped());
        assertEquals(27, stored.count());
        assertEquals("d5562e51d59b06c0e38b5aafa249a4566de3e7932e986a155b844e42bfc824d5", sha(stored.batch(rows, null)), "from the image store");
        assertEquals("4fe491284bbd55e93db4f4a8e1daa0d651a1cc5749e1008dca94a1bd22a2090b",
                sha(stored.batch(step2, new SplittableRandom(Seeds.augmentation(seed, 1)))), "from the image store, augmented");
    }
}
