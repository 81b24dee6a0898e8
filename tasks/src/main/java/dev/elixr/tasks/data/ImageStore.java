package dev.elixr.tasks.data;

import dev.elixr.models.elixr.ImagePreprocessing;
import dev.elixr.models.image.ImageDecodeException;
import dev.elixr.tasks.progress.Progress;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;
import java.util.stream.IntStream;

/**
 * The decoded images of a split on disk, memory-mapped, so a run's heap holds only the batch it assembles: stages 1-2 of
 * the {@link ImagePipeline} (decode, resize, intensity stretch) run once per (image list, image size, decode preset)
 * and every later run with the same images reuses the file. The prepared values are arbitrary floats in [0, 1] (an
 * antialiased resize and a per-image stretch), not exact in 8 or 16 bits, so they are kept as their float32 bits, little
 * endian: a batch read from the store equals the in-memory pipeline's bit for bit. Mapped pages are the kernel's page
 * cache, not the Java heap.
 *
 * <p>The file, {@code <root>/<decode>-<size>px-<key>.images} (key: a hash of the preprocessing and the image paths):
 * <pre>
 *   0    "ELIXRIMG", version, size, count, images per chunk      (int32 little endian)
 *   24   fingerprint: SHA-256 of the version, the preprocessing and every image's path, length and modification time
 *   56   chunks done (the durable progress marker), CRC-32 of bytes 0-55 and of the description
 *   64   description (UTF-8, length-prefixed): the split and folder it was built from
 *   4096 one status byte per image: 1 decoded, 2 + problem ordinal when unreadable
 *   then (4096-aligned) count x size x size float32
 * </pre>
 * Building is parallel within a chunk and chunks are written in order: a chunk's pixels and statuses are forced to disk
 * before the marker counts it, so a killed build loses at most the chunk in flight and the next run resumes after the
 * last counted one. A store whose fingerprint differs (an image file changed) is rebuilt, saying so; a file that is not a
 * store of this version, has a damaged header or is shorter than its header says is refused with a message naming it.
 * A second process wanting a store being built waits on a file lock. The pixel area carries no checksum (verifying
 * 75 GB at every open would cost minutes): damage inside it is not detected.
 */
public final class ImageStore {
    /** The system property naming the folder stores live in; unset, {@link ImagePipeline#load} decodes into the heap. */
    public static final String ROOT_PROPERTY = "elixr.image-store";
    static final int VERSION = 1;
    static final int CHUNK = 256;
    private static final byte[] MAGIC = "ELIXRIMG".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 4096, FINGERPRINT_AT = 24, CHUNKS_AT = 56, CRC_AT = 60, DESCRIPTION_AT = 64;
    private static final byte DECODED = 1, UNREADABLE = 2;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final int size, count;
    private final MemorySegment pixels;
    private final byte[] status;

    private ImageStore(Path file, int size, int count, MemorySegment pixels, byte[] status) {
        this.file = file;
        this.size = size;
        this.count = count;
        this.pixels = pixels;
        this.status = status;
    }

    /** The folder named by {@link #ROOT_PROPERTY}, or null when images are decoded into the heap. */
    public static Path root() {
        String p = System.getProperty(ROOT_PROPERTY);
        return p == null || p.isBlank() || p.equals("off") ? null : Path.of(p);
    }

    /** The store file of these images under this preprocessing in {@code root} (it may not exist yet). */
    public static Path fileFor(Path root, ImagePreprocessing p, List<CxrStudy> studies) {
        MessageDigest d = sha256();
        d.update(prepareKey(p).getBytes(StandardCharsets.UTF_8));
        for (CxrStudy s : studies) d.update((s.image().toAbsolutePath().normalize() + "\n").getBytes(StandardCharsets.UTF_8));
        String key = HexFormat.of().formatHex(d.digest(), 0, 8);
        return root.resolve(p.decode() + "-" + p.size() + "px" + (p.stretch() ? "" : "-nostretch") + "-" + key + ".images");
    }

    /**
     * The store of these images in {@code root}: opened when complete and current, resumed when a build was interrupted,
     * rebuilt when its images changed, built when absent. {@code what} names the split in the progress bar and log.
     */
    public static ImageStore open(Path root, ImagePipeline pipeline, List<CxrStudy> studies, PrintStream log, String what) {
        return open(root, pipeline, studies, log, what, CHUNK, Integer.MAX_VALUE);
    }

    /**
     * As {@link #open}, with the chunk size and a build that stops after {@code chunkLimit} chunks, as if killed (for
     * tests): null when it stopped before the last chunk.
     */
    static ImageStore open(Path root, ImagePipeline pipeline, List<CxrStudy> studies, PrintStream log, String what,
                           int chunk, int chunkLimit) {
        ImagePreprocessing p = pipeline.preprocessing();
        Path file = fileFor(root, p, studies);
        byte[] fingerprint = fingerprint(p, studies);
        try {
            Files.createDirectories(root);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                try (FileLock lock = lock(ch, file, log)) {
                    Layout layout = new Layout(p.size(), studies.size(), chunk);
                    int done = chunksDone(ch, file, layout, fingerprint, log);
                    if (done < layout.chunks()) {
                        build(ch, file, layout, fingerprint, done, pipeline, studies, log, what, chunkLimit);
                        if (chunkLimit < layout.chunks() - done) return null;  // stopped as if killed
                    }
                }
            }
            return map(file, p.size(), studies.size(), chunk);
        } catch (IOException e) {
            throw new UncheckedIOException("image store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The deepest folder holding every image. */
    private static Path commonFolder(List<CxrStudy> studies) {
        Path common = studies.getFirst().image().toAbsolutePath().normalize().getParent();
        for (CxrStudy s : studies) {
            Path f = s.image().toAbsolutePath().normalize();
            while (common != null && !f.startsWith(common)) common = common.getParent();
        }
        return common == null ? Path.of("/") : common;
    }

    private static FileLock lock(FileChannel ch, Path file, PrintStream log) throws IOException {
        FileLock lock = ch.tryLock();
        if (lock != null) return lock;
        log.println("elixr: waiting for another process building image store " + file);
        return ch.lock();
    }

    /** Image {@code i} after stages 1-2 ({@code size x size} values in [0, 1]), read from the mapped file into a new array. */
    public float[] read(int i) {
        if (!decoded(i)) throw new IllegalArgumentException("image store " + file + ": image " + i + " was unreadable");
        float[] out = new float[size * size];
        MemorySegment.copy(pixels, FLOAT, (long) i * size * size * Float.BYTES, out, 0, out.length);
        return out;
    }

    /** Whether image {@code i} was decoded (false: it was unreadable and has no pixels). */
    public boolean decoded(int i) { return status[i] == DECODED; }

    /** The problem that made image {@code i} unreadable. */
    public ImageDecodeException.Problem problem(int i) { return ImageDecodeException.Problem.values()[status[i] - UNREADABLE]; }

    public Path file() { return file; }

    public int count() { return count; }

    /** The positions of the parts of a store of {@code count} images of {@code size x size}. */
    record Layout(int size, int count, int chunk) {
        long statusAt() { return HEADER; }
        long pixelsAt() { return (HEADER + count + HEADER - 1L) / HEADER * HEADER; }
        long bytesPerImage() { return (long) size * size * Float.BYTES; }
        long length() { return pixelsAt() + count * bytesPerImage(); }
        int chunks() { return (count + chunk - 1) / chunk; }
    }

    /** The chunks already built in the file (0 for a new, empty or stale store, which is then started afresh). */
    private static int chunksDone(FileChannel ch, Path file, Layout layout, byte[] fingerprint, PrintStream log) throws IOException {
        long length = ch.size();
        if (length == 0) return 0;
        if (length < HEADER)
            throw corrupt(file, "truncated: " + length + " bytes, shorter than its " + HEADER + "-byte header");
        MemorySegment h = MemorySegment.ofArray(new byte[HEADER]);
        ch.read(h.asByteBuffer(), 0);
        if (h.mismatch(MemorySegment.ofArray(new byte[HEADER])) == -1) return 0;  // killed before its header was written
        if (MemorySegment.ofArray(MAGIC).mismatch(h.asSlice(0, MAGIC.length)) != -1)
            throw corrupt(file, "not an elixr image store (no ELIXRIMG signature)");
        if (h.get(INT, CRC_AT) != crc(h))
            throw corrupt(file, "its header is damaged (checksum mismatch)");
        int version = h.get(INT, 8);
        if (version != VERSION)
            throw corrupt(file, "written as image store version " + version + ", this elixr reads version " + VERSION);
        byte[] had = h.asSlice(FINGERPRINT_AT, 32).toArray(ValueLayout.JAVA_BYTE);
        if (h.get(INT, 12) != layout.size() || h.get(INT, 16) != layout.count() || h.get(INT, 20) != layout.chunk()
                || !java.util.Arrays.equals(had, fingerprint)) {
            log.println("elixr: image store " + file + " is stale (built from " + description(h)
                    + "; an image file or the preprocessing has changed since): rebuilding it");
            ch.truncate(0);
            return 0;
        }
        int done = h.get(INT, CHUNKS_AT);
        if (done == 0) return 0;  // nothing counted yet: start afresh, whatever length the file reached
        if (length != layout.length())
            throw corrupt(file, "truncated or damaged: " + length + " bytes, its header says " + layout.length());
        if (done < 0 || done > layout.chunks()) throw corrupt(file, "its progress marker says " + done + " of " + layout.chunks() + " chunks");
        if (done < layout.chunks())
            log.printf("elixr: resuming the interrupted build of image store %s at image %,d of %,d%n", file,
                    Math.min((long) done * layout.chunk(), layout.count()), layout.count());
        return done;
    }

    private static IllegalStateException corrupt(Path file, String why) {
        return new IllegalStateException("image store " + file + " is " + why + ": delete the file (it is rebuilt from the images on the next run)");
    }

    private static void build(FileChannel ch, Path file, Layout layout, byte[] fingerprint, int from, ImagePipeline pipeline,
                              List<CxrStudy> studies, PrintStream log, String what, int chunkLimit) throws IOException {
        String description = what + " split, " + studies.size() + " images under " + commonFolder(studies);
        if (from == 0) {
            ch.truncate(0);
            writeHeader(ch, layout, fingerprint, 0, description);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0}), layout.length() - 1);  // sparse: pages appear as they are written
            ch.force(true);
            log.printf("elixr: building image store %s (%s, %s on disk)%n", file, description, human(layout.length()));
        }
        int skippedStart = Math.min(from * layout.chunk(), layout.count());
        Progress progress = new Progress("store " + what + (from > 0 ? " (resumed at " + skippedStart + ")" : ""),
                layout.count() - skippedStart, "img");
        try (Arena arena = Arena.ofShared()) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_WRITE, 0, layout.length(), arena);
            for (int c = from; c < layout.chunks() && c - from < chunkLimit; c++) {
                int lo = c * layout.chunk(), hi = Math.min(lo + layout.chunk(), layout.count());
                IntStream.range(lo, hi).parallel().forEach(i -> {
                    all.set(ValueLayout.JAVA_BYTE, layout.statusAt() + i, decode(pipeline, studies.get(i).image(), all, layout, i));
                    progress.advance(1, "");
                });
                all.asSlice(layout.pixelsAt() + lo * layout.bytesPerImage(), (hi - lo) * layout.bytesPerImage()).force();
                all.asSlice(layout.statusAt() + lo, hi - lo).force();
                all.set(INT, CHUNKS_AT, c + 1);
                all.asSlice(0, HEADER).force();
            }
        }
        progress.finish();
    }

    /** Stages 1-2 of image {@code i} into its place in the store; its status byte. */
    private static byte decode(ImagePipeline pipeline, Path image, MemorySegment all, Layout layout, int i) {
        try {
            float[] px = pipeline.read(image);
            MemorySegment.copy(px, 0, all, FLOAT, layout.pixelsAt() + i * layout.bytesPerImage(), px.length);
            return DECODED;
        } catch (ImageReadException e) {
            return (byte) (UNREADABLE + e.problem().ordinal());
        } catch (RuntimeException e) {
            return (byte) (UNREADABLE + ImageDecodeException.Problem.CORRUPT.ordinal());
        }
    }

    private static void writeHeader(FileChannel ch, Layout layout, byte[] fingerprint, int chunksDone, String description) throws IOException {
        MemorySegment h = MemorySegment.ofArray(new byte[HEADER]);
        MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, h, 0, MAGIC.length);
        h.set(INT, 8, VERSION);
        h.set(INT, 12, layout.size());
        h.set(INT, 16, layout.count());
        h.set(INT, 20, layout.chunk());
        MemorySegment.copy(MemorySegment.ofArray(fingerprint), 0, h, FINGERPRINT_AT, 32);
        h.set(INT, CHUNKS_AT, chunksDone);
        byte[] d = description.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(d.length, HEADER - DESCRIPTION_AT - 4);
        h.set(INT, DESCRIPTION_AT, n);
        MemorySegment.copy(MemorySegment.ofArray(d), 0, h, DESCRIPTION_AT + 4, n);
        h.set(INT, CRC_AT, crc(h));
        ch.write(h.asByteBuffer(), 0);
    }

    private static String description(MemorySegment h) {
        int n = Math.clamp(h.get(INT, DESCRIPTION_AT), 0, HEADER - DESCRIPTION_AT - 4);
        return new String(h.asSlice(DESCRIPTION_AT + 4, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** CRC-32 of the fixed header fields (bytes 0-55) and the description; the progress marker, rewritten per chunk, is checked by range. */
    private static int crc(MemorySegment header) {
        CRC32 c = new CRC32();
        c.update(header.asSlice(0, CHUNKS_AT).asByteBuffer());
        c.update(header.asSlice(DESCRIPTION_AT, HEADER - DESCRIPTION_AT).asByteBuffer());
        return (int) c.getValue();
    }

    private static ImageStore map(Path file, int size, int count, int chunk) throws IOException {
        Layout layout = new Layout(size, count, chunk);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() != layout.length())
                throw corrupt(file, "truncated or damaged: " + ch.size() + " bytes, its header says " + layout.length());
            byte[] status = new byte[count];
            ch.read(java.nio.ByteBuffer.wrap(status), layout.statusAt());
            for (int i = 0; i < count; i++)
                if (status[i] < DECODED || status[i] >= UNREADABLE + ImageDecodeException.Problem.values().length)
                    throw corrupt(file, "damaged: image " + i + " has status " + status[i]);
            MemorySegment px = ch.map(FileChannel.MapMode.READ_ONLY, layout.pixelsAt(), layout.length() - layout.pixelsAt(), Arena.ofAuto());
            return new ImageStore(file, size, count, px, status);
        }
    }

    /** The fingerprint of a store: version, preprocessing, and each image's path, length and modification time. */
    static byte[] fingerprint(ImagePreprocessing p, List<CxrStudy> studies) {
        MessageDigest d = sha256();
        d.update(("elixr image store " + VERSION + "\n" + prepareKey(p) + "\n").getBytes(StandardCharsets.UTF_8));
        for (CxrStudy s : studies) {
            Path f = s.image().toAbsolutePath().normalize();
            long length = -1, modified = -1;
            try {
                length = Files.size(f);
                modified = Files.getLastModifiedTime(f).toMillis();
            } catch (IOException ignored) { /* a missing file is fingerprinted as such, and recorded unreadable */ }
            d.update((f + "\t" + length + "\t" + modified + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return d.digest();
    }

    /** What of the preprocessing stages 1-2 depend on (mean and std act at batch time only). */
    private static String prepareKey(ImagePreprocessing p) {
        return "decode=" + p.decode() + " size=" + p.size() + " stretch=" + p.stretch();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
