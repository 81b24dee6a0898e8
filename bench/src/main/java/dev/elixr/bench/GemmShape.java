package dev.elixr.bench;

/** A GEMM shape M×K×N, written "MxKxN", with a trailing "t" when B is stored transposed (N×K, as a Linear weight). */
public record GemmShape(int m, int k, int n, boolean transB) {
    public static GemmShape parse(String s) {
        String t = s.strip().toLowerCase();
        boolean tb = t.endsWith("t");
        String[] p = (tb ? t.substring(0, t.length() - 1) : t).split("x");
        try {
            if (p.length != 3) throw new NumberFormatException();
            GemmShape g = new GemmShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), tb);
            if (g.m <= 0 || g.k <= 0 || g.n <= 0) throw new NumberFormatException();
            return g;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GEMM shape '" + s + "' should be MxKxN with positive sizes, e.g. 197x768x3072 (append t for a transposed B)");
        }
    }

    public double flops() { return 2.0 * m * n * k; }

    @Override public String toString() { return m + "x" + k + "x" + n + (transB ? "t" : ""); }
}
