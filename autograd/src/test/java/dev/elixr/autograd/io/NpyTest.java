package dev.elixr.autograd.io;

import dev.elixr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files written by numpy (src/test/python/make_npy_fixtures.py) read back exactly; ours are byte-identical to numpy's. */
class NpyTest {
    @TempDir Path dir;

    static Path fixture(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/fixtures/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> numpyFiles() {
        return Stream.of(
                Arguments.of("f4.npy", Npy.Type.FLOAT32, (IntToDoubleFunction) i -> i * 0.5 - 3),
                Arguments.of("f8.npy", Npy.Type.FLOAT64, (IntToDoubleFunction) i -> i * 0.25 - 1),
                Arguments.of("i8.npy", Npy.Type.INT64, (IntToDoubleFunction) i -> i - 10),
                Arguments.of("i4.npy", Npy.Type.INT32, (IntToDoubleFunction) i -> i * 3),
                Arguments.of("f4_big_endian.npy", Npy.Type.FLOAT32, (IntToDoubleFunction) i -> i * 0.5 - 3),
                Arguments.of("f4_fortran.npy", Npy.Type.FLOAT32, (IntToDoubleFunction) i -> i * 0.5 - 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numpyFiles")
    void readsNumpyFiles(String name, Npy.Type type, IntToDoubleFunction expected) throws IOException {
        Npy.Array a = Npy.readArray(fixture(name));
        assertEquals(type, a.type());
        assertArrayEquals(new int[] {2, 3, 4}, a.shape());
        for (int i = 0; i < 24; i++) assertEquals(expected.applyAsDouble(i), a.values()[i], 0.0, name + " at " + i);
        Tensor t = Npy.read(fixture(name));
        assertArrayEquals(new int[] {2, 3, 4}, t.shape());
        assertEquals((float) expected.applyAsDouble(23), t.get(1, 2, 3));
    }

    @Test
    void readsScalarsAndVectors() throws IOException {
        Tensor s = Npy.read(fixture("scalar.npy"));
        assertEquals(0, s.dim());
        assertEquals(7.5f, s.item());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4}, Npy.read(fixture("vector.npy")).toFloatArray());
    }

    @Test
    void writesWhatNumpyWrites() throws IOException {
        float[] v = new float[24];
        for (int i = 0; i < 24; i++) v[i] = i * 0.5f - 3;
        Path p = dir.resolve("f4.npy");
        Npy.write(p, Tensor.of(v, 2, 3, 4));
        assertArrayEquals(Files.readAllBytes(fixture("f4.npy")), Files.readAllBytes(p));
        Path s = dir.resolve("scalar.npy");
        Npy.write(s, Tensor.scalar(7.5f));
        assertArrayEquals(Files.readAllBytes(fixture("scalar.npy")), Files.readAllBytes(s));
        Path vec = dir.resolve("vector.npy");
        Npy.write(vec, Tensor.arange(5));
        assertArrayEquals(Files.readAllBytes(fixture("vector.npy")), Files.readAllBytes(vec));
        double[] d = new double[24];
        for (int i = 0; i < 24; i++) d[i] = i - 10;
        Path i8 = dir.resolve("i8.npy");
        Npy.write(i8, Npy.Type.INT64, d, 2, 3, 4);
        assertArrayEquals(Files.readAllBytes(fixture("i8.npy")), Files.readAllBytes(i8));
    }

    static Stream<Arguments> roundTrips() {
        return Stream.of(Arguments.of(1L, new int[] {7}), Arguments.of(2L, new int[] {3, 4}), Arguments.of(3L, new int[] {2, 1, 5}),
                Arguments.of(4L, new int[] {0, 3}));
    }

    @ParameterizedTest
    @MethodSource("roundTrips")
    void roundTripsEveryType(long seed, int[] shape) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.normal(r, 0f, 10f, shape);
        if (shape.length >= 2) t = t.transpose(0, 1).contiguous().transpose(0, 1); // a strided view
        Path p = dir.resolve("x.npy");
        Npy.write(p, t);
        Tensor back = Npy.read(p);
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.toFloatArray(), back.toFloatArray());
        int n = t.numel();
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextDouble() * 1e6;
        for (Npy.Type type : Npy.Type.values()) {
            double[] values = d.clone();
            if (type == Npy.Type.INT32 || type == Npy.Type.INT64) for (int i = 0; i < n; i++) values[i] = Math.rint(values[i]) - 500_000;
            if (type == Npy.Type.FLOAT32) for (int i = 0; i < n; i++) values[i] = (float) values[i];
            Npy.write(p, type, values, shape);
            Npy.Array a = Npy.readArray(p);
            assertEquals(type, a.type());
            assertArrayEquals(values, a.values(), 0.0, type.toString());
        }
    }

    @Test
    void rejectsBadFiles() throws IOException {
        Path notNpy = dir.resolve("a.npy");
        Files.write(notNpy, "hello world, not numpy".getBytes());
        assertTrue(assertThrows(TensorFileException.class, () -> Npy.read(notNpy)).getMessage().contains("bad magic"));
        byte[] good = Files.readAllBytes(fixture("f4.npy"));
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length - 4));
        TensorFileException e = assertThrows(TensorFileException.class, () -> Npy.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()) && e.getMessage().contains("needs 96 data bytes, file has 92"), e.getMessage());
        Path complex = dir.resolve("c.npy");
        Files.write(complex, new String(good, java.nio.charset.StandardCharsets.ISO_8859_1).replace("<f4", "<c8").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(TensorFileException.class, () -> Npy.read(complex)).getMessage().contains("unsupported dtype c8"));
        assertThrows(IllegalArgumentException.class, () -> Npy.write(dir.resolve("w.npy"), Npy.Type.INT32, new double[] {1.5}, 1));
        assertThrows(IllegalArgumentException.class, () -> Npy.write(dir.resolve("w.npy"), Npy.Type.FLOAT32, new double[] {1, 2}, 3));
    }
}
