package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Byte-level BPE (Llama-3 and GPT-2 styles) and SentencePiece-style BPE with byte fallback (normalizer and Metaspace
 * variants) against the ids and decoded texts of the reference, npm @huggingface/tokenizers 0.2.0, on the texts of
 * fixtures/llm/tokenizers/make_tokenizer_fixtures.mjs: spaces, tabs, newlines, digits, emoji, accents, CJK, contractions,
 * empty text and special tokens inside text.
 */
class BpeTokenizerTest {
    static JsonNode cases(String kind) throws IOException {
        return new ObjectMapper().readTree(Fixtures.path("llm/tokenizers/" + kind + "/cases.json").toFile());
    }

    static BpeTokenizer tokenizer(String kind) { return BpeTokenizer.read(Fixtures.path("llm/tokenizers/" + kind)); }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"byte_level", "gpt2_style", "sentencepiece_bpe", "sentencepiece_metaspace", "trained_reports"})
    void idsEqualTheReferenceTokenizers(String kind) throws IOException {
        BpeTokenizer tok = tokenizer(kind);
        for (JsonNode c : cases(kind)) {
            String text = c.get("text").asText();
            assertArrayEquals(ints(c.get("ids")), tok.encode(text), () -> kind + " ids of '" + text + "'");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"byte_level", "gpt2_style", "sentencepiece_bpe", "sentencepiece_metaspace", "trained_reports"})
    void decodeEqualsTheReferenceTokenizers(String kind) throws IOException {
        BpeTokenizer tok = tokenizer(kind);
        for (JsonNode c : cases(kind)) {
            int[] ids = ints(c.get("ids"));
            assertEquals(c.get("decoded").asText(), tok.decode(ids, false), () -> kind + " decode of " + Arrays.toString(ids));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"byte_level", "gpt2_style", "sentencepiece_bpe", "sentencepiece_metaspace", "trained_reports"})
    void streamingOneTokenAtATimeGivesTheSameTextWithoutBrokenCharacters(String kind) throws IOException {
        BpeTokenizer tok = tokenizer(kind);
        for (JsonNode c : cases(kind)) {
            int[] ids = ints(c.get("ids"));
            StreamDecoder s = tok.streamDecoder(true);
            StringBuilder text = new StringBuilder();
            for (int id : ids) {
                String piece = s.push(id);
                assertFalse(piece.contains("\uFFFD"), () -> kind + ": a partial character was emitted for '" + c.get("text").asText() + "'");
                text.append(piece);
            }
            text.append(s.flush());
            assertEquals(tok.decode(ids, true), text.toString(), kind + " streamed '" + c.get("text").asText() + "'");
        }
    }

    @Test
    void specialTokensAreSkippedOnRequestAndTheSentencePieceLeadingSpaceDropped() {
        BpeTokenizer tok = tokenizer("sentencepiece_bpe");
        int[] ids = tok.encode("Hello world");
        assertEquals(1, ids[0], "<s> first");
        assertEquals("Hello world", tok.decode(ids, true));
        assertEquals("<s> Hello world", tok.decode(ids, false));
        assertTrue(tok.isSpecial(tok.id("</s>")));
    }

    @Test
    void digitsPreTokenizerIsolatesEachDigitOrEachRun() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var one = PreTokenizer.of(json.createObjectNode().put("type", "Digits").put("individual_digits", true), "t");
        var runs = PreTokenizer.of(json.createObjectNode().put("type", "Digits").put("individual_digits", false), "t");
        assertEquals(java.util.List.of("size ", "1", "2", "3", " mm"), one.split("size 123 mm", 0));
        assertEquals(java.util.List.of("size ", "123", " mm"), runs.split("size 123 mm", 0));
    }

    @Test
    void withoutSpecialTokensNoBosIsAdded() {
        BpeTokenizer tok = tokenizer("byte_level");
        int[] with = tok.encode("Hello world"), without = tok.encode("Hello world", false);
        assertEquals(with.length - 1, without.length);
        assertEquals(tok.id("<|begin_of_text|>"), with[0]);
        assertArrayEquals(Arrays.copyOfRange(with, 1, with.length), without);
    }

    @Test
    void anEmojiSplitAcrossByteTokensIsHeldBackUntilComplete() {
        BpeTokenizer tok = tokenizer("sentencepiece_bpe");
        int[] ids = tok.encode("😀", false); // ▁ then four byte-fallback tokens
        StreamDecoder s = tok.streamDecoder(true);
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < ids.length - 1; i++) seen.append(s.push(ids[i]));
        assertEquals("", seen.toString(), "nothing until the fourth byte");
        assertEquals("😀", s.push(ids[ids.length - 1]));
    }
}
