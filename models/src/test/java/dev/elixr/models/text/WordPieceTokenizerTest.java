package dev.elixr.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Token ids against the committed Python reference (fixtures/tokenizer/make_tokenizer_cases.py) on a small vocab. */
class WordPieceTokenizerTest {
    private static final Vocab VOCAB = Vocab.read(Fixtures.path("tokenizer/vocab.txt"));

    private static JsonNode cases() throws IOException {
        return new ObjectMapper().readTree(Fixtures.path("tokenizer/cases.json").toFile());
    }

    static Stream<Arguments> unpadded() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : cases().get("cases")) {
            out.add(Arguments.of(c.get("text").asText(), c.get("lowercase").asBoolean(), ints(c.get("ids"))));
        }
        return out.stream();
    }

    static Stream<Arguments> padded() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : cases().get("padded")) {
            out.add(Arguments.of(c.get("text").asText(), c.get("maxLength").asInt(), ints(c.get("ids")), ints(c.get("mask"))));
        }
        return out.stream();
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    @ParameterizedTest(name = "[{index}] lower={1} {0}")
    @MethodSource("unpadded")
    void idsMatchPythonReference(String text, boolean lowercase, int[] expected) {
        assertArrayEquals(expected, new WordPieceTokenizer(VOCAB, lowercase).ids(text), () -> "text: " + text);
    }

    @ParameterizedTest(name = "[{index}] max={1} {0}")
    @MethodSource("padded")
    void truncationPaddingAndMask(String text, int maxLength, int[] ids, int[] mask) {
        Encoding e = new WordPieceTokenizer(VOCAB, true).encode(text, maxLength, true);
        assertArrayEquals(ids, e.ids());
        assertArrayEquals(mask, e.attentionMask());
        assertArrayEquals(new int[maxLength], e.tokenTypeIds());
    }

    @Test
    void wordPiecesUseLongestMatchFirst() {
        var tok = new WordPieceTokenizer(VOCAB, true);
        assertEquals(List.of("pneumo", "##thorax"), tok.tokenize("Pneumothorax"));
        assertEquals(List.of("un", "##aff", "##able"), tok.tokenize("unaffable"));
        assertEquals(List.of("[UNK]"), tok.tokenize("x".repeat(101)));
        assertEquals(100, tok.tokenize("x".repeat(100)).size());
    }

    @Test
    void accentsAreStrippedOnlyWhenLowercasing() {
        assertEquals(List.of("cafe"), new WordPieceTokenizer(VOCAB, true).tokenize("Café"));
        assertEquals(List.of("café"), new WordPieceTokenizer(VOCAB, false).tokenize("café"));
    }

    @Test
    void batchIsPaddedToItsLongestMember() {
        var tok = new WordPieceTokenizer(VOCAB, true);
        List<Encoding> b = tok.encodeBatch(List.of("no", "there is no pleural effusion"), 64);
        assertEquals(7, b.get(0).length());
        assertEquals(7, b.get(1).length());
        assertEquals(3, b.get(0).realLength());
        assertEquals(VOCAB.id("[PAD]"), b.get(0).ids()[3]);
        assertEquals("there is no pleural effusion", tok.decode(b.get(1).ids()));
    }

    @Test
    void tooShortMaxLengthIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new WordPieceTokenizer(VOCAB, true).encode("a", 1, false));
    }
}
