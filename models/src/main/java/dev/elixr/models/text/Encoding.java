package dev.elixr.models.text;

import java.util.Arrays;

/**
 * One tokenised text, ready for a BERT encoder: token ids ({@code [CLS] … [SEP]} then padding), the attention mask
 * (1 for real tokens, 0 for padding) and the token-type ids (all 0 for a single segment).
 */
public record Encoding(int[] ids, int[] attentionMask, int[] tokenTypeIds) {
    public Encoding {
        if (ids.length != attentionMask.length || ids.length != tokenTypeIds.length) {
            throw new IllegalArgumentException("encoding arrays differ in length: ids " + ids.length
                    + ", mask " + attentionMask.length + ", token types " + tokenTypeIds.length);
        }
    }

    public int length() { return ids.length; }

    /** Number of real (unpadded) tokens. */
    public int realLength() {
        int n = 0;
        for (int m : attentionMask) n += m;
        return n;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(attentionMask, e.attentionMask)
                && Arrays.equals(tokenTypeIds, e.tokenTypeIds);
    }

    @Override public int hashCode() { return Arrays.hashCode(ids) * 31 + Arrays.hashCode(attentionMask); }

    @Override public String toString() { return "Encoding" + Arrays.toString(ids); }
}
