import dev.elixr.models.llm.*;
import dev.elixr.tasks.data.*;
import dev.elixr.tasks.language.*;
import java.nio.file.*;
import java.util.*;

/**
 * Diagnostic: the ceiling a stage-2 soft prompt can reach with a given frozen LM. Answers n seeded items of a split's VQA
 * and report QA with the LM alone (greedy, 16 new tokens; 48 for report QA, whose answer may state the image's findings first), once after the item's true FINDINGS as context (laid out as
 * {@code elixr train lm --instructions} lays it out: {@code <s> FINDINGS: … <s> prompt}) and once after the prompt
 * alone, and prints both accuracies (report QA: correct-vs-erroneous), per question type, and a few misses. If the LM
 * cannot answer from the true findings, no adapter can make it answer from an image.
 * Run: java --add-modules jdk.incubator.vector -cp tools/target/elixr.jar docs/diagnostics/OracleContext.java LM_RUN DATA N [SPLIT]
 */
public class OracleContext {
    public static void main(String[] a) throws Exception {
        Path lm = Path.of(a[0]), data = Path.of(a[1]);
        int n = Integer.parseInt(a[2]);
        String split = a.length > 3 ? a[3] : "test";
        LlamaModel m = LlamaModel.load(lm);
        BpeTokenizer tok = BpeTokenizer.forModel(lm);
        List<CxrStudy> all = MimicCxrJpg.read(data);
        Map<String, String> fnd = new HashMap<>();
        for (CxrStudy s : all) fnd.put(s.dicomId(), "FINDINGS: " + ReportSectioner.sections(s.report()).findings().replaceAll("\\s+", " ").trim());
        InstructionSet set = InstructionSet.read(data, all);
        for (LanguageTask t : List.of(LanguageTask.VQA, LanguageTask.REPORT_QA)) {
            List<Instruction> items = new ArrayList<>(set.items(t, split));
            Collections.shuffle(items, new Random(1));
            Map<String, int[]> cat = new TreeMap<>();
            int hitCtx = 0, hitNone = 0, shown = 0, budget = t == LanguageTask.REPORT_QA ? 48 : 16;
            for (Instruction i : items.subList(0, Math.min(n, items.size()))) {
                int[] ctx = tok.encode(fnd.get(i.dicomId()), false), p = tok.encode(i.prompt(), true);
                int[] both = new int[1 + ctx.length + p.length];
                both[0] = 1; System.arraycopy(ctx, 0, both, 1, ctx.length); System.arraycopy(p, 0, both, 1 + ctx.length, p.length);
                String x = new Generator(m, tok).generate(null, both, budget, new Sampler(Sampler.Options.greedy()), new int[] {2}, List.of(), s -> {}).text().trim();
                String y = new Generator(m, tok).generate(null, p, budget, new Sampler(Sampler.Options.greedy()), new int[] {2}, List.of(), s -> {}).text().trim();
                boolean hx, hy;
                if (t == LanguageTask.VQA) { hx = AnswerScore.exactMatch(x, i.answer()); hy = AnswerScore.exactMatch(y, i.answer()); }
                else { hx = InstructionPrompts.parseVerdict(x).equals("none") == i.category().equals("none"); hy = InstructionPrompts.parseVerdict(y).equals("none") == i.category().equals("none"); }
                if (hx) hitCtx++; if (hy) hitNone++;
                int[] c = cat.computeIfAbsent(i.type() + "/" + i.category(), k -> new int[3]);
                c[0]++; if (hx) c[1]++; if (hy) c[2]++;
                if (!hx && shown++ < 12) System.out.println("  MISS " + fnd.get(i.dicomId()) + " || " + i.prompt() + " -> '" + x + "' truth '" + i.answer() + "'");
            }
            int k = Math.min(n, items.size());
            System.out.printf("%s: with the true FINDINGS %.3f, without context %.3f (n=%d)%n", t.id(), hitCtx / (double) k, hitNone / (double) k, k);
            cat.forEach((c, v) -> System.out.printf("   %-24s n=%3d ctx %.2f none %.2f%n", c, v[0], v[1] / (double) v[0], v[2] / (double) v[0]));
        }
    }
}
