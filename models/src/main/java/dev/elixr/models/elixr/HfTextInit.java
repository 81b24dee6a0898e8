package dev.elixr.models.elixr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elixr.models.hf.HfConfigs;
import dev.elixr.models.hf.HfFolder;
import dev.elixr.models.hf.WeightLoadException;
import dev.elixr.models.hf.WeightLoader;
import dev.elixr.models.hf.WeightMapping;
import dev.elixr.models.text.BertConfig;
import dev.elixr.models.text.Vocab;
import dev.elixr.models.text.WordPieceTokenizer;
import dev.elixr.tensor.Tensor;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ELIXR-C's text tower initialised from a pre-trained Hugging Face BERT folder (as ELIXR starts from a pre-trained
 * text encoder, section 2.1): {@code config.json} gives the shape, {@code vocab.txt} the WordPiece vocabulary (lower-cased
 * per {@code do_lower_case} of {@code tokenizer_config.json}, else of {@code config.json}, else as BERT uncased), and
 * {@code model.safetensors} (or shards with {@code model.safetensors.index.json}) the weights, named as HF
 * {@code BertModel} with or without {@code bert.}; the pooler and task heads ({@code cls.*}) are not used, since the
 * tower mean-pools ({@link TextTower}). The folder is checked when opened, so a bad one fails before any training.
 */
public final class HfTextInit {
    private final HfFolder folder;
    private final BertConfig bert;
    private final WordPieceTokenizer tokenizer;

    private HfTextInit(HfFolder folder, BertConfig bert, WordPieceTokenizer tokenizer) {
        this.folder = folder;
        this.bert = bert;
        this.tokenizer = tokenizer;
    }

    /** Opens and checks a folder: config.json of model_type bert, vocab.txt with the special tokens, weights present. */
    public static HfTextInit open(Path dir) {
        HfFolder f;
        try {
            f = HfFolder.open(dir);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new IllegalArgumentException("text encoder " + dir + " is not a Hugging Face BERT folder: " + e.getMessage(), e);
        }
        Path configFile = dir.resolve("config.json");
        if (!f.modelType().equals("bert"))
            throw new IllegalArgumentException("text encoder " + dir + ": " + configFile + " has model_type '" + f.modelType()
                    + "', expected bert (a Hugging Face BERT folder: config.json, vocab.txt, model.safetensors)");
        BertConfig bert;
        try {
            bert = HfConfigs.bert(f.config());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("text encoder " + dir + ": " + configFile + ": " + e.getMessage(), e);
        }
        if (bert.crossAttentionLayers().length > 0)
            throw new IllegalArgumentException("text encoder " + dir + ": " + configFile + " describes a BERT with cross-attention; ELIXR-C's text tower has none");
        Path vocabFile = f.file("vocab.txt").orElseThrow(() -> new IllegalArgumentException(
                "text encoder " + dir + ": no vocab.txt (a WordPiece vocabulary, one token per line) beside config.json"));
        Vocab vocab = Vocab.read(vocabFile);
        if (vocab.size() > bert.vocabSize())
            throw new IllegalArgumentException("text encoder " + dir + ": " + vocabFile + " has " + vocab.size()
                    + " tokens but config.json vocab_size is " + bert.vocabSize());
        for (String s : List.of(WordPieceTokenizer.CLS, WordPieceTokenizer.SEP, WordPieceTokenizer.PAD, WordPieceTokenizer.UNK))
            if (!vocab.contains(s))
                throw new IllegalArgumentException("text encoder " + dir + ": " + vocabFile + " lacks the special token " + s);
        if (f.file("model.safetensors").isEmpty() && f.file("model.safetensors.index.json").isEmpty())
            throw new IllegalArgumentException("text encoder " + dir + ": no model.safetensors or model.safetensors.index.json"
                    + (f.file("pytorch_model.bin").isPresent() ? " (pytorch_model.bin must be converted to safetensors first)" : ""));
        return new HfTextInit(f, bert, new WordPieceTokenizer(vocab, lowercase(f)));
    }

    private static boolean lowercase(HfFolder f) {
        for (String file : List.of("tokenizer_config.json", "config.json")) {
            Optional<JsonNode> j = f.json(file);
            if (j.isPresent() && j.get().has("do_lower_case")) return j.get().get("do_lower_case").asBoolean();
        }
        return true;
    }

    public Path dir() { return folder.dir(); }

    /** The checkpoint's BERT shape (with its pooler switched off). */
    public BertConfig bertConfig() { return bert.withPooler(false); }

    public WordPieceTokenizer tokenizer() { return tokenizer; }

    public Vocab vocab() { return tokenizer.vocab(); }

    /** The given model config with this checkpoint's text tower; it records the folder's absolute path as its origin. */
    public ElixrCConfig configure(ElixrCConfig base) {
        return base.withText(base.text().withBert(bert, !tokenizer.lowercase(), folder.dir().toAbsolutePath().normalize().toString()));
    }

    /**
     * Copies the weights into the model's text tower (onto the heap: the tower trains in place). Every tower tensor must
     * be present with its shape and nothing else may be left over (the pooler, {@code cls.*} heads and
     * {@code position_ids} excepted); all mismatches are listed, naming the file.
     */
    public void load(ElixrC model) {
        var mapped = WeightMapping.map(folder.weights(), "bert.", "pooler.");
        Map<String, Tensor> heap = new LinkedHashMap<>();
        mapped.weights().forEach((k, t) -> heap.put(k, Tensor.wrap(t.contiguous().toFloatArray(), t.shape())));
        var problems = WeightLoader.check(model.textEncoder().bert(), heap);
        if (!problems.isEmpty())
            throw new WeightLoadException(weightsSource(), "the BERT text tower that " + folder.dir().resolve("config.json") + " describes", problems, true);
        model.textEncoder().bert().loadStateDict(heap, true);
    }

    private String weightsSource() {
        Path single = folder.dir().resolve("model.safetensors");
        return Files.isRegularFile(single) ? single.toString() : folder.dir().resolve("model.safetensors.index.json") + " (and its shards)";
    }
}
