package dev.elixr.tasks.language;

import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.softprompt.SoftPromptBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Token ids of stage-2 items for the LLM's tokenizer: the prompt with the tokenizer's special tokens (BOS, as its
 * post-processor adds them), the answer as " answer" without them, then end of sequence. Rows longer than the LLM's
 * context (less the soft prompt) keep the answer (at most {@code maxAnswerTokens}) and cut the middle of the prompt,
 * so that its head and its closing words ("… Answer:") stay.
 */
public final class InstructionEncoder {
    /** Prompt tokens kept from the end of a prompt cut to fit. */
    static final int TAIL = 8;

    private final BpeTokenizer tokenizer;
    private final int eos, maxText, maxAnswerTokens;

    public InstructionEncoder(BpeTokenizer tokenizer, LlamaConfig llm, int softTokens, int maxAnswerTokens) {
        this.tokenizer = tokenizer;
        this.eos = eos(tokenizer, llm);
        int positions = llm.maxPositionEmbeddings() > 0 ? llm.maxPositionEmbeddings() : 2048;
        this.maxText = positions - softTokens;
        this.maxAnswerTokens = maxAnswerTokens;
        if (maxText < TAIL + 4 + 2) throw new IllegalArgumentException("the LLM's context of " + positions + " positions leaves no room after "
                + softTokens + " soft-prompt tokens");
        if (maxAnswerTokens < 2) throw new IllegalArgumentException("--max-answer-tokens " + maxAnswerTokens + ": must be >= 2");
    }

    /** The end-of-sequence id: the LLM config's first eos_token_id, else a token named like one in the vocabulary. */
    static int eos(BpeTokenizer tok, LlamaConfig llm) {
        int[] e = llm.eosTokenIds();
        if (e.length > 0) return e[0];
        for (String name : new String[] {"<|end_of_text|>", "<|endoftext|>", "</s>", "<eos>", "<|im_end|>"}) {
            int id = tok.id(name);
            if (id >= 0) return id;
        }
        throw new IllegalArgumentException("the LLM names no eos_token_id in config.json and its tokenizer has no end-of-sequence token");
    }

    public int eos() { return eos; }

    public BpeTokenizer tokenizer() { return tokenizer; }

    /** The prompt's ids (with the tokenizer's special tokens), cut to leave room for an answer of the longest kept length. */
    public int[] prompt(String prompt) {
        int[] ids = tokenizer.encode(prompt, true);
        int room = maxText - Math.min(maxAnswerTokens, maxText / 2);
        if (ids.length <= room) return ids;
        int[] cut = Arrays.copyOf(ids, room);
        System.arraycopy(ids, ids.length - TAIL, cut, room - TAIL, TAIL);
        return cut;
    }

    /** The answer's ids: " " + answer without special tokens, at most maxAnswerTokens − 1, then end of sequence. */
    public int[] answer(String answer) {
        int[] ids = tokenizer.encode(" " + answer.trim(), false);
        int n = Math.min(ids.length, maxAnswerTokens - 1);
        int[] out = Arrays.copyOf(ids, n + 1);
        out[n] = eos;
        return out;
    }

    /** A training batch of items behind softTokens soft-prompt positions (padded with the end-of-sequence id). */
    public SoftPromptBatch batch(List<Instruction> items, int softTokens) {
        List<int[]> p = new ArrayList<>(), a = new ArrayList<>();
        for (Instruction i : items) {
            p.add(prompt(i.prompt()));
            a.add(answer(i.answer()));
        }
        return SoftPromptBatch.of(p, a, softTokens, eos);
    }
}
