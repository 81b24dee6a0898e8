package dev.elixr.tasks.data.dicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed data set (PS3.5 7): its elements by tag, with typed readers for the few values the pixel pipeline needs.
 * Every reader refuses a missing or malformed value with a {@link DicomException} naming the tag and its offset.
 */
final class DataSet {
    final Path file;
    private final String region;
    private final Map<Integer, Element> elements = new LinkedHashMap<>();

    /** @param region how offsets are named: "" for the file, " of the inflated data set" for a deflated one */
    DataSet(Path file, String region) {
        this.file = file;
        this.region = region;
    }

    void put(Element e) { elements.putIfAbsent(e.tag(), e); }

    boolean has(int tag) { return elements.containsKey(tag); }

    Element get(int tag) { return elements.get(tag); }

    int size() { return elements.size(); }

    Element require(int tag) throws DicomException {
        Element e = elements.get(tag);
        if (e == null) throw new DicomException(file, "missing " + DicomTag.named(tag));
        return e;
    }

    /** A US (or SS read as unsigned) value. */
    int u16(int tag) throws DicomException {
        Element e = require(tag);
        if (e.isSequence() || e.length() < 2) throw bad(e, "expected a 16-bit value, found " + e.length() + " bytes");
        return e.u16(0);
    }

    /** A text value with trailing spaces and NULs removed (CS, UI, LO, ...); null when absent. */
    String text(int tag) throws DicomException {
        Element e = elements.get(tag);
        if (e == null) return null;
        if (e.isSequence()) throw bad(e, "expected text, found a sequence");
        String s = new String(e.buf(), e.valueOffset(), e.length(), StandardCharsets.ISO_8859_1);
        int n = s.length();
        while (n > 0 && (s.charAt(n - 1) == ' ' || s.charAt(n - 1) == 0)) n--;
        return s.substring(0, n).strip();
    }

    /** The first of a DS (decimal string) value's backslash-separated numbers; NaN when absent. */
    double firstDecimal(int tag) throws DicomException {
        String s = text(tag);
        if (s == null) return Double.NaN;
        String first = s.split("\\\\", -1)[0].strip();
        try {
            double v = Double.parseDouble(first);
            if (Double.isFinite(v) && !first.endsWith("d") && !first.endsWith("D") && !first.endsWith("f") && !first.endsWith("F")) return v;
        } catch (NumberFormatException ignored) {
            // refused below with the value shown
        }
        throw bad(get(tag), "not a decimal number: '" + shorten(first) + "'");
    }

    /** An IS (integer string) value; the default when absent. */
    long integer(int tag, long absent) throws DicomException {
        String s = text(tag);
        if (s == null || s.isEmpty()) return absent;
        try {
            return Long.parseLong(s.split("\\\\", -1)[0].strip());
        } catch (NumberFormatException e) {
            throw bad(get(tag), "not an integer: '" + shorten(s) + "'");
        }
    }

    DicomException bad(Element e, String reason) {
        return new DicomException(file, DicomTag.named(e.tag()) + " at offset " + e.offset() + region + ": " + reason);
    }

    private static String shorten(String s) { return s.length() > 40 ? s.substring(0, 40) + "..." : s; }
}
