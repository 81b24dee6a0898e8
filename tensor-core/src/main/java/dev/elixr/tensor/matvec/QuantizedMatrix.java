package dev.elixr.tensor.matvec;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A weight matrix [rows, cols] in a llama.cpp block format ({@link BlockFormat}), rows one after the other: read
 * from a GGUF file or quantised here from a float matrix as llama.cpp's reference quantiser does. y = W·x reads the
 * blocks directly ({@link BlockDots}), except Q8_0's, which the first product repacks one row per vector lane with
 * float32 scales ({@link Q8LaneRows}; with {@code -Delixr.q8.kernel=groups} the earlier four-row groups of
 * {@link Q8Rows}); the blocks stay as they are for {@link #data}, {@link #get} and {@link #row});
 * {@link #dequantize} gives the float32 matrix (for prefill's GEMM).
 */
public final class QuantizedMatrix {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final BlockFormat format;
    private final int rows, cols;
    private final MemorySegment data;
    private volatile Q8Rows repacked; // Q8_0 with -Delixr.q8.kernel=groups only, built by the first matvec
    private volatile Q8LaneRows laneRows; // Q8_0 by default, built by the first matvec

    /** The Q8_0 decode kernel: "lanes" ({@link Q8LaneRows}, default) or "groups" ({@link Q8Rows}, the earlier one). */
    static final boolean LANE_ROWS = !"groups".equals(System.getProperty("elixr.q8.kernel", "lanes"));

    /** Blocks already in memory (e.g. a mapped GGUF tensor): rows·cols/32 blocks of the format. */
    public QuantizedMatrix(BlockFormat format, int rows, int cols, MemorySegment data) {
        if (cols % BlockFormat.BLOCK != 0) throw new IllegalArgumentException(format + ": " + cols + " columns are not a multiple of " + BlockFormat.BLOCK);
        if (data.byteSize() != rows * format.rowBytes(cols)) {
            throw new IllegalArgumentException(format + " [" + rows + "," + cols + "] needs " + rows * format.rowBytes(cols) + " bytes, got " + data.byteSize());
        }
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    public BlockFormat format() { return format; }

    public int rows() { return rows; }

    public int cols() { return cols; }

    public MemorySegment data() { return data; }

    /** Quantises a float matrix w [rows, cols] (any stored type) block by block, as ggml's quantize_row_*_ref. */
    public static QuantizedMatrix quantize(Tensor w, BlockFormat format) {
        if (w.dim() != 2) throw new IllegalArgumentException("quantize: " + Shape.str(w.shape()) + " is not a matrix");
        int rows = w.size(0), cols = w.size(1);
        if (cols % BlockFormat.BLOCK != 0) {
            throw new IllegalArgumentException("quantize " + format + ": " + Shape.str(w.shape()) + " has " + cols + " columns, not a multiple of " + BlockFormat.BLOCK);
        }
        MemorySegment out = dev.elixr.tensor.HugePages.allocate(rows * format.rowBytes(cols));
        float[] block = new float[BlockFormat.BLOCK];
        long pos = 0;
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < cols; b += BlockFormat.BLOCK) {
                for (int j = 0; j < block.length; j++) block[j] = w.get(r, b + j);
                if (format == BlockFormat.Q8_0) q8(block, out, pos);
                else q4(block, out, pos);
                pos += format.blockBytes();
            }
        }
        return new QuantizedMatrix(format, rows, cols, out);
    }

    private static void q8(float[] x, MemorySegment out, long pos) {
        float amax = 0;
        for (float v : x) amax = Math.max(amax, Math.abs(v));
        float d = amax / 127, id = d != 0 ? 1 / d : 0;
        out.set(I16, pos, Float.floatToFloat16(d));
        for (int j = 0; j < x.length; j++) out.set(ValueLayout.JAVA_BYTE, pos + 2 + j, (byte) Math.round(x[j] * id));
    }

    private static void q4(float[] x, MemorySegment out, long pos) {
        float amax = 0, max = 0;
        for (float v : x) {
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8, id = d != 0 ? 1 / d : 0;
        out.set(I16, pos, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (byte) (x[j] * id + 8.5f)), hi = Math.min(15, (int) (byte) (x[j + 16] * id + 8.5f));
            out.set(ValueLayout.JAVA_BYTE, pos + 2 + j, (byte) (lo | hi << 4));
        }
    }

    /** Weight (r, c) as float. */
    public float get(int r, int c) {
        long block = (r * format.rowBytes(cols)) + (long) (c / BlockFormat.BLOCK) * format.blockBytes();
        float d = Float.float16ToFloat(data.get(I16, block));
        int j = c % BlockFormat.BLOCK;
        if (format == BlockFormat.Q8_0) return d * data.get(ValueLayout.JAVA_BYTE, block + 2 + j);
        int b = data.get(ValueLayout.JAVA_BYTE, block + 2 + (j & 15)) & 0xff;
        return d * ((j < 16 ? b & 15 : b >>> 4) - 8);
    }

    /** The float32 matrix [rows, cols], block by block. */
    public Tensor dequantize() {
        float[] out = new float[rows * cols];
        Parallel.forRange(rows, 16, (s, e) -> {
            for (int r = s; r < e; r++) row(r, out, r * cols);
        });
        return Tensor.wrap(out, rows, cols);
    }

    /** Row r dequantised into out[o …] (an embedding lookup). */
    public void row(int r, float[] out, int o0) {
        long rowBytes = format.rowBytes(cols);
        for (int b = 0; b < cols / BlockFormat.BLOCK; b++) {
            long at = r * rowBytes + (long) b * format.blockBytes();
            float d = Float.float16ToFloat(data.get(I16, at));
            int o = o0 + b * BlockFormat.BLOCK;
            for (int j = 0; j < 16; j++) {
                byte q0 = data.get(ValueLayout.JAVA_BYTE, at + 2 + j);
                if (format == BlockFormat.Q8_0) {
                    out[o + j] = d * q0;
                    out[o + j + 16] = d * data.get(ValueLayout.JAVA_BYTE, at + 18 + j);
                } else {
                    out[o + j] = d * ((q0 & 15) - 8);
                    out[o + j + 16] = d * (((q0 & 0xff) >>> 4) - 8);
                }
            }
        }
    }

    /** y = W·x on up to {@link Parallel#threads()} threads, which take chunks of rows in turn as {@link MatVec#matvec} does. */
    public void matvec(float[] x, float[] y) {
        if (x.length != cols || y.length != rows) {
            throw new IllegalArgumentException("matvec: " + format + " weight [" + rows + "," + cols + "] times a vector of " + x.length
                    + " into " + y.length + " (expected " + cols + " and " + rows + ")");
        }
        long rowBytes = format.rowBytes(cols);
        boolean parallel = (long) rows * cols >= MatVec.PARALLEL_WEIGHTS && Parallel.threads() > 1;
        if (format == BlockFormat.Q8_0 && LANE_ROWS) {
            Q8LaneRows q = laneRows();
            if (!parallel) q.rows(0, rows, x, y);
            else Parallel.forChunks(rows, Q8LaneRows.chunk(rows, Parallel.threads()), (s, e) -> q.rows(s, e, x, y));
        } else if (format == BlockFormat.Q8_0) {
            Q8Rows q = repacked();
            if (!parallel) q.rows(0, rows, x, y);
            else Parallel.forChunks(rows, MatVec.chunk(rows), (s, e) -> q.rows(s, e, x, y));
        } else if (!parallel) {
            BlockDots.rows(format, data, rowBytes, 0, rows, x, cols, y);
        } else {
            Parallel.forChunks(rows, MatVec.chunk(rows), (s, e) -> BlockDots.rows(format, data, rowBytes, s, e, x, cols, y));
        }
    }

    /**
     * y_i = W_i·x for several matrices of the same width (a decoding step's q, k and v projections, or gate and up):
     * when all are Q8_0 and the product is split across threads, one hand-off of their chunks together instead of one
     * per matrix; the same bits as {@link #matvec} on each, since a row's sum does not depend on its band.
     */
    public static void matvecs(float[] x, QuantizedMatrix[] ws, float[][] ys) {
        if (ws.length != ys.length) throw new IllegalArgumentException("matvecs: " + ws.length + " matrices but " + ys.length + " outputs");
        boolean fused = LANE_ROWS && Parallel.threads() > 1;
        for (int i = 0; i < ws.length; i++) {
            QuantizedMatrix w = ws[i];
            if (x.length != w.cols || ys[i].length != w.rows) {
                throw new IllegalArgumentException("matvecs: " + w.format + " weight " + i + " [" + w.rows + "," + w.cols + "] times a vector of " + x.length
                        + " into " + ys[i].length + " (expected " + w.cols + " and " + w.rows + ")");
            }
            fused &= w.format == BlockFormat.Q8_0 && (long) w.rows * w.cols >= MatVec.PARALLEL_WEIGHTS;
        }
        if (!fused) {
            for (int i = 0; i < ws.length; i++) ws[i].matvec(x, ys[i]);
            return;
        }
        Q8LaneRows[] q = new Q8LaneRows[ws.length];
        int[] chunk = new int[ws.length], first = new int[ws.length + 1];
        for (int i = 0; i < ws.length; i++) {
            q[i] = ws[i].laneRows();
            chunk[i] = Q8LaneRows.chunk(ws[i].rows, Parallel.threads());
            first[i + 1] = first[i] + (ws[i].rows + chunk[i] - 1) / chunk[i];
        }
        Parallel.forChunks(first[ws.length], 1, (s, e) -> {
            for (int c = s; c < e; c++) {
                int i = 0;
                while (c >= first[i + 1]) i++;
                int r0 = (c - first[i]) * chunk[i];
                q[i].rows(r0, Math.min(ws[i].rows, r0 + chunk[i]), x, ys[i]);
            }
        });
    }

    /** The Q8_0 blocks repacked one row per lane, made once. */
    private Q8LaneRows laneRows() {
        Q8LaneRows q = laneRows;
        if (q == null) {
            synchronized (this) {
                q = laneRows;
                if (q == null) laneRows = q = Q8LaneRows.of(data, rows, cols);
            }
        }
        return q;
    }

    /** The Q8_0 blocks repacked for the product, made once. */
    private Q8Rows repacked() {
        Q8Rows q = repacked;
        if (q == null) {
            synchronized (this) {
                q = repacked;
                if (q == null) repacked = q = Q8Rows.of(data, rows, cols);
            }
        }
        return q;
    }
}
