package dev.elixr.tasks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

/**
 * A single self-contained HTML page (no external files: charts are inline SVG, images are PNG data URIs),
 * built section by section. Text is escaped; only {@link #raw} takes markup as is.
 */
public final class HtmlReport {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport heading(int level, String text) {
        if (level < 1 || level > 4) throw new IllegalArgumentException("HtmlReport: heading level " + level + " not in 1..4");
        body.append("<h").append(level).append('>').append(Svg.escape(text)).append("</h").append(level).append(">\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(Svg.escape(text)).append("</p>\n");
        return this;
    }

    /** Inserts markup as is (an SVG from {@link Svg}, or a fragment built by {@link #thumbnail}). */
    public HtmlReport raw(String html) {
        body.append(html).append('\n');
        return this;
    }

    /** A table of text cells; every row must have as many cells as there are headers. */
    public HtmlReport table(List<String> headers, List<List<String>> rows) {
        body.append("<table>\n<tr>");
        for (String h : headers) body.append("<th>").append(Svg.escape(h)).append("</th>");
        body.append("</tr>\n");
        for (List<String> row : rows) {
            if (row.size() != headers.size())
                throw new IllegalArgumentException("HtmlReport.table: row has " + row.size() + " cells, headers " + headers.size());
            body.append("<tr>");
            for (String c : row) body.append("<td>").append(Svg.escape(c)).append("</td>");
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** Charts side by side. */
    public HtmlReport figures(List<String> svgs) {
        body.append("<div class=\"figs\">");
        for (String s : svgs) body.append("<div>").append(s).append("</div>");
        body.append("</div>\n");
        return this;
    }

    /** An inline PNG thumbnail with a caption, as a {@code <figure>} element with a data URI. */
    public static String thumbnail(byte[] png, String caption, String cssClass) {
        return "<figure class=\"" + Svg.escape(cssClass) + "\"><img alt=\"" + Svg.escape(caption)
                + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\"/><figcaption>"
                + Svg.escape(caption) + "</figcaption></figure>";
    }

    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Svg.escape(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                + "th{background:#f4f4f4}td:first-child{text-align:left}.figs{display:flex;flex-wrap:wrap;gap:8px}"
                + "figure{display:inline-block;margin:4px;text-align:center;font-size:11px}figure img{width:96px;height:96px;image-rendering:pixelated}"
                + "figure.r2{outline:3px solid #009E73}figure.r1{outline:3px solid #E69F00}figure.r0{outline:3px solid #ccc}</style>\n"
                + "</head><body>\n<h1>" + Svg.escape(title) + "</h1>\n" + body + "</body></html>\n";
    }

    /** Writes the page atomically (temporary file, then rename). */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".report", ".tmp");
        Files.writeString(tmp, html(), StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the default permissions stay
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
