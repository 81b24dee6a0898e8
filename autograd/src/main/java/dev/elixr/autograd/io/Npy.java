package dev.elixr.autograd.io;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's .npy format (NEP 1, versions 1–3): magic "\x93NUMPY", version, header length, a Python dict
 * literal {'descr', 'fortran_order', 'shape'} padded to 64 bytes, then the raw data. Reads float32,
 * float64, int64 and int32 in either byte order and C or Fortran order; writes C order, little-endian.
 */
public final class Npy {
    /** Element types exchanged with numpy. */
    public enum Type {
        FLOAT32("f4", 4), FLOAT64("f8", 8), INT64("i8", 8), INT32("i4", 4);

        final String code;
        final int bytes;

        Type(String code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }
    }

    /** An array as read: its element type, shape and values widened to double (int64 beyond 2^53 is refused). */
    public record Array(Type type, int[] shape, double[] values) {
        /** The values as a float32 tensor. */
        public Tensor toTensor() {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
            return Tensor.wrap(f, shape);
        }

        /** The values as longs (integers, or floats that are whole numbers). */
        public long[] toLongs() {
            long[] out = new long[values.length];
            for (int i = 0; i < out.length; i++) {
                if (values[i] != Math.rint(values[i])) throw new IllegalStateException("npy: value " + values[i] + " at " + i + " is not an integer");
                out[i] = (long) values[i];
            }
            return out;
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** A float32 tensor of the file's values (any supported type, converted). */
    public static Tensor read(Path file) throws IOException { return readArray(file).toTensor(); }

    public static Array readArray(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 10) throw new TensorFileException(file, "too short for a .npy file (" + all.length + " bytes)");
        for (int i = 0; i < MAGIC.length; i++) if (all[i] != MAGIC[i]) throw new TensorFileException(file, "not a .npy file (bad magic)");
        int major = all[6];
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (all.length < 12) throw new TensorFileException(file, "truncated .npy header");
            headerLen = b.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw new TensorFileException(file, "unsupported .npy version " + major);
        }
        if (start + headerLen > all.length) throw new TensorFileException(file, "header length " + headerLen + " runs past the end of the file");
        String header = new String(all, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new TensorFileException(file, "malformed header: " + header.strip());
        Type type = type(file, d.group(2) + d.group(3));
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        boolean fortran = f.group(1).equals("True");
        int[] shape = parseShape(file, s.group(1));
        int n = Shape.numel(shape);
        long dataStart = start + headerLen;
        if (dataStart + (long) n * type.bytes != all.length) {
            throw new TensorFileException(file, type + " " + Shape.str(shape) + " needs " + (long) n * type.bytes + " data bytes, file has "
                    + (all.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(all, (int) dataStart, n * type.bytes).slice().order(order);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (type) {
                case FLOAT32 -> data.getFloat(i * 4);
                case FLOAT64 -> data.getDouble(i * 8);
                case INT32 -> data.getInt(i * 4);
                case INT64 -> {
                    long x = data.getLong(i * 8);
                    if (Math.abs(x) > (1L << 53)) throw new TensorFileException(file, "int64 value " + x + " at " + i + " is too large");
                    yield x;
                }
            };
        }
        return new Array(type, shape, fortran ? fromFortran(v, shape) : v);
    }

    /** Writes a tensor as little-endian float32 in C order. */
    public static void write(Path file, Tensor t) throws IOException {
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        write(file, Type.FLOAT32, d, t.shape());
    }

    /** Writes values of the given type in C order; integer types need whole numbers in range. */
    public static void write(Path file, Type type, double[] values, int... shape) throws IOException {
        if (Shape.numel(shape) != values.length) {
            throw new IllegalArgumentException("npy write " + file + ": " + values.length + " values do not fill shape " + Shape.str(shape));
        }
        StringBuilder sh = new StringBuilder();
        for (int i = 0; i < shape.length; i++) sh.append(shape[i]).append(shape.length == 1 ? "," : i < shape.length - 1 ? ", " : "");
        String dict = "{'descr': '<" + type.code + "', 'fortran_order': False, 'shape': (" + sh + "), }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + values.length * type.bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            switch (type) {
                case FLOAT32 -> b.putFloat((float) v);
                case FLOAT64 -> b.putDouble(v);
                case INT32 -> b.putInt((int) whole(v, Integer.MIN_VALUE, Integer.MAX_VALUE, i));
                case INT64 -> b.putLong(whole(v, Long.MIN_VALUE, Long.MAX_VALUE, i));
            }
        }
        Files.write(file, b.array());
    }

    /** Writes longs as int64 in C order. */
    public static void writeLongs(Path file, long[] values, int... shape) throws IOException {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            if (Math.abs(values[i]) > (1L << 53)) throw new IllegalArgumentException("npy write " + file + ": value " + values[i] + " too large");
            d[i] = values[i];
        }
        write(file, Type.INT64, d, shape);
    }

    private static long whole(double v, long lo, long hi, int i) {
        if (v != Math.rint(v) || v < lo || v > hi) throw new IllegalArgumentException("npy write: value " + v + " at " + i + " is not an integer in range");
        return (long) v;
    }

    private static Type type(Path file, String code) throws TensorFileException {
        for (Type t : Type.values()) if (t.code.equals(code)) return t;
        throw new TensorFileException(file, "unsupported dtype " + code + " (supported: f4, f8, i8, i4)");
    }

    private static int[] parseShape(Path file, String s) throws TensorFileException {
        String[] parts = s.split(",");
        int count = 0;
        for (String p : parts) if (!p.isBlank()) count++;
        int[] shape = new int[count];
        int j = 0;
        for (String p : parts) {
            if (p.isBlank()) continue;
            try {
                shape[j++] = Integer.parseInt(p.strip().replace("L", ""));
            } catch (NumberFormatException e) {
                throw new TensorFileException(file, "bad shape (" + s + ")");
            }
        }
        return shape;
    }

    /** Reorders column-major values into row-major. */
    private static double[] fromFortran(double[] v, int[] shape) {
        int rank = shape.length;
        double[] out = new double[v.length];
        int[] idx = new int[rank];
        for (int c = 0; c < v.length; c++) {
            int f = 0, mul = 1;
            for (int d = 0; d < rank; d++) {
                f += idx[d] * mul;
                mul *= shape[d];
            }
            out[c] = v[f];
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }
}
