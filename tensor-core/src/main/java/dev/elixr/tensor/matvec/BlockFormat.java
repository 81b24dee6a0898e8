package dev.elixr.tensor.matvec;

/**
 * llama.cpp's block quantisation formats (ggml): each row is cut into blocks of 32 weights stored with one
 * float16 scale d. Q8_0: d then 32 signed bytes q, weight = d·q (34 bytes per block). Q4_0: d then 16 bytes of
 * nibbles, byte j holding weight j in its low nibble and weight j+16 in its high one, weight = d·(nibble − 8)
 * (18 bytes per block).
 */
public enum BlockFormat {
    Q8_0(34), Q4_0(18);

    /** Weights per block. */
    public static final int BLOCK = 32;

    private final int blockBytes;

    BlockFormat(int blockBytes) { this.blockBytes = blockBytes; }

    public int blockBytes() { return blockBytes; }

    /** Bytes of one row of cols weights (cols a multiple of 32). */
    public long rowBytes(int cols) { return (long) cols / BLOCK * blockBytes; }
}
