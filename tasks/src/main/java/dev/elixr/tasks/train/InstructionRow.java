package dev.elixr.tasks.train;

import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.BpeTrainer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A row of the language model's corpus that teaches the instruction formats of ELIXR-B stage 2: a context (a report's
 * FINDINGS) and question-answer turns about it, laid out as stage 2 lays out its input, so that the frozen LM already
 * knows the answer formats and learns to answer from what comes before the prompt — the place the image's soft prompt
 * takes in stage 2 (where PaLM 2 in the paper brings question answering of its own). Tokens:
 * {@code <s> context} then per turn {@code <s> prompt answer </s>}, the prompt and the answer encoded apart as
 * stage 2 encodes them (" " + answer). Turns that do not fit the context length are left out whole.
 */
public record InstructionRow(String context, List<Turn> turns) {
    /** A prompt and the answer that follows it. */
    public record Turn(String prompt, String answer) {}

    /** The instruction rows of one split of a data set (built from that split's items only). */
    public interface Source {
        List<InstructionRow> rows(String split) throws IOException;

        /** What the rows are, for run.json. */
        String describe();
    }

    public InstructionRow {
        if (context == null || context.isBlank()) throw new IllegalArgumentException("instruction row without a context");
        turns = List.copyOf(turns);
    }

    /** The row's token ids, at most {@code maxLength}; null when not even the context and one turn fit. */
    public int[] encode(BpeTokenizer tok, int maxLength) {
        List<Integer> ids = new ArrayList<>();
        ids.add(BpeTrainer.BOS_ID);
        for (int id : tok.encode(context, false)) ids.add(id);
        int turnsKept = 0;
        for (Turn t : turns) {
            int[] p = tok.encode(t.prompt(), false), a = tok.encode(" " + t.answer().trim(), false);
            if (ids.size() + 1 + p.length + a.length + 1 > maxLength) break;
            ids.add(BpeTrainer.BOS_ID);
            for (int id : p) ids.add(id);
            for (int id : a) ids.add(id);
            ids.add(BpeTrainer.EOS_ID);
            turnsKept++;
        }
        if (turnsKept == 0) return null;
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
