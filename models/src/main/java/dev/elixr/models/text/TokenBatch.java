package dev.elixr.models.text;

import java.util.Arrays;
import java.util.List;

/**
 * A batch of tokenised texts as a text encoder takes it: token ids and attention masks padded to the longest text,
 * {@code [batch · length]} row-major (1 for a real token, 0 for padding).
 */
public record TokenBatch(int[] ids, int[] mask, int batch, int length) {
    public TokenBatch {
        if (batch <= 0 || length <= 0 || ids.length != batch * length || mask.length != batch * length)
            throw new IllegalArgumentException("TokenBatch: " + ids.length + " ids and " + mask.length + " mask values for "
                    + batch + " texts of " + length + " tokens");
    }

    /** Pads the unpadded encodings selected by {@code rows} to the longest of them (at least 2 tokens). */
    public static TokenBatch of(List<Encoding> encodings, int[] rows, int padId) {
        int length = 2;
        for (int r : rows) length = Math.max(length, encodings.get(r).length());
        int[] ids = new int[rows.length * length], mask = new int[rows.length * length];
        Arrays.fill(ids, padId);
        for (int b = 0; b < rows.length; b++) {
            Encoding e = encodings.get(rows[b]);
            System.arraycopy(e.ids(), 0, ids, b * length, e.length());
            System.arraycopy(e.attentionMask(), 0, mask, b * length, e.length());
        }
        return new TokenBatch(ids, mask, rows.length, length);
    }

    /** The given rows, in that order, cut to their first {@code length} positions (at most the batch's). */
    public TokenBatch rows(int[] rows, int length) {
        if (length <= 0 || length > this.length) throw new IllegalArgumentException("TokenBatch: " + length + " positions of texts of " + this.length);
        int[] outIds = new int[rows.length * length], outMask = new int[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= batch) throw new IllegalArgumentException("TokenBatch: row " + rows[i] + " outside [0, " + batch + ")");
            System.arraycopy(ids, rows[i] * this.length, outIds, i * length, length);
            System.arraycopy(mask, rows[i] * this.length, outMask, i * length, length);
        }
        return new TokenBatch(outIds, outMask, rows.length, length);
    }

    /** Real tokens of text {@code b}. */
    public int realTokens(int b) {
        int n = 0;
        for (int t = 0; t < length; t++) n += mask[b * length + t];
        return n;
    }
}
