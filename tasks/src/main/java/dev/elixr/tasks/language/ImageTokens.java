package dev.elixr.tasks.language;

import dev.elixr.tasks.train.ImageTokenCache;
import dev.elixr.tensor.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A split's cached tower tokens looked up by dicom_id: the image side of stage-2 batches. */
public record ImageTokens(ImageTokenCache.Tokens tokens, Map<String, Integer> rowOf) {
    public static ImageTokens of(ImageTokenCache.Tokens tokens) {
        Map<String, Integer> rows = new HashMap<>();
        for (int i = 0; i < tokens.count(); i++) rows.putIfAbsent(tokens.ids().get(i), i);
        return new ImageTokens(tokens, rows);
    }

    public boolean has(String dicomId) { return rowOf.containsKey(dicomId); }

    /** The tower tokens [B,T,C] of the items' images. */
    public Tensor batch(List<Instruction> items) {
        int[] rows = new int[items.size()];
        for (int i = 0; i < rows.length; i++) {
            Integer r = rowOf.get(items.get(i).dicomId());
            if (r == null) throw new IllegalArgumentException("no cached image tokens for " + items.get(i).dicomId());
            rows[i] = r;
        }
        return tokens.batch(rows);
    }

    /**
     * The mean of every image's tower tokens [1,T,C]: an average image of the split, which carries nothing of any one
     * image (the text-only baseline's input).
     */
    public Tensor mean() {
        int per = tokens.tokens() * tokens.width();
        double[] sum = new double[per];
        float[] v = tokens.values();
        for (int i = 0; i < tokens.count(); i++) for (int j = 0; j < per; j++) sum[j] += v[i * per + j];
        float[] out = new float[per];
        for (int j = 0; j < per; j++) out[j] = (float) (sum[j] / Math.max(1, tokens.count()));
        return Tensor.wrap(out, 1, tokens.tokens(), tokens.width());
    }

    /** The items whose image has tokens (unreadable images were left out of the cache). */
    public List<Instruction> readable(List<Instruction> items) { return items.stream().filter(i -> has(i.dicomId())).toList(); }
}
