package dev.elixr.models.llm;

import dev.elixr.models.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chat format of each family, recognised from a chat_template's markers or from special tokens. */
class ChatFormatTest {
    @TempDir Path tmp;

    @Test
    void templatesAreRecognisedByTheirMarkers() {
        assertEquals(ChatFormat.LLAMA3, ChatFormat.fromTemplate("{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"));
        assertEquals(ChatFormat.CHATML, ChatFormat.fromTemplate("{{'<|im_start|>' + message['role'] + '\\n'}}"));
        assertEquals(ChatFormat.ZEPHYR, ChatFormat.fromTemplate("{{ '<|user|>\\n' + message['content'] + eos_token }}"));
        assertEquals(ChatFormat.LLAMA2, ChatFormat.fromTemplate("{{ bos_token + '[INST] ' + content + ' [/INST]' }}"));
    }

    @Test
    void promptsFollowEachFamilysLayout() {
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", ChatFormat.CHATML.prompt("Hi"));
        assertEquals("[INST] Hi [/INST]", ChatFormat.LLAMA2.prompt("Hi"));
        assertEquals("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", ChatFormat.LLAMA3.prompt("Hi"));
    }

    @Test
    void theTokenizerConfigTemplateDecidesAndTheEndMarkerIsOneToken() throws IOException {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir);
        Files.copy(Fixtures.path("llm/tokenizers/sentencepiece_bpe/tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"{{ '<|user|>\\\\n' + m + eos_token }}\"}");
        BpeTokenizer tok = BpeTokenizer.read(dir);
        ChatFormat f = ChatFormat.of(dir, tok);
        assertEquals(ChatFormat.ZEPHYR, f);
        assertArrayEquals(new int[] {tok.id("</s>")}, f.endIds(tok));
        int[] ids = tok.encode(f.prompt("Heart size?"));
        assertEquals(1, ids[0], "BOS from the post-processor");
        assertTrue(java.util.Arrays.stream(ids).anyMatch(i -> i == tok.id("</s>")), "</s> inside the prompt is the special token");
    }

    @Test
    void withoutATemplateOrChatTokensNoFormatIsGuessed() {
        Path dir = Fixtures.path("llm/tokenizers/byte_level");
        var e = assertThrows(IllegalArgumentException.class, () -> ChatFormat.of(dir, BpeTokenizer.read(dir)));
        assertTrue(e.getMessage().startsWith("no chat format known for"), e.getMessage());
    }
}
