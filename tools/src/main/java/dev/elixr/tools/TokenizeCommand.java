package dev.elixr.tools;

import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.text.WordPieceTokenizer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code elixr tokenize}: token ids of a text, comma-separated on one line — BERT WordPiece with [CLS] and [SEP]
 * ({@code --vocab}), or a tokenizer.json BPE tokenizer with its post-processor's special tokens ({@code --tokenizer}),
 * which also decodes ids back to text ({@code --decode}).
 */
@Command(name = "tokenize", description = "Print the token ids of a text, comma-separated: WordPiece (--vocab, with [CLS] … [SEP]) "
        + "or a tokenizer.json (--tokenizer, with its special tokens); --decode turns ids back into text.")
final class TokenizeCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--vocab", description = "vocab.txt (one token per line): BERT WordPiece")
    Path vocab;

    @Option(names = "--tokenizer", description = "tokenizer.json, or a folder holding one: byte-level or SentencePiece-style BPE")
    Path tokenizer;

    @ArgGroup(exclusive = true)
    Casing casing = new Casing();

    static final class Casing {
        @Option(names = "--lowercase", description = "lower-case and strip accents (BERT uncased; the default)")
        boolean lowercase;
        @Option(names = "--cased", description = "keep case and accents (BERT cased)")
        boolean cased;
    }

    @Option(names = "--text", description = "the text to tokenise")
    String text;

    @Option(names = "--decode", split = ",", description = "ids to decode (with --tokenizer), comma-separated")
    int[] decode;

    @Option(names = "--max-length", description = "truncate to this many ids including [CLS] and [SEP] (WordPiece)")
    Integer maxLength;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if ((vocab == null) == (tokenizer == null)) throw new IllegalArgumentException("give exactly one of --vocab (WordPiece) or --tokenizer (tokenizer.json)");
        if ((text == null) == (decode == null)) throw new IllegalArgumentException("give exactly one of --text or --decode");
        if (vocab != null) {
            if (decode != null) throw new IllegalArgumentException("--decode needs --tokenizer");
            var wp = WordPieceTokenizer.read(vocab, !casing.cased);
            out.println(join(wp.encode(text, maxLength == null ? Integer.MAX_VALUE : maxLength, false).ids()));
            return;
        }
        BpeTokenizer bpe = BpeTokenizer.read(tokenizer);
        out.println(decode != null ? bpe.decode(decode, false) : join(bpe.encode(text)));
    }

    private static String join(int[] ids) { return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",")); }
}
