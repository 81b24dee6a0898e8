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

    /** The items whose image has tokens (unreadable images were left out of the cache). */
    public List<Instruction> readable(List<Instruction> items) { return items.stream().filter(i -> has(i.dicomId())).toList(); }
}
