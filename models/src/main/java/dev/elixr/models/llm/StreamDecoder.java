package dev.elixr.models.llm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Decodes token ids one at a time into text as it becomes complete: bytes of a UTF-8 character split across tokens
 * (byte-fallback pieces, or byte-level tokens that cut an emoji or a CJK character) are held back until the
 * character is whole; the decoder's leading-space strip applies once, at the start of the stream. The text streamed
 * so far always equals {@link BpeTokenizer#decode} of the ids so far, less any incomplete character at the end.
 */
public final class StreamDecoder {
    private final BpeTokenizer tokenizer;
    private final boolean skipSpecial;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int toStrip;

    StreamDecoder(BpeTokenizer tokenizer, boolean skipSpecial, int stripLeading) {
        this.tokenizer = tokenizer;
        this.skipSpecial = skipSpecial;
        this.toStrip = stripLeading;
    }

    /** The text that id completes (possibly empty). */
    public String push(int id) {
        if (skipSpecial && tokenizer.isSpecial(id)) return "";
        for (byte b : tokenizer.tokenBytes(id)) {
            if (toStrip > 0 && b == ' ') {
                toStrip--;
                continue;
            }
            toStrip = 0;
            pending.write(b);
        }
        byte[] buf = pending.toByteArray();
        int complete = completePrefix(buf);
        pending.reset();
        pending.write(buf, complete, buf.length - complete);
        return new String(buf, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is still held (an incomplete character, decoded with replacement characters). */
    public String flush() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    /** Length of the longest prefix of b that does not end inside a UTF-8 character. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int lead = b[n - back] & 0xff;
            if ((lead & 0xC0) == 0x80) continue; // continuation byte: look further back
            int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
