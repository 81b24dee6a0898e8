package dev.elixr.models.llm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cache truncated back to a shared prefix continues exactly as a cache that only ever held that prefix. */
class KvCacheTruncateTest {
    private static final LlamaConfig CONFIG = new LlamaConfig("llama", 61, 32, 64, 2, 4, 2, 8, 1e-5f, 10000, null, false, false, false, true, 64, 0, 59, new int[] {60});

    @Test
    void continuingAfterTruncationGivesTheSameLogitsAsAFreshCacheOfThePrefix() {
        LlamaModel m = LlamaModel.random(CONFIG, 3);
        int[] prefix = {1, 5, 9, 13}, first = {20, 21, 22}, second = {30, 31};
        KvCache reused = m.newCache(16);
        m.next(prefix, reused);
        m.next(first, reused);
        reused.truncate(prefix.length);
        float[] got = m.next(second, reused);
        KvCache fresh = m.newCache(16);
        m.next(prefix, fresh);
        float[] want = m.next(second, fresh);
        assertArrayEquals(want, got, "logits after truncating to the prefix vs a cache of the prefix alone");
        assertEquals(prefix.length + second.length, reused.length());
    }

    @Test
    void truncatingBeyondWhatIsHeldIsRefused() {
        KvCache c = new KvCache(CONFIG, 8);
        var e = assertThrows(IllegalArgumentException.class, () -> c.truncate(1));
        assertTrue(e.getMessage().contains("holds 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.truncate(-1));
    }
}
