package dev.elixr.models.llm;

import dev.elixr.tensor.DType;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import dev.elixr.tensor.matvec.BlockFormat;
import dev.elixr.tensor.matvec.QuantizedMatrix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file (llama.cpp's format, versions 2 and 3), memory-mapped: a header of typed key–value metadata, tensor
 * descriptions (name, dimensions innermost first, ggml type, offset), then the aligned data. F32, F16 and BF16 tensors
 * come back as views of the mapping; Q8_0 and Q4_0 ones as {@link QuantizedMatrix} over it; nothing is copied.
 * Other tensor types are refused naming the tensor and the type.
 */
public final class Gguf {
    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int F32 = 0, F16 = 1, Q4_0 = 2, Q8_0 = 8, BF16 = 30;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A tensor's description: dims as GGUF lists them (innermost first). */
    public record Info(String name, long[] dims, int type, long offset) {}

    private final Path file;
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final Map<String, Info> tensors = new LinkedHashMap<>();
    private final MemorySegment map;
    private long pos, dataStart;

    private Gguf(Path file) throws IOException {
        this.file = file;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
        }
        if (map.byteSize() < 24 || map.get(I32, 0) != MAGIC) throw error("not a GGUF file (no GGUF magic)");
        int version = map.get(I32, 4);
        if (version != 2 && version != 3) throw error("GGUF version " + version + " is not supported (2, 3)");
        long nTensors = map.get(I64, 8), nKv = map.get(I64, 16);
        pos = 24;
        for (long i = 0; i < nKv; i++) {
            String key = string();
            metadata.put(key, value(u32()));
        }
        for (long i = 0; i < nTensors; i++) {
            String name = string();
            long[] dims = new long[u32()];
            for (int d = 0; d < dims.length; d++) dims[d] = i64();
            tensors.put(name, new Info(name, dims, u32(), i64()));
        }
        long align = metadata.get("general.alignment") instanceof Number n ? n.longValue() : 32;
        dataStart = (pos + align - 1) / align * align;
    }

    public static Gguf open(Path file) throws IOException { return new Gguf(file); }

    public Map<String, Object> metadata() { return metadata; }

    public Map<String, Info> tensors() { return tensors; }

    /** A metadata value, refused with a message when missing. */
    public Object require(String key) {
        Object v = metadata.get(key);
        if (v == null) throw new IllegalArgumentException(file + ": GGUF metadata '" + key + "' is missing");
        return v;
    }

    /** A dense tensor (F32/F16/BF16), shaped outermost first, e.g. a weight [out, in]. */
    public Tensor dense(String name) {
        Info t = info(name);
        DType type = switch (t.type()) {
            case F32 -> DType.F32;
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            default -> throw new IllegalArgumentException(file + ": tensor '" + name + "' is of ggml type " + t.type() + ", not F32, F16 or BF16");
        };
        int[] shape = new int[t.dims().length];
        long n = 1;
        for (int d = 0; d < shape.length; d++) {
            shape[d] = Math.toIntExact(t.dims()[shape.length - 1 - d]);
            n *= shape[d];
        }
        return new Tensor(new SegmentStorage(slice(t, n * type.byteSize()), type), shape);
    }

    /** True when the tensor is stored in a block format. */
    public boolean isQuantized(String name) { return info(name).type() == Q8_0 || info(name).type() == Q4_0; }

    /** A Q8_0 or Q4_0 matrix [out, in]. */
    public QuantizedMatrix quantized(String name) {
        Info t = info(name);
        BlockFormat f = switch (t.type()) {
            case Q8_0 -> BlockFormat.Q8_0;
            case Q4_0 -> BlockFormat.Q4_0;
            default -> throw new IllegalArgumentException(file + ": tensor '" + name + "' is of ggml type " + t.type() + ", not Q8_0 or Q4_0");
        };
        if (t.dims().length != 2) throw new IllegalArgumentException(file + ": quantised tensor '" + name + "' is not a matrix");
        int cols = Math.toIntExact(t.dims()[0]), rows = Math.toIntExact(t.dims()[1]);
        return new QuantizedMatrix(f, rows, cols, slice(t, rows * f.rowBytes(cols)));
    }

    public Info info(String name) {
        Info t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException(file + ": no tensor '" + name + "'");
        return t;
    }

    private MemorySegment slice(Info t, long bytes) {
        long at = dataStart + t.offset();
        if (at < dataStart || at + bytes > map.byteSize()) {
            throw new IllegalArgumentException(file + ": tensor '" + t.name() + "' at " + at + " (" + bytes + " bytes) reaches past the file's " + map.byteSize());
        }
        return map.asSlice(at, bytes);
    }

    // ------------------------------------------------------------------ header values

    private IllegalArgumentException error(String what) { return new IllegalArgumentException(file + ": " + what); }

    private int u32() { int v = map.get(I32, pos); pos += 4; return v; }

    private long i64() { long v = map.get(I64, pos); pos += 8; return v; }

    private String string() {
        long n = i64();
        if (n < 0 || pos + n > map.byteSize()) throw error("a string of " + n + " bytes at " + pos + " reaches past the file");
        byte[] b = map.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        return new String(b, StandardCharsets.UTF_8);
    }

    private Object value(int type) {
        return switch (type) {
            case 0 -> (long) (map.get(ValueLayout.JAVA_BYTE, pos++) & 0xff);
            case 1 -> (long) map.get(ValueLayout.JAVA_BYTE, pos++);
            case 2 -> { long v = map.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), pos) & 0xffff; pos += 2; yield v; }
            case 3 -> { long v = map.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), pos); pos += 2; yield v; }
            case 4 -> u32() & 0xffffffffL;
            case 5 -> (long) u32();
            case 6 -> { double v = map.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), pos); pos += 4; yield v; }
            case 7 -> map.get(ValueLayout.JAVA_BYTE, pos++) != 0;
            case 8 -> string();
            case 9 -> {
                int elem = u32();
                long n = i64();
                if (n < 0 || n > map.byteSize()) throw error("an array of " + n + " values at " + pos);
                List<Object> list = new ArrayList<>((int) Math.min(n, 1 << 20));
                for (long i = 0; i < n; i++) list.add(value(elem));
                yield list;
            }
            case 10, 11 -> i64();
            case 12 -> { double v = Double.longBitsToDouble(map.get(I64, pos)); pos += 8; yield v; }
            default -> throw error("metadata value type " + type + " at " + pos + " is not a GGUF type");
        };
    }
}
