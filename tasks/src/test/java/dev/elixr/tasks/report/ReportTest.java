package dev.elixr.tasks.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class ReportTest {
    static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test void lineChartIsWellFormedAndMapsPointsIntoThePlotArea() throws Exception {
        String svg = Svg.lineChart("loss <train & val>", "step", "loss",
                List.of(new Svg.Series("train", "#000", new double[] {0, 1, 2}, new double[] {3, 2, 1})), null, null);
        Document d = parse(svg);
        Element poly = (Element) d.getElementsByTagName("polyline").item(0);
        String[] pts = poly.getAttribute("points").trim().split(" ");
        assertEquals(3, pts.length);
        // first point: x at the left edge (52), y at the top edge (28) since y=3 is the maximum
        assertEquals("52.0,28.0", pts[0]);
        // last point: right edge (420-12=408), bottom edge (300-42=258)
        assertEquals("408.0,258.0", pts[2]);
        assertTrue(svg.contains("loss &lt;train &amp; val&gt;"));
    }

    @Test void rocChartHasDiagonalAndFixedUnitAxes() throws Exception {
        String svg = Svg.rocChart("Edema AUC 0.81", List.of(new Svg.Series("Edema", "#D55E00",
                new double[] {0, 0.5, 1}, new double[] {0, 0.9, 1})));
        Document d = parse(svg);
        assertEquals(1, d.getElementsByTagName("line").getLength() - 5); // 5 grid lines + the diagonal
        String pts = ((Element) d.getElementsByTagName("polyline").item(0)).getAttribute("points").trim();
        assertTrue(pts.startsWith("52.0,258.0") && pts.endsWith("408.0,28.0"), pts);
    }

    @Test void mismatchedSeriesLengthsAreRejectedByName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Svg.Series("val", "#000", new double[2], new double[3]));
        assertTrue(e.getMessage().contains("'val'"));
    }

    @Test void htmlInlinesPngThumbnailsAndEscapesText(@TempDir Path dir) throws Exception {
        float[] px = new float[6 * 4];
        for (int i = 0; i < px.length; i++) px[i] = i;
        HtmlReport r = new HtmlReport("demo <1>")
                .heading(2, "Search")
                .table(List.of("query", "NDCG@5"), List.of(List.of("left & right", "0.90")))
                .raw(HtmlReport.thumbnail(Png.grey(px, 6, 4), "s1 rel 2", "r2"));
        Path file = dir.resolve("sub/report.html");
        r.write(file);
        String html = Files.readString(file);
        assertTrue(html.contains("<title>demo &lt;1&gt;</title>"));
        assertTrue(html.contains("<td>left &amp; right</td>"));
        var m = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(html);
        assertTrue(m.find());
        var img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
        assertEquals(4, img.getWidth());
        assertEquals(6, img.getHeight());
        assertEquals(0, img.getRaster().getSample(0, 0, 0));
        assertEquals(255, img.getRaster().getSample(3, 5, 0));
        try (var files = Files.list(file.getParent())) { assertEquals(1, files.count()); } // no temp file left
    }

    @Test void tableRowWidthIsChecked() {
        assertThrows(IllegalArgumentException.class,
                () -> new HtmlReport("t").table(List.of("a", "b"), List.of(List.of("1"))));
    }
}
