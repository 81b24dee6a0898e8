package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The single-turn chat prompt of each supported family, recognised from the markers of the model's Jinja
 * {@code chat_template} (tokenizer_config.json) or, without one, from the tokenizer's special tokens — the template
 * itself is not interpreted. Llama 3 (header tokens, ends with {@code <|eot_id|>}), ChatML (Qwen2, SmolLM:
 * {@code <|im_start|>}, ends with {@code <|im_end|>}), Zephyr (TinyLlama chat: {@code <|user|>}, ends with
 * {@code </s>}) and Llama 2 / Mistral ({@code [INST] … [/INST]}, ends with {@code </s>}).
 */
public enum ChatFormat {
    LLAMA3("<|start_header_id|>user<|end_header_id|>\n\n%s<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>"),
    CHATML("<|im_start|>user\n%s<|im_end|>\n<|im_start|>assistant\n", "<|im_end|>"),
    ZEPHYR("<|user|>\n%s</s>\n<|assistant|>\n", "</s>"),
    LLAMA2("[INST] %s [/INST]", "</s>");

    private final String template, end;

    ChatFormat(String template, String end) {
        this.template = template;
        this.end = end;
    }

    /** The prompt text for one user message (the tokenizer's post-processor adds BOS where the family has one). */
    public String prompt(String user) { return String.format(template, user); }

    /** Ids that end the assistant's turn in this tokenizer (the family's end marker, if it is one token). */
    public int[] endIds(BpeTokenizer tok) {
        int id = tok.id(end);
        return id < 0 ? new int[0] : new int[] {id};
    }

    /** The format of a model: by its tokenizer_config.json chat_template, else by the tokenizer's special tokens. */
    public static ChatFormat of(Path model, BpeTokenizer tok) {
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        Path config = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            try {
                String t = new ObjectMapper().readTree(config.toFile()).path("chat_template").asText("");
                ChatFormat f = fromTemplate(t);
                if (f != null) return f;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + config + ": " + e.getMessage(), e);
            }
        }
        if (tok.id("<|start_header_id|>") >= 0) return LLAMA3;
        if (tok.id("<|im_start|>") >= 0) return CHATML;
        throw new IllegalArgumentException("no chat format known for " + model + ": no chat_template in tokenizer_config.json and no "
                + "<|start_header_id|> or <|im_start|> token");
    }

    /** The family whose markers the Jinja template holds, or null. */
    static ChatFormat fromTemplate(String t) {
        if (t.contains("<|start_header_id|>")) return LLAMA3;
        if (t.contains("<|im_start|>")) return CHATML;
        if (t.contains("<|user|>")) return ZEPHYR;
        if (t.contains("[INST]")) return LLAMA2;
        return null;
    }
}
