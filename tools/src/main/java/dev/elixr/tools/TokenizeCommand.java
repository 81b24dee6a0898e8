package dev.elixr.tools;

import dev.elixr.models.text.WordPieceTokenizer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** {@code elixr tokenize}: BERT WordPiece token ids of a text, with [CLS] and [SEP], comma-separated on one line. */
@Command(name = "tokenize", description = "Print the WordPiece token ids of a text ([CLS] … [SEP]), comma-separated.")
final class TokenizeCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--vocab", required = true, description = "vocab.txt (one token per line)")
    Path vocab;

    @ArgGroup(exclusive = true)
    Casing casing = new Casing();

    static final class Casing {
        @Option(names = "--lowercase", description = "lower-case and strip accents (BERT uncased; the default)")
        boolean lowercase;
        @Option(names = "--cased", description = "keep case and accents (BERT cased)")
        boolean cased;
    }

    @Option(names = "--text", required = true, description = "the text to tokenise")
    String text;

    @Option(names = "--max-length", description = "truncate to this many ids including [CLS] and [SEP]")
    Integer maxLength;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        var tokenizer = WordPieceTokenizer.read(vocab, !casing.cased);
        int[] ids = tokenizer.encode(text, maxLength == null ? Integer.MAX_VALUE : maxLength, false).ids();
        out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",")));
    }
}
