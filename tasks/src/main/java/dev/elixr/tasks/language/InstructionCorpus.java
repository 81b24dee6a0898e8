package dev.elixr.tasks.language;

import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.ReportSectioner;
import dev.elixr.tasks.data.Seeds;
import dev.elixr.tasks.train.InstructionRow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The corpus that teaches the small language model ({@code elixr train lm --instructions}) the formats of the stage-2
 * tasks, from one split's items only: per study, its report's FINDINGS as the context, then (one row) impression
 * generation and the study's visual questions, and (a second row) its report-QA items, each turn worded exactly as
 * stage 2 prompts it ({@link InstructionPrompts}). In the paper the frozen LLM (PaLM 2) already answers questions
 * about a text; ours learns it here, from the text of the findings, and stage 2's soft prompt takes the findings'
 * place. Studies without a FINDINGS section are left out.
 */
public final class InstructionCorpus implements InstructionRow.Source {
    private final Path data;

    public InstructionCorpus(Path data) { this.data = data; }

    @Override
    public List<InstructionRow> rows(String split) throws IOException {
        List<CxrStudy> all = MimicCxrJpg.read(data);
        return rows(InstructionSet.read(data, all), all, split);
    }

    static List<InstructionRow> rows(InstructionSet set, List<CxrStudy> all, String split) {
        Map<String, String> context = new LinkedHashMap<>();
        for (CxrStudy s : all) {
            if (!s.split().equals(split) || context.containsKey(s.dicomId())) continue;
            String f = ReportSectioner.sections(s.report()).findings().replaceAll("\\s+", " ").trim();
            if (!f.isEmpty()) context.put(s.dicomId(), "FINDINGS: " + f);
        }
        Map<String, List<InstructionRow.Turn>> answers = turns(context, set.items(LanguageTask.IMPRESSION, split));
        turns(answers, context, set.items(LanguageTask.VQA, split));
        Map<String, List<InstructionRow.Turn>> checks = turns(context, set.items(LanguageTask.REPORT_QA, split));
        List<InstructionRow> out = new ArrayList<>();
        for (var e : context.entrySet()) {
            List<InstructionRow.Turn> a = answers.get(e.getKey()), c = checks.get(e.getKey());
            SplittableRandom r = new SplittableRandom(Seeds.item(e.getKey().hashCode(), 0x17));
            if (a != null) out.add(new InstructionRow(e.getValue(), shuffled(a, r)));
            if (c != null) out.add(new InstructionRow(e.getValue(), shuffled(c, r)));
        }
        return out;
    }

    private static List<InstructionRow.Turn> shuffled(List<InstructionRow.Turn> turns, SplittableRandom r) {
        List<InstructionRow.Turn> t = new ArrayList<>(turns);
        for (int i = t.size() - 1; i > 0; i--) java.util.Collections.swap(t, i, r.nextInt(i + 1));
        return t;
    }

    private static Map<String, List<InstructionRow.Turn>> turns(Map<String, String> context, List<Instruction> items) {
        Map<String, List<InstructionRow.Turn>> m = new LinkedHashMap<>();
        turns(m, context, items);
        return m;
    }

    private static void turns(Map<String, List<InstructionRow.Turn>> m, Map<String, String> context, List<Instruction> items) {
        for (Instruction i : items)
            if (context.containsKey(i.dicomId())) m.computeIfAbsent(i.dicomId(), k -> new ArrayList<>()).add(new InstructionRow.Turn(i.prompt(), i.answer()));
    }

    @Override
    public String describe() {
        return "instruction rows: per study its FINDINGS, then impression generation and its visual questions (one row) or its report checks "
                + "(another), worded as stage 2 prompts them, from " + InstructionSet.VQA + " and " + InstructionSet.REPORT_QA + " of " + data;
    }
}
