package dev.elixr.models.qformer;

import dev.elixr.models.text.LengthGroups;

import java.util.Arrays;

/** A batch of token ids and their attention mask (1 = token, 0 = padding), [B·L] row-major. */
public record TextBatch(int[] ids, int[] attentionMask, int batch, int length) {
    public TextBatch {
        if (batch <= 0 || length <= 0) throw new IllegalArgumentException("text batch " + batch + "×" + length + " is empty");
        if (ids.length != batch * length) throw new IllegalArgumentException("text batch: " + ids.length + " ids, expected " + batch + "×" + length);
        if (attentionMask.length != ids.length) {
            throw new IllegalArgumentException("text batch: " + attentionMask.length + " mask entries, expected " + batch + "×" + length);
        }
        ids = ids.clone();
        attentionMask = attentionMask.clone();
    }

    /** A batch without padding. */
    public static TextBatch of(int[] ids, int batch, int length) {
        int[] mask = new int[ids.length];
        Arrays.fill(mask, 1);
        return new TextBatch(ids, mask, batch, length);
    }

    @Override public int[] ids() { return ids.clone(); }

    @Override public int[] attentionMask() { return attentionMask.clone(); }

    public int id(int row, int position) { return ids[row * length + position]; }

    public boolean isToken(int row, int position) { return attentionMask[row * length + position] != 0; }

    /** The same texts with the first token of every row replaced (BLIP-2's [DEC] for generation). */
    public TextBatch withFirstToken(int id) {
        int[] out = ids.clone();
        for (int r = 0; r < batch; r++) out[r * length] = id;
        return new TextBatch(out, attentionMask, batch, length);
    }

    /** The given rows, in that order (rows may repeat). */
    public TextBatch rows(int... rows) {
        return rows(rows, length);
    }

    /** The given rows, in that order (rows may repeat), cut to their first {@code length} positions (at most the batch's). */
    public TextBatch rows(int[] rows, int length) {
        if (length <= 0 || length > this.length) throw new IllegalArgumentException("text batch: " + length + " positions of texts of " + this.length);
        int[] outIds = new int[rows.length * length], outMask = new int[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= batch) throw new IllegalArgumentException("text row " + rows[i] + " outside [0, " + batch + ")");
            System.arraycopy(ids, rows[i] * this.length, outIds, i * length, length);
            System.arraycopy(attentionMask, rows[i] * this.length, outMask, i * length, length);
        }
        return new TextBatch(outIds, outMask, rows.length, length);
    }

    /** This batch's {@link LengthGroups} (see there). */
    public LengthGroups lengthGroups(int groupCost) {
        return LengthGroups.of(attentionMask, batch, length, groupCost);
    }

    @Override public boolean equals(Object o) {
        return o instanceof TextBatch t && batch == t.batch && length == t.length && Arrays.equals(ids, t.ids)
                && Arrays.equals(attentionMask, t.attentionMask);
    }

    @Override public int hashCode() { return Arrays.hashCode(ids) * 31 + Arrays.hashCode(attentionMask); }

    @Override public String toString() { return "TextBatch[" + batch + "×" + length + "]"; }
}
