package dev.elixr.models.llm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Byte-level BPE training: a tokenizer.json that BpeTokenizer reads, round trips, deterministic merges. */
class BpeTrainerTest {
    static final List<String> CORPUS = List.of(
            "FINDINGS: There is a small left pleural effusion.\nIMPRESSION: Small left pleural effusion.",
            "FINDINGS: No pleural effusion or pneumothorax.\nIMPRESSION: No acute cardiopulmonary process.",
            "FINDINGS: Moderate right pleural effusion. The heart size is normal.\nIMPRESSION: Moderate right pleural effusion.",
            "FINDINGS: The lungs are clear. No pneumothorax.\nIMPRESSION: No acute process.");

    @Test
    void trainedTokenizerIsReadBackAndDecodesEveryTextToItselfIncludingUnseenCharacters(@TempDir Path dir) throws IOException {
        BpeTrainer.write(BpeTrainer.train(CORPUS, 400), dir.resolve("tokenizer.json"));
        BpeTokenizer tok = BpeTokenizer.read(dir);
        List<String> texts = new ArrayList<>(CORPUS);
        texts.addAll(List.of("Ünïcode: 肺 and emoji 🫁, tabs\tand  double  spaces\n\n", " leading space", "123-456 ___-year-old"));
        for (String t : texts) assertEquals(t, tok.decode(tok.encode(t, false), false), "round trip of " + t);
    }

    @Test
    void frequentWordsBecomeSingleTokensAndSpecialTokensHaveFixedIds() {
        BpeTokenizer tok = BpeTokenizer.fromJson(BpeTrainer.train(CORPUS, 400), "test");
        assertEquals(1, tok.encode(" effusion", false).length, "' effusion' occurs 5 times");
        assertEquals(1, tok.encode(" pleural", false).length);
        assertEquals(BpeTrainer.PAD_ID, tok.id(BpeTrainer.PAD));
        assertEquals(BpeTrainer.BOS_ID, tok.id(BpeTrainer.BOS));
        assertEquals(BpeTrainer.EOS_ID, tok.id(BpeTrainer.EOS));
        int[] withSpecial = tok.encode("No pneumothorax.");
        assertEquals(BpeTrainer.BOS_ID, withSpecial[0], "the post-processor puts <s> first");
        assertArrayEquals(tok.encode("No pneumothorax.", false), java.util.Arrays.copyOfRange(withSpecial, 1, withSpecial.length));
    }

    @Test
    void vocabularyStopsAtTheRequestedSizeOrWhenNoPairOccursTwice() {
        BpeTokenizer small = BpeTokenizer.fromJson(BpeTrainer.train(CORPUS, 300), "test");
        assertEquals(300, small.size());
        BpeTokenizer large = BpeTokenizer.fromJson(BpeTrainer.train(CORPUS, 100_000), "test");
        assertTrue(large.size() < 1000, "a tiny corpus runs out of repeated pairs: " + large.size());
        for (int id = 0; id < large.size(); id++) assertTrue(large.token(id) != null, "every id below the size has a token: " + id);
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(CORPUS, 100));
    }

    @Test
    void trainingTheSameCorpusTwiceGivesTheSameFile() {
        ObjectNode a = BpeTrainer.train(CORPUS, 350), b = BpeTrainer.train(CORPUS, 350);
        assertEquals(a, b);
    }
}
