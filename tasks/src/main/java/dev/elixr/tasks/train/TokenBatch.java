package dev.elixr.tasks.train;

import dev.elixr.models.text.Encoding;

import java.util.List;

/** Token ids and attention masks of a batch of texts, padded to the longest [B·T] row-major. */
public record TokenBatch(int[] ids, int[] mask, int batch, int length) {
    /** Pads pre-tokenised texts (unpadded encodings) to the longest of those selected by {@code rows}. */
    public static TokenBatch of(List<Encoding> encodings, int[] rows, int padId) {
        int length = 2;
        for (int r : rows) length = Math.max(length, encodings.get(r).length());
        int[] ids = new int[rows.length * length], mask = new int[rows.length * length];
        java.util.Arrays.fill(ids, padId);
        for (int b = 0; b < rows.length; b++) {
            Encoding e = encodings.get(rows[b]);
            System.arraycopy(e.ids(), 0, ids, b * length, e.length());
            System.arraycopy(e.attentionMask(), 0, mask, b * length, e.length());
        }
        return new TokenBatch(ids, mask, rows.length, length);
    }
}
