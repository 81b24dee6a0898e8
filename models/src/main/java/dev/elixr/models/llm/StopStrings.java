package dev.elixr.models.llm;

import java.util.List;

/**
 * Holds back streamed text that could still become a stop string, so that a stop string is never emitted: each
 * push returns the text that is final; once a stop string appears, the text before it is returned and
 * {@link #stopped} is true.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) {
        for (String s : stops) if (s.isEmpty()) throw new IllegalArgumentException("a stop string is empty");
        this.stops = List.copyOf(stops);
    }

    boolean stopped() { return stopped; }

    /** The part of held + piece that is final. */
    String push(String piece) {
        held.append(piece);
        int cut = -1;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (cut < 0 || i < cut)) cut = i;
        }
        if (cut >= 0) {
            stopped = true;
            String out = held.substring(0, cut);
            held.setLength(0);
            return out;
        }
        String h = held.toString();
        int keep = 0; // longest tail of held that begins some stop string
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, h.length()); k > keep; k--) {
                if (h.regionMatches(h.length() - k, s, 0, k)) {
                    keep = k;
                    break;
                }
            }
        }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** Whatever is held at the end (no stop string came). */
    String finish(String last) {
        String out = push(last);
        if (stopped) return out;
        String rest = held.toString();
        held.setLength(0);
        return out + rest;
    }
}
