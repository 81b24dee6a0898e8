package dev.elixr.tasks.eval;

/** RFC 4180 quoting for the CSV files the evaluations write. */
final class Csv {
    private Csv() {}

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
