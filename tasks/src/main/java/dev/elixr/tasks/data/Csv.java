package dev.elixr.tasks.data;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A CSV table (RFC 4180: quoted fields may hold commas, quotes and newlines), read whole; files ending in
 * {@code .gz} are gunzipped. Columns are looked up by header name; errors name the file and the row.
 */
public final class Csv {
    private final Path file;
    private final List<String> header;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String[]> rows;

    private Csv(Path file, List<String> header, List<String[]> rows) {
        this.file = file;
        this.header = header;
        for (int i = 0; i < header.size(); i++) index.putIfAbsent(header.get(i).trim(), i);
        this.rows = rows;
    }

    /** Reads a CSV file with a header row. */
    public static Csv read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "CSV file not found");
        try (InputStream raw = Files.newInputStream(file)) {
            return read(raw, file);
        }
    }

    /**
     * Reads a CSV table with a header row from {@code raw} (gunzipped when {@code file}'s name ends in {@code .gz});
     * {@code file} is the name every error gives. Bytes that are not UTF-8 become U+FFFD; a damaged gzip stream is an
     * {@link IOException} naming the file.
     */
    public static Csv read(InputStream raw, Path file) throws IOException {
        try (InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             Reader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            List<String[]> all = parse(r);
            if (all.isEmpty()) throw new IOException(file + ": empty CSV file (no header row)");
            List<String> header = List.of(all.getFirst());
            List<String[]> rows = new ArrayList<>(all.subList(1, all.size()));
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).length != header.size()) {
                    throw new IOException(file + ": row " + (i + 2) + " has " + rows.get(i).length + " fields, header has " + header.size());
                }
            }
            return new Csv(file, header, rows);
        } catch (ZipException | EOFException e) {
            throw new IOException(file + ": not a gzip file, or a damaged or truncated one (" + e.getMessage() + ")", e);
        }
    }

    private static List<String[]> parse(Reader r) throws IOException {
        List<String[]> out = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean quoted = false, any = false;
        int c;
        while ((c = r.read()) != -1) {
            any = true;
            if (quoted) {
                if (c == '"') {
                    r.mark(1);
                    int n = r.read();
                    if (n == '"') sb.append('"');
                    else { quoted = false; if (n != -1) r.reset(); }
                } else sb.append((char) c);
            } else if (c == '"') quoted = true;
            else if (c == ',') { fields.add(sb.toString()); sb.setLength(0); }
            else if (c == '\n' || c == '\r') {
                if (c == '\r') { r.mark(1); if (r.read() != '\n') r.reset(); }
                fields.add(sb.toString()); sb.setLength(0);
                if (!(fields.size() == 1 && fields.getFirst().isEmpty())) out.add(fields.toArray(String[]::new));
                fields.clear();
                any = false;
            } else sb.append((char) c);
        }
        if (any) {
            fields.add(sb.toString());
            out.add(fields.toArray(String[]::new));
        }
        return out;
    }

    public Path file() { return file; }

    public List<String> header() { return header; }

    public int size() { return rows.size(); }

    public boolean has(String column) { return index.containsKey(column); }

    /** The column index of {@code column}; throws naming the file and the columns it has. */
    public int column(String column) {
        Integer i = index.get(column);
        if (i == null) throw new IllegalArgumentException(file + ": no column '" + column + "' (columns: " + header + ")");
        return i;
    }

    /** The value in row {@code row} (0 = first row after the header) of {@code column}. */
    public String get(int row, String column) { return rows.get(row)[column(column)]; }

    public String get(int row, int column) { return rows.get(row)[column]; }

    /** One CSV line (no newline) with fields quoted where they must be ({@link #quote}); null is an empty field. */
    public static String line(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(quote(fields.get(i) == null ? "" : fields.get(i)));
        }
        return sb.toString();
    }

    /** One field as RFC 4180 writes it: in double quotes (inner quotes doubled) when it holds a comma, quote or line break. */
    public static String quote(String f) {
        if (f.indexOf(',') < 0 && f.indexOf('"') < 0 && f.indexOf('\n') < 0 && f.indexOf('\r') < 0) return f;
        return '"' + f.replace("\"", "\"\"") + '"';
    }

    /** Parses a label cell: "1.0" / "0.0" / "-1.0" / blank (NaN); errors name the file, row and column. */
    public float label(int row, String column) {
        String s = get(row, column).trim();
        if (s.isEmpty()) return Float.NaN;
        float v;
        try {
            v = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            v = Float.NaN;
        }
        if (v != 1f && v != 0f && v != -1f)
            throw new IllegalArgumentException(file + ": row " + (row + 2) + " column '" + column + "': '" + s
                    + "' is not a CheXpert label (allowed: 1, 0, -1 or blank)");
        return v;
    }
}
