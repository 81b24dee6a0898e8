package dev.elixr.autograd.io;

import dev.elixr.tensor.DType;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    @TempDir Path dir;

    /** A file made of raw parts: 8-byte LE length, header text (as given), data bytes. */
    static byte[] raw(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    static Stream<Arguments> seedsAndShapes() {
        return Stream.of(Arguments.of(1L, new int[] {3}), Arguments.of(2L, new int[] {2, 5}), Arguments.of(3L, new int[] {2, 3, 4}),
                Arguments.of(4L, new int[] {}), Arguments.of(5L, new int[] {0, 4}), Arguments.of(6L, new int[] {1, 1, 7, 2}));
    }

    @ParameterizedTest
    @MethodSource("seedsAndShapes")
    void roundTripsF32BitExactAndMapsWithoutCopy(long seed, int[] shape) throws IOException {
        Tensor a = Tensor.normal(new SplittableRandom(seed), 0f, 3f, shape);
        Tensor b = Tensor.normal(new SplittableRandom(seed + 100), 0f, 1f, 4, 2).t(); // strided view
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("a", a);
        in.put("b.weight", b);
        Path p = dir.resolve("t.safetensors");
        Safetensors.write(p, in, Map.of("format", "pt"));
        Safetensors.Contents c = Safetensors.open(p);
        assertEquals(List.of("a", "b.weight"), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertArrayEquals(a.shape(), c.tensors().get("a").shape());
        assertArrayEquals(a.toFloatArray(), c.tensors().get("a").toFloatArray());
        assertArrayEquals(new int[] {2, 4}, c.tensors().get("b.weight").shape());
        assertArrayEquals(b.toFloatArray(), c.tensors().get("b.weight").toFloatArray());
        Tensor mapped = c.tensors().get("b.weight");
        SegmentStorage s = (SegmentStorage) mapped.storage();
        assertTrue(s.segment().isReadOnly(), "mapped tensors are read-only views of the file");
        assertTrue(s.segment().isMapped(), "tensor is a view of the mapping, not a copy");
        assertThrows(UnsupportedOperationException.class, () -> mapped.set(1f, 0, 0));
    }

    @Test
    void halfPrecisionKeepsItsStorageType() throws IOException {
        float[] v = {1f, -2.5f, 0.333f, 65504f, 1e-3f};
        Tensor f16 = new Tensor(new SegmentStorage(MemorySegment.ofArray(new byte[10]), DType.F16), 5);
        Tensor bf16 = new Tensor(new SegmentStorage(MemorySegment.ofArray(new byte[10]), DType.BF16), 5);
        for (int i = 0; i < 5; i++) {
            f16.set(v[i], i);
            bf16.set(v[i], i);
        }
        Path p = dir.resolve("h.safetensors");
        Safetensors.write(p, Map.of("h", f16));
        Safetensors.write(dir.resolve("b.safetensors"), Map.of("b", bf16));
        Tensor h = Safetensors.read(p).get("h"), b = Safetensors.read(dir.resolve("b.safetensors")).get("b");
        assertEquals(DType.F16, h.dtype());
        assertEquals(DType.BF16, b.dtype());
        assertArrayEquals(f16.toFloatArray(), h.toFloatArray());
        assertArrayEquals(bf16.toFloatArray(), b.toFloatArray());
        assertEquals(8 + headerLength(p) + 10, Files.size(p), "2 bytes per F16 element on disk");
    }

    private static long headerLength(Path p) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void readsIntegerTypesAsFloat() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(16 + 12 + 3).order(ByteOrder.LITTLE_ENDIAN);
        d.putLong(-7).putLong(1L << 20).putInt(3).putInt(-4).putInt(5).put((byte) 0).put((byte) 200).put((byte) 255);
        String h = "{\"i64\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"i32\":{\"dtype\":\"I32\",\"shape\":[3,1],\"data_offsets\":[16,28]},"
                + "\"u8\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[28,31]}}";
        Map<String, Tensor> t = Safetensors.read(file("i.safetensors", raw(h, d.array())));
        assertArrayEquals(new float[] {-7, 1 << 20}, t.get("i64").toFloatArray());
        assertArrayEquals(new int[] {3, 1}, t.get("i32").shape());
        assertArrayEquals(new float[] {3, -4, 5}, t.get("i32").toFloatArray());
        assertArrayEquals(new float[] {0, 200, 255}, t.get("u8").toFloatArray());
    }

    @Test
    void headerPaddedWithSpacesIsAccepted() throws IOException {
        String h = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}      ";
        assertArrayEquals(new float[] {1.5f, -2f}, Safetensors.read(file("p.safetensors", raw(h, floats(1.5f, -2f)))).get("x").toFloatArray());
    }

    static Stream<Arguments> malformed() {
        String ok = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        return Stream.of(
                Arguments.of("not json", "{\"x\":" + ok, "not valid JSON"),
                Arguments.of("array", "[1,2]", "not a JSON object"),
                Arguments.of("duplicate", "{\"x\":" + ok + ",\"x\":" + ok + "}", "not valid JSON"),
                Arguments.of("no dtype", "{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", "'w': missing or non-string dtype"),
                Arguments.of("bad dtype", "{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", "'w': unsupported dtype F64"),
                Arguments.of("no shape", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", "'w': missing shape"),
                Arguments.of("negative dim", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "'w': shape entry 0"),
                Arguments.of("float dim", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}", "'w': shape entry 0"),
                Arguments.of("huge shape", "{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", "more than 2^31-1"),
                Arguments.of("one offset", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", "'w': data_offsets must be"),
                Arguments.of("negative offset", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", "'w': data_offsets"),
                Arguments.of("reversed", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", "'w': data_offsets [8,0] end before"),
                Arguments.of("size mismatch", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "'w': F32 [3] needs 12 bytes"),
                Arguments.of("past the end", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "'w': data_offsets [0, 16) reach past the data area of 8"),
                Arguments.of("overlap", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "'a' and 'b' overlap"),
                Arguments.of("metadata not strings", "{\"__metadata__\":{\"n\":3},\"x\":" + ok + "}", "__metadata__ value 'n' is not a string"),
                Arguments.of("entry not object", "{\"w\":3}", "'w': header entry is not an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedHeadersNamingFileAndTensor(String label, String header, String expected) throws IOException {
        Path p = file("bad.safetensors", raw(header, floats(1f, 2f)));
        TensorFileException e = assertThrows(TensorFileException.class, () -> Safetensors.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        Path tiny = file("tiny.safetensors", new byte[] {1, 2, 3});
        assertTrue(assertThrows(TensorFileException.class, () -> Safetensors.read(tiny)).getMessage().contains("too short"));
        byte[] full = raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", floats(1f, 2f));
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 3);
        Path p = file("cut.safetensors", cut);
        assertTrue(assertThrows(TensorFileException.class, () -> Safetensors.read(p)).getMessage().contains("reach past the data area"));
        byte[] headerCut = java.util.Arrays.copyOf(full, 20);
        Path q = file("hcut.safetensors", headerCut);
        assertTrue(assertThrows(TensorFileException.class, () -> Safetensors.read(q)).getMessage().contains("does not fit the file"));
    }

    @Test
    void rejectsHeaderLengthBeyondFileOrLimit() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
        Path p = file("len.safetensors", b.array());
        assertTrue(assertThrows(TensorFileException.class, () -> Safetensors.read(p)).getMessage().contains("does not fit"));
        ByteBuffer neg = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).putLong(0);
        Path q = file("neg.safetensors", neg.array());
        assertTrue(assertThrows(TensorFileException.class, () -> Safetensors.read(q)).getMessage().contains("does not fit"));
        // a sparse file larger than the limit, whose header claims all of it
        Path big = dir.resolve("big.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(Safetensors.MAX_HEADER_BYTES + 64);
            byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(Safetensors.MAX_HEADER_BYTES + 8).array();
            f.write(len);
        }
        assertTrue(assertThrows(TensorFileException.class, () -> Safetensors.read(big)).getMessage().contains("exceeds the limit"));
    }

    @Test
    void rejectsIntegersThatFloat32CannotHold() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong((1L << 24) + 1);
        Path p = file("int.safetensors", raw("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", d.array()));
        TensorFileException e = assertThrows(TensorFileException.class, () -> Safetensors.read(p));
        assertTrue(e.getMessage().contains("'ids'") && e.getMessage().contains("not exact in float32"), e.getMessage());
    }

    @Test
    void writerRefusesMetadataName() {
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(dir.resolve("m.safetensors"), Map.of("__metadata__", Tensor.zeros(1))));
    }
}
