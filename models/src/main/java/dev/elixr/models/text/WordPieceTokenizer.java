package dev.elixr.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * BERT's full tokenizer: {@link BasicTokenizer} then {@link WordPiece}, with {@code [CLS]}/{@code [SEP]}, truncation
 * to a maximum length, padding with {@code [PAD]} and the attention mask. Matches Hugging Face's
 * {@code BertTokenizer} for single texts.
 */
public final class WordPieceTokenizer {
    public static final String CLS = "[CLS]", SEP = "[SEP]", PAD = "[PAD]", UNK = "[UNK]", MASK = "[MASK]";

    private final Vocab vocab;
    private final BasicTokenizer basic;
    private final WordPiece wordPiece;
    private final int cls, sep, pad;

    public WordPieceTokenizer(Vocab vocab, boolean lowercase) {
        this.vocab = vocab;
        Set<String> specials = new HashSet<>();
        for (String s : List.of(CLS, SEP, PAD, UNK, MASK)) if (vocab.contains(s)) specials.add(s);
        this.basic = new BasicTokenizer(lowercase, lowercase, specials);
        this.wordPiece = new WordPiece(vocab, UNK, WordPiece.DEFAULT_MAX_CHARS_PER_WORD);
        this.cls = vocab.id(CLS);
        this.sep = vocab.id(SEP);
        this.pad = vocab.id(PAD);
    }

    /** Reads {@code vocab.txt}; lower-cases unless told otherwise. */
    public static WordPieceTokenizer read(Path vocabFile, boolean lowercase) {
        return new WordPieceTokenizer(Vocab.read(vocabFile), lowercase);
    }

    /**
     * Reads a Hugging Face model folder: {@code vocab.txt}, and {@code do_lower_case} from {@code tokenizer_config.json}
     * when present (else lower-case, as BERT uncased).
     */
    public static WordPieceTokenizer fromFolder(Path dir) {
        Path vocab = dir.resolve("vocab.txt");
        if (!Files.isRegularFile(vocab)) throw new IllegalArgumentException("no vocab.txt in " + dir);
        boolean lower = true;
        Path cfg = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(cfg)) {
            try {
                JsonNode n = new ObjectMapper().readTree(cfg.toFile());
                if (n.has("do_lower_case")) lower = n.get("do_lower_case").asBoolean();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + cfg + ": " + e.getMessage(), e);
            }
        }
        return read(vocab, lower);
    }

    public Vocab vocab() { return vocab; }

    public boolean lowercase() { return basic.lowercase(); }

    /** Word pieces without special tokens. */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (String word : basic.tokenize(text)) out.addAll(wordPiece.split(word));
        return out;
    }

    /** {@code [CLS] pieces [SEP]} with no length limit and no padding. */
    public int[] ids(String text) {
        return encode(text, Integer.MAX_VALUE, false).ids();
    }

    /**
     * {@code [CLS] pieces [SEP]}, the pieces truncated so that the whole fits maxLength, padded to maxLength when
     * padToMax is set.
     */
    public Encoding encode(String text, int maxLength, boolean padToMax) {
        if (maxLength < 2) throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for [CLS] and [SEP]");
        List<String> pieces = tokenize(text);
        int n = Math.min(pieces.size(), maxLength - 2);
        int len = padToMax ? maxLength : n + 2;
        int[] ids = new int[len], mask = new int[len], types = new int[len];
        Arrays.fill(ids, pad);
        ids[0] = cls;
        for (int i = 0; i < n; i++) ids[i + 1] = vocab.id(pieces.get(i));
        ids[n + 1] = sep;
        Arrays.fill(mask, 0, n + 2, 1);
        return new Encoding(ids, mask, types);
    }

    /** A batch padded to its longest member (at most maxLength). */
    public List<Encoding> encodeBatch(List<String> texts, int maxLength) {
        List<Encoding> raw = new ArrayList<>();
        int longest = 2;
        for (String t : texts) {
            Encoding e = encode(t, maxLength, false);
            raw.add(e);
            longest = Math.max(longest, e.length());
        }
        List<Encoding> out = new ArrayList<>(raw.size());
        for (Encoding e : raw) out.add(padTo(e, longest));
        return out;
    }

    private Encoding padTo(Encoding e, int len) {
        int[] ids = Arrays.copyOf(e.ids(), len), mask = Arrays.copyOf(e.attentionMask(), len);
        Arrays.fill(ids, e.length(), len, pad);
        return new Encoding(ids, mask, new int[len]);
    }

    /** Joins word pieces back into text (drops special tokens, merges {@code ##} continuations). */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            String t = vocab.token(id);
            if (t.equals(CLS) || t.equals(SEP) || t.equals(PAD)) continue;
            if (t.startsWith("##")) sb.append(t, 2, t.length());
            else {
                if (!sb.isEmpty()) sb.append(' ');
                sb.append(t);
            }
        }
        return sb.toString();
    }
}
