package dev.elixr.autograd.io;

import dev.elixr.tensor.random.SplitMix64;
import dev.elixr.autograd.nn.Linear;
import dev.elixr.autograd.nn.Module;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SHA-256 seal of the safetensors files we write: damage of any kind is refused as damage, naming the file. */
class SealTest {
    @TempDir Path dir;

    static final class Net extends Module {
        Net(int in, int out) { registerModule("fc", new Linear(in, out, true, new SplitMix64(3))); }
    }

    Path checkpoint() throws IOException { return checkpoint(40, 30); }

    Path checkpoint(int in, int out) throws IOException {
        Path p = dir.resolve("step-1.ckpt");
        Checkpoint.save(p, Checkpoint.capture(new Net(in, out), null, 7).with("note", "a"));
        return p;
    }

    static long dataStart(byte[] file) {
        return 8 + ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    @Test void aWrittenFileIsSealedAndOpensWithItsValuesAndWithoutTheSealInItsMetadata() throws IOException {
        Path p = checkpoint();
        String header = new String(Files.readAllBytes(p), 0, (int) dataStart(Files.readAllBytes(p)), StandardCharsets.UTF_8);
        assertTrue(header.contains("\"" + ContentDigest.KEY + "\":\""), header);
        assertFalse(header.contains(ContentDigest.PLACEHOLDER), "the placeholder was filled in");
        Checkpoint c = Checkpoint.load(p);
        assertEquals(7, c.step());
        assertEquals("a", c.extra().get("note"));
        assertFalse(Safetensors.open(p).metadata().containsKey(ContentDigest.KEY));
        assertArrayEquals(new Net(40, 30).stateDict().get("fc.weight").toFloatArray(), c.model().get("fc.weight").toFloatArray());
    }

    @Test void fourKilobytesOfOtherFiniteBytesInTheDataAreRefusedAsDamageNamingTheFile() throws IOException {
        Path p = checkpoint();
        byte[] b = Files.readAllBytes(p);
        int start = (int) dataStart(b);
        assertTrue(b.length - start >= 4096, "the data area holds " + (b.length - start) + " bytes");
        ByteBuffer damage = ByteBuffer.wrap(b, start, 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1024; i++) damage.putFloat(0.25f * i);
        Files.write(p, b);
        var e = assertThrows(TensorFileException.class, () -> Checkpoint.load(p));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test void anEditedStepInTheHeaderIsRefusedAsDamage() throws IOException {
        Path p = checkpoint();
        String s = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        assertTrue(s.contains("\"step\":\"7\""), "the header records the step");
        Files.write(p, s.replace("\"step\":\"7\"", "\"step\":\"8\"").getBytes(StandardCharsets.ISO_8859_1));
        var e = assertThrows(TensorFileException.class, () -> Checkpoint.load(p));
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test void aFileWithoutASealFromAnotherWriterStillOpens() throws IOException {
        Path p = dir.resolve("plain.safetensors");
        byte[] json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).putFloat(1.5f).putFloat(-2f);
        Files.write(p, b.array());
        assertArrayEquals(new float[] {1.5f, -2f}, Safetensors.read(p).get("w").toFloatArray());
    }

    @Test void theSealKeyIsReservedForTheWriter() {
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(dir.resolve("x.safetensors"),
                Map.of("w", Tensor.of(new float[] {1}, 1)), Map.of(ContentDigest.KEY, "x")));
    }

    /**
     * 10,000 seeded mutations of a sealed checkpoint (bit flips, byte runs, truncation, extension, a changed header
     * length): each load either fails with a TensorFileException naming the file or, when the mutation changed
     * nothing, returns the original values; no other exception, no OutOfMemoryError.
     */
    @Test void tenThousandMutatedCheckpointsEachFailAsADamagedFileOrLoadUnchanged() throws IOException {
        Path p = checkpoint(6, 5);
        byte[] original = Files.readAllBytes(p);
        Map<String, float[]> values = new LinkedHashMap<>();
        Checkpoint.load(p).model().forEach((k, v) -> values.put(k, v.toFloatArray()));
        SplittableRandom rng = new SplittableRandom(20261201);
        Path m = dir.resolve("mutant.ckpt");
        int refused = 0;
        // one open channel, overwritten and truncated in place: Files.write costs milliseconds per call on some file systems
        try (FileChannel out = FileChannel.open(m, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 10_000; i++) {
                byte[] b = mutate(original, rng);
                out.write(ByteBuffer.wrap(b), 0);
                out.truncate(b.length);
                try {
                    Checkpoint c = Checkpoint.load(m);
                    assertArrayEquals(original, b, "mutation " + i + " loaded although the file changed");
                    c.model().forEach((k, v) -> assertArrayEquals(values.get(k), v.toFloatArray(), k));
                } catch (TensorFileException e) {
                    assertTrue(e.getMessage().startsWith(m.toString()), e.getMessage());
                    refused++;
                }
            }
        }
        assertTrue(refused > 9_900, "only " + refused + " of 10,000 mutants were refused");
    }

    static byte[] mutate(byte[] original, SplittableRandom rng) {
        byte[] b = original.clone();
        switch (rng.nextInt(6)) {
            case 0 -> { int at = rng.nextInt(b.length); b[at] ^= (byte) (1 << rng.nextInt(8)); }
            case 1 -> { int at = rng.nextInt(b.length), n = 1 + rng.nextInt(Math.min(64, b.length - at)); for (int k = 0; k < n; k++) b[at + k] = (byte) rng.nextInt(256); }
            case 2 -> b = Arrays.copyOf(b, rng.nextInt(b.length));
            case 3 -> b = Arrays.copyOf(b, b.length + 1 + rng.nextInt(64));
            case 4 -> ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, rng.nextLong());
            default -> { int at = (int) dataStart(b) - 1 - rng.nextInt(64); b[at] = (byte) (' ' + rng.nextInt(95)); }
        }
        return b;
    }
}
