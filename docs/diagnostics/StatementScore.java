// Diagnostic: how well two-step report checks state what the image shows.
// Run: java --add-modules jdk.incubator.vector -cp tools/target/elixr.jar docs/diagnostics/StatementScore.java RUN_B2/eval/report-qa-validate/items.csv DATA
import dev.elixr.tasks.data.*;
import dev.elixr.tasks.language.*;
import java.nio.file.*;
import java.util.*;
/** Per-finding precision/recall and exact match of the statements in a report-QA items.csv (image and baseline) against the truth. */
public class StatementScore {
    static Set<String> set(String st) {
        String s = ImageFindings.normalise(st); s = s.substring(ImageFindings.OPEN.length(), s.length() - 1).trim();
        Set<String> o = new TreeSet<>(); if (s.equals("no finding")) return o;
        for (String p : s.split(",")) o.add(p.trim()); return o;
    }
    static Set<String> names(Set<String> s) { Set<String> o = new TreeSet<>(); for (String p : s) { String q = p; for (String w : new String[]{"small ","moderate ","large ","mild ","severe ","left ","right ","bilateral "}) q = q.replace(w, ""); o.add(q.trim()); } return o; }
    public static void main(String[] a) throws Exception {
        Map<String, CxrStudy> by = new HashMap<>(); for (CxrStudy s : MimicCxrJpg.read(Path.of(a[1]))) by.putIfAbsent(s.dicomId(), s);
        List<String> lines = Files.readAllLines(Path.of(a[0]));
        for (int side = 0; side < 2; side++) {
            int exact = 0, exactNames = 0, n = 0, tp = 0, fp = 0, fn = 0, tpN = 0, fpN = 0, fnN = 0;
            for (String l : lines.subList(1, lines.size())) {
                String[] f = l.split("\",\"");
                String id = f[0].replace("\"", ""), ans = side == 0 ? f[2] : f[4];
                Set<String> t = set(ImageFindings.statement(by.get(id))), p = set(ans.substring(0, ans.indexOf('.') + 1));
                n++; if (t.equals(p)) exact++;
                for (String x : p) if (t.contains(x)) tp++; else fp++; for (String x : t) if (!p.contains(x)) fn++;
                Set<String> tn = names(t), pn = names(p); if (tn.equals(pn)) exactNames++;
                for (String x : pn) if (tn.contains(x)) tpN++; else fpN++; for (String x : tn) if (!pn.contains(x)) fnN++;
            }
            if (side == 0) {
                Map<String, int[]> per = new TreeMap<>();
                for (String l : lines.subList(1, lines.size())) {
                    String[] f = l.split("\",\"");
                    String id = f[0].replace("\"", ""), ans = f[2];
                    Set<String> t = set(ImageFindings.statement(by.get(id))), p = set(ans.substring(0, ans.indexOf('.') + 1));
                    Set<String> tn = names(t), pn = names(p);
                    for (String x : tn) { int[] c = per.computeIfAbsent(x, k -> new int[4]); c[0]++; if (pn.contains(x)) c[1]++; }
                    for (String x : pn) { int[] c = per.computeIfAbsent(x, k -> new int[4]); c[2]++; if (tn.contains(x)) c[3]++; }
                }
                per.forEach((k, c) -> System.out.printf("   %-26s truth %3d recall %.2f | said %3d precision %.2f%n", k, c[0], c[0] == 0 ? 0 : c[1] / (double) c[0], c[2], c[2] == 0 ? 0 : c[3] / (double) c[2]));
            }
            System.out.printf("%s: exact %.3f, findings named exactly %.3f; with side/severity P %.2f R %.2f; names only P %.2f R %.2f (n=%d)%n", side == 0 ? "image" : "baseline",
                exact / (double) n, exactNames / (double) n, tp / (double) (tp + fp), tp / (double) (tp + fn), tpN / (double) (tpN + fpN), tpN / (double) (tpN + fnN), n);
        }
    }
}
