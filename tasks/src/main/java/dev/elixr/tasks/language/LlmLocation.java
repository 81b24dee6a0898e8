package dev.elixr.tasks.language;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where {@code --llm DIR_OR_RUN} finds the frozen LLM: a Hugging Face folder ({@code config.json}, weights,
 * {@code tokenizer.json}), or a run directory holding exactly one such folder one level down (e.g. what a language-model
 * training writes).
 */
public final class LlmLocation {
    private LlmLocation() {}

    public static Path resolve(Path dirOrRun) throws IOException {
        if (isModel(dirOrRun)) return dirOrRun;
        if (!Files.isDirectory(dirOrRun))
            throw new NoSuchFileException(dirOrRun.toString(), null, "--llm: not a Hugging Face model folder (config.json, model.safetensors, tokenizer.json) or a run holding one");
        List<Path> inside;
        try (Stream<Path> s = Files.list(dirOrRun)) {
            inside = s.filter(LlmLocation::isModel).sorted().toList();
        }
        if (inside.size() == 1) return inside.get(0);
        throw new NoSuchFileException(dirOrRun.toString(), null, inside.isEmpty()
                ? "--llm: no config.json and tokenizer.json here or in a folder one level down"
                : "--llm: several model folders inside (" + inside + "); name one");
    }

    private static boolean isModel(Path p) {
        return Files.isRegularFile(p.resolve("config.json")) && Files.isRegularFile(p.resolve("tokenizer.json"));
    }
}
