package dev.elixr.autograd.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elixr.tensor.DType;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON mapping
 * each tensor name to {dtype, shape, data_offsets [begin, end)} relative to the data area (plus an optional
 * "__metadata__" string map), then the little-endian data. Reading memory-maps the file: F32, F16 and BF16
 * tensors are views of the mapping without a copy (read-only); I64, I32 and U8 tensors are converted to
 * float32 (an integer that float32 cannot hold exactly is an error). Nothing in the header is trusted.
 *
 * <p>Every file written here is sealed with a SHA-256 of its contents ({@link ContentDigest}, metadata key
 * {@value ContentDigest#KEY}); a sealed file is verified when it is opened, before any value is used, and a file that
 * changed after it was written is refused as damaged. Files without a seal (from other writers) are read as they are.
 */
public final class Safetensors {
    /** Largest header accepted (as the reference implementation). */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private Safetensors() {}

    /** Tensors and metadata of a file; {@code sealed}: the file carried a seal and it matched. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata, boolean sealed) {}

    /** Tensors by name, in header order; see {@link #open}. */
    public static Map<String, Tensor> read(Path file) throws IOException { return open(file).tensors(); }

    /** Memory-maps and validates the file; the mapping lives as long as any of its tensors. */
    public static Contents open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new TensorFileException(file, "too short for a safetensors file (" + size + " bytes, need at least 8)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > size - 8) {
                throw new TensorFileException(file, "header length " + headerLen + " does not fit the file of " + size + " bytes");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new TensorFileException(file, "header length " + headerLen + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8, file);
            List<Entry> entries = new ArrayList<>();
            Map<String, String> metadata = parseHeader(file, new String(hb.array(), StandardCharsets.UTF_8), entries);
            long dataStart = 8 + headerLen, dataLen = size - dataStart;
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
            String seal = metadata.get(ContentDigest.KEY);
            if (seal != null) verifySeal(file, seal, lenBuf, hb.array(), map.asSlice(dataStart));
            metadata.remove(ContentDigest.KEY);
            validate(file, entries, dataLen);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                MemorySegment seg = map.asSlice(dataStart + e.begin, e.end - e.begin);
                tensors.put(e.name, e.type.toTensor(file, e.name, seg, e.shape));
            }
            return new Contents(tensors, metadata, seal != null);
        }
    }

    /** Writes F32/F16/BF16 tensors (each in its storage type) without metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException { write(file, tensors, Map.of()); }

    /** Writes tensors in map order with string metadata; the header is padded with spaces to 8 bytes. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            write(ch, tensors, metadata);
        }
    }

    /**
     * Writes to an open channel at its start (used by checkpoints, which fsync before renaming): the header with a
     * placeholder seal, the data, then the seal over everything written.
     */
    static void write(FileChannel ch, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        if (metadata.containsKey(ContentDigest.KEY))
            throw new IllegalArgumentException("safetensors: metadata key '" + ContentDigest.KEY + "' is reserved for the seal");
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        meta.put(ContentDigest.KEY, ContentDigest.PLACEHOLDER);
        long offset = 0;
        for (var e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("safetensors: '__metadata__' is not a tensor name");
            Tensor t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype().name());
            var shape = n.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            long bytes = (long) t.numel() * t.dtype().byteSize();
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        ContentDigest digest = ContentDigest.start().update(head);
        while (head.hasRemaining()) ch.write(head);
        for (Tensor t : tensors.values()) writeData(ch, t, digest);
        byte[] slot = ("\"" + ContentDigest.KEY + "\":\"" + ContentDigest.PLACEHOLDER).getBytes(StandardCharsets.US_ASCII);
        long at = 8 + ContentDigest.indexOf(json, slot) + slot.length - ContentDigest.PLACEHOLDER.length();
        ByteBuffer hex = ByteBuffer.wrap(digest.hex().getBytes(StandardCharsets.US_ASCII));
        while (hex.hasRemaining()) ch.write(hex, at + hex.position());
    }

    /** Checks the seal of a file before any of its values is used. */
    private static void verifySeal(Path file, String seal, ByteBuffer length, byte[] header, MemorySegment data)
            throws TensorFileException {
        byte[] unsealed = ContentDigest.wellFormed(seal) ? ContentDigest.withPlaceholder(header, seal) : null;
        if (unsealed == null)
            throw new TensorFileException(file, "damaged: its content checksum (" + ContentDigest.KEY + " in the header) is malformed");
        String actual = ContentDigest.start().update(length.rewind()).update(unsealed).update(data).hex();
        if (!actual.equals(seal))
            throw new TensorFileException(file, "damaged: the SHA-256 of its contents is " + actual + ", but it was written with "
                    + seal + "; the file changed after it was written (restore it from a copy, or use an older checkpoint)");
    }

    private static void writeData(FileChannel ch, Tensor t, ContentDigest digest) throws IOException {
        Tensor c = t.toCpu().contiguous();
        int n = c.numel(), es = c.dtype().byteSize();
        ByteBuffer buf = ByteBuffer.allocate(Math.max(es, Math.min(n * es, 1 << 20))).order(ByteOrder.LITTLE_ENDIAN);
        var st = c.storage();
        for (int i = 0; i < n; i++) {
            if (buf.remaining() < es) flush(ch, buf, digest);
            long p = c.offset() + i;
            switch (c.dtype()) {
                case F32 -> buf.putFloat(st.get(p));
                case F16 -> buf.putShort(Float.floatToFloat16(st.get(p)));
                case BF16 -> buf.putShort(DType.floatToBf16(st.get(p)));
            }
        }
        flush(ch, buf, digest);
    }

    private static void flush(FileChannel ch, ByteBuffer buf, ContentDigest digest) throws IOException {
        buf.flip();
        digest.update(buf);
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) throw new TensorFileException(file, "unexpected end of file");
        }
    }

    // ------------------------------------------------------------------ header

    private record Entry(String name, FileType type, int[] shape, long begin, long end) {}

    private static Map<String, String> parseHeader(Path file, String text, List<Entry> out) throws TensorFileException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new TensorFileException(file, "header is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new TensorFileException(file, "header is not a JSON object");
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            var f = it.next();
            String name = f.getKey();
            JsonNode n = f.getValue();
            if (name.equals("__metadata__")) {
                if (!n.isObject()) throw new TensorFileException(file, "__metadata__ is not an object");
                for (var m : n.properties()) {
                    if (!m.getValue().isTextual()) throw new TensorFileException(file, "__metadata__ value '" + m.getKey() + "' is not a string");
                    metadata.put(m.getKey(), m.getValue().asText());
                }
                continue;
            }
            out.add(parseEntry(file, name, n));
        }
        return metadata;
    }

    private static Entry parseEntry(Path file, String name, JsonNode n) throws TensorFileException {
        if (!n.isObject()) throw new TensorFileException(file, "tensor '" + name + "': header entry is not an object");
        JsonNode dt = n.get("dtype"), sh = n.get("shape"), off = n.get("data_offsets");
        if (dt == null || !dt.isTextual()) throw new TensorFileException(file, "tensor '" + name + "': missing or non-string dtype");
        FileType type = FileType.parse(file, name, dt.asText());
        if (sh == null || !sh.isArray()) throw new TensorFileException(file, "tensor '" + name + "': missing shape array");
        int[] shape = new int[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 0) {
                throw new TensorFileException(file, "tensor '" + name + "': shape entry " + i + " (" + d + ") is not a non-negative int");
            }
            shape[i] = d.asInt();
        }
        if (off == null || !off.isArray() || off.size() != 2) throw new TensorFileException(file, "tensor '" + name + "': data_offsets must be [begin, end]");
        for (JsonNode o : off) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
                throw new TensorFileException(file, "tensor '" + name + "': data_offsets " + off + " are not non-negative integers");
            }
        }
        long begin = off.get(0).asLong(), end = off.get(1).asLong();
        if (end < begin) throw new TensorFileException(file, "tensor '" + name + "': data_offsets " + off + " end before they begin");
        long numel = 1;
        for (int d : shape) {
            numel = Math.multiplyExact(numel, (long) d);
            if (numel > Integer.MAX_VALUE) throw new TensorFileException(file, "tensor '" + name + "': shape " + Shape.str(shape) + " has more than 2^31-1 elements");
        }
        if (numel * type.bytes != end - begin) {
            throw new TensorFileException(file, "tensor '" + name + "': " + type + " " + Shape.str(shape) + " needs " + numel * type.bytes
                    + " bytes, data_offsets " + off + " give " + (end - begin));
        }
        return new Entry(name, type, shape, begin, end);
    }

    private static void validate(Path file, List<Entry> entries, long dataLen) throws TensorFileException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.end > dataLen) {
                throw new TensorFileException(file, "tensor '" + e.name + "': data_offsets [" + e.begin + ", " + e.end
                        + ") reach past the data area of " + dataLen + " bytes");
            }
            if (e.end == e.begin) continue;
            if (prev != null && e.begin < prev.end) {
                throw new TensorFileException(file, "tensors '" + prev.name + "' and '" + e.name + "' overlap in the data area");
            }
            prev = e;
        }
    }

    // ------------------------------------------------------------------ element types

    private enum FileType {
        F32(4), F16(2), BF16(2), I64(8), I32(4), U8(1);

        final int bytes;

        FileType(int bytes) { this.bytes = bytes; }

        static FileType parse(Path file, String name, String s) throws TensorFileException {
            for (FileType t : values()) if (t.name().equals(s)) return t;
            throw new TensorFileException(file, "tensor '" + name + "': unsupported dtype " + s + " (supported: F32, F16, BF16, I64, I32, U8)");
        }

        Tensor toTensor(Path file, String name, MemorySegment seg, int[] shape) throws TensorFileException {
            return switch (this) {
                case F32 -> new Tensor(new SegmentStorage(seg, DType.F32), shape);
                case F16 -> new Tensor(new SegmentStorage(seg, DType.F16), shape);
                case BF16 -> new Tensor(new SegmentStorage(seg, DType.BF16), shape);
                case I64, I32, U8 -> Tensor.wrap(integers(file, name, seg), shape);
            };
        }

        private float[] integers(Path file, String name, MemorySegment seg) throws TensorFileException {
            int n = (int) (seg.byteSize() / bytes);
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                long v = switch (this) {
                    case I64 -> seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), (long) i * 8);
                    case I32 -> seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), (long) i * 4);
                    default -> seg.get(ValueLayout.JAVA_BYTE, i) & 0xff;
                };
                if (Math.abs(v) > (1L << 24)) {
                    throw new TensorFileException(file, "tensor '" + name + "': " + this + " value " + v + " at " + i + " is not exact in float32");
                }
                out[i] = v;
            }
            return out;
        }
    }
}
