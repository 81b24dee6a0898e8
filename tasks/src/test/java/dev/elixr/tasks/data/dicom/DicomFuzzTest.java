package dev.elixr.tasks.data.dicom;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 12,000 seeded mutations of the fixtures (truncations, wrong and huge lengths, bad VRs, flipped bytes, inserted and
 * deleted bytes, spliced copies, undefined-length sequences nested 1..40 deep, closed or not, and combinations): each file either decodes or is refused with the
 * reader's own exception naming it. Any other exception or error, or a file not done within 20 s (a hang), fails the
 * test with its seed. Files are parsed from memory; nothing is written to disk.
 */
class DicomFuzzTest {
    static final int FILES = 12_000;
    static final long SEED = 0x22D1C0L;

    record Outcome(int decoded, int refused) {}

    @Test
    void everyMutatedFileDecodesOrIsRefusedWithADicomExceptionNamingIt() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (String n : Fixtures.DECODED) seeds.add(Fixtures.bytes(n + ".dcm"));
        for (String n : Fixtures.REFUSED) seeds.add(Fixtures.bytes(n + ".dcm"));
        seeds.add(nested());
        DicomReader reader = new DicomReader(DicomReader.Options.defaults().withMaxPixels(1 << 22));
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dicom-fuzz");
            t.setDaemon(true);
            return t;
        });
        int decoded = 0, refused = 0;
        try {
            for (int i = 0; i < FILES; i++) {
                SplittableRandom rnd = new SplittableRandom(SEED + i);
                byte[] base = seeds.get(rnd.nextInt(seeds.size()));
                String mutation = mutationName(rnd.nextInt(MUTATIONS));
                byte[] bytes = mutate(base, mutation, rnd);
                Path name = Path.of("fuzz-" + i + "-" + mutation + ".dcm");
                Future<Boolean> run = worker.submit(() -> decodesOrRefuses(reader, bytes, name));
                try {
                    if (run.get(20, TimeUnit.SECONDS)) decoded++;
                    else refused++;
                } catch (TimeoutException e) {
                    fail("file " + i + " (" + mutation + ", seed " + (SEED + i) + ") did not finish within 20 s");
                } catch (ExecutionException e) {
                    throw new AssertionError("file " + i + " (" + mutation + ", seed " + (SEED + i) + "): " + e.getCause(), e.getCause());
                }
            }
        } finally {
            worker.shutdownNow();
        }
        assertEquals(FILES, decoded + refused);
        assertTrue(decoded > 100 && refused > 1000, "decoded " + decoded + ", refused " + refused + ": the mutations should reach both outcomes");
    }

    /** True when it decoded (and the result is self-consistent), false when refused with a DicomException naming the file. */
    private static boolean decodesOrRefuses(DicomReader reader, byte[] bytes, Path name) {
        try {
            DicomImage img = reader.read(bytes, name);
            int n = img.rows() * img.columns();
            assertEquals(n, img.raw().length);
            assertEquals(n, img.display().length);
            return true;
        } catch (DicomException e) {
            assertEquals(name, e.file());
            assertTrue(e.getMessage().contains(name.toString()), e.getMessage());
            return false;
        }
    }

    static final int MUTATIONS = 10;

    static String mutationName(int k) {
        return switch (k) {
            case 0 -> "truncate";
            case 1 -> "flip";
            case 2 -> "length32";
            case 3 -> "length16";
            case 4 -> "vr";
            case 5 -> "insert";
            case 6 -> "delete";
            case 7 -> "splice";
            case 8 -> "nest";
            default -> "multi";
        };
    }

    static byte[] mutate(byte[] in, String how, SplittableRandom rnd) {
        byte[] b = in.clone();
        int body = 132;
        return switch (how) {
            case "truncate" -> java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case "flip" -> {
                for (int k = 1 + rnd.nextInt(8); k > 0; k--) b[body + rnd.nextInt(b.length - body)] ^= (byte) (1 << rnd.nextInt(8));
                yield b;
            }
            case "length32" -> put32(b, lengthPosition(b, rnd), interesting(rnd));
            case "length16" -> {
                int at = lengthPosition(b, rnd);
                int v = (int) interesting(rnd);
                b[at] = (byte) v;
                b[at + 1] = (byte) (v >> 8);
                yield b;
            }
            case "vr" -> {
                int at = body + rnd.nextInt(b.length - body - 1);
                b[at] = (byte) ('A' + rnd.nextInt(26) + (rnd.nextInt(4) == 0 ? 40 : 0));
                b[at + 1] = (byte) ('A' + rnd.nextInt(26));
                yield b;
            }
            case "insert" -> {
                int at = body + rnd.nextInt(b.length - body);
                byte[] extra = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(extra);
                yield splice(b, at, at, extra);
            }
            case "delete" -> {
                int at = body + rnd.nextInt(b.length - body), n = Math.min(1 + rnd.nextInt(16), b.length - at);
                yield splice(b, at, at + n, new byte[0]);
            }
            case "splice" -> {
                int from = body + rnd.nextInt(b.length - body), n = rnd.nextInt(Math.min(200, b.length - from) + 1);
                int at = body + rnd.nextInt(b.length - body);
                yield splice(b, at, at, java.util.Arrays.copyOfRange(b, from, from + n));
            }
            case "nest" -> {
                // 1..40 undefined-length SQ/Item headers (mostly explicit) at an element-looking position, closed at once
                // (an empty nested sequence), after a random number of bytes, or never
                int at = elementStart(b, rnd);
                int depth = 1 + rnd.nextInt(40);
                DicomBytes open = new DicomBytes(rnd.nextInt(4) > 0), close = new DicomBytes(true);
                for (int k = 0; k < depth; k++) {
                    open.header(0x0008_1140, "SQ", 0xFFFF_FFFFL).item(0xFFFF_FFFFL);
                    close.itemEnd().sequenceEnd();
                }
                byte[] opened = splice(b, at, at, open.bytes());
                int end = at + open.bytes().length + (rnd.nextBoolean() ? 0 : rnd.nextInt(Math.max(1, b.length - at)));
                yield rnd.nextInt(3) == 0 ? opened : splice(opened, Math.min(end, opened.length), Math.min(end, opened.length), close.bytes());
            }
            default -> {
                byte[] m = b;
                for (int k = 2 + rnd.nextInt(3); k > 0; k--) m = mutate(m.length > body + 8 ? m : b, mutationName(1 + rnd.nextInt(8)), rnd);
                yield m;
            }
        };
    }

    /** A position likely to hold a length: 4 or 6 bytes after the start of an element header, else anywhere. */
    private static int lengthPosition(byte[] b, SplittableRandom rnd) {
        for (int tries = 0; tries < 64; tries++) {
            int at = 132 + rnd.nextInt(b.length - 136);
            boolean vr = b[at] >= 'A' && b[at] <= 'Z' && b[at + 1] >= 'A' && b[at + 1] <= 'Z';
            if (vr) return Math.min(b.length - 4, at + (rnd.nextBoolean() ? 2 : 4));
        }
        return 132 + rnd.nextInt(b.length - 136);
    }

    /** A position likely to start an explicit VR element: 4 bytes before two bytes that name a VR, else anywhere. */
    private static int elementStart(byte[] b, SplittableRandom rnd) {
        for (int tries = 0; tries < 64; tries++) {
            int at = 136 + rnd.nextInt(b.length - 138);
            if (Vr.of(b[at] & 0xFF, b[at + 1] & 0xFF) != null) return at - 4;
        }
        return 132 + rnd.nextInt(b.length - 132);
    }

    private static long interesting(SplittableRandom rnd) {
        long[] v = {0, 1, 2, 3, 0xFF, 0xFFFF, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFEL, 0xFFFF_FFFFL, 0xFFFF_FFF0L};
        return rnd.nextBoolean() ? v[rnd.nextInt(v.length)] : rnd.nextLong(1L << 32);
    }

    private static byte[] put32(byte[] b, int at, long v) {
        for (int k = 0; k < 4 && at + k < b.length; k++) b[at + k] = (byte) (v >> (8 * k));
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    /** A valid file with undefined-length sequences nested 20 deep before a small image. */
    private static byte[] nested() {
        DicomBytes ds = new DicomBytes(true);
        for (int i = 0; i < 20; i++) ds.header(0x0008_1140, "SQ", 0xFFFF_FFFFL).item(0xFFFF_FFFFL).text(0x0008_0100, "SH", "L" + i);
        for (int i = 0; i < 20; i++) ds.itemEnd().sequenceEnd();
        byte[] px = new byte[32];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 5);
        return DicomBytes.part10("1.2.840.10008.1.2.1", ds.image(4, 4, 16, px).bytes());
    }
}
