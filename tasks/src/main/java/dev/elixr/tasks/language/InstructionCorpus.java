package dev.elixr.tasks.language;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.ReportSectioner;
import dev.elixr.tasks.data.Seeds;
import dev.elixr.tasks.data.synth.PresenceQuestion;
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
 * place. A third row per study asks whether the image shows each of its positive findings and as many of its negative
 * ones (labels 1 and 0 or not mentioned; uncertain ones are not asked), in the wordings of {@code vqa.jsonl}'s presence
 * questions: {@code vqa.jsonl} asks one of each per study, too few for a small model to learn to read a finding (and its
 * synonyms and denials) out of the context. Studies without a FINDINGS section are left out.
 */
public final class InstructionCorpus implements InstructionRow.Source {
    private final Path data;
    private final int studies;
    private final boolean statementFirst;

    public InstructionCorpus(Path data) { this(data, 0); }

    public InstructionCorpus(Path data, int studies) { this(data, studies, false); }

    /**
     * The rows of at most {@code studies} training studies and a quarter as many (at least one) of each other split (0:
     * every study), the first in file order: a smaller corpus for quick runs, whose validation and test perplexities
     * cost little beside the training; with {@code statementFirst} the report checks in two steps
     * ({@link InstructionSet#read(Path, List, boolean)}).
     */
    public InstructionCorpus(Path data, int studies, boolean statementFirst) {
        if (studies < 0) throw new IllegalArgumentException("instruction corpus: " + studies + " studies per split: must be >= 0 (0: all)");
        this.data = data;
        this.studies = studies;
        this.statementFirst = statementFirst;
    }

    @Override
    public List<InstructionRow> rows(String split) throws IOException {
        List<CxrStudy> all = MimicCxrJpg.read(data);
        if (studies > 0) {
            java.util.Set<String> kept = new java.util.LinkedHashSet<>();
            int cap = split.equals("train") ? studies : Math.max(1, studies / 4);
            for (CxrStudy s : all) if (s.split().equals(split) && kept.size() < cap) kept.add(s.dicomId());
            all = all.stream().filter(s -> !s.split().equals(split) || kept.contains(s.dicomId())).toList();
        }
        return rows(InstructionSet.read(data, all, statementFirst), all, split);
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
        Map<String, CxrStudy> byId = new LinkedHashMap<>();
        for (CxrStudy s : all) byId.putIfAbsent(s.dicomId(), s);
        List<InstructionRow> out = new ArrayList<>();
        for (var e : context.entrySet()) {
            List<InstructionRow.Turn> a = answers.get(e.getKey()), c = checks.get(e.getKey());
            SplittableRandom r = new SplittableRandom(Seeds.item(e.getKey().hashCode(), 0x17));
            if (a != null) out.add(new InstructionRow(e.getValue(), shuffled(a, r)));
            if (c != null) out.add(new InstructionRow(e.getValue(), shuffled(c, r)));
            List<InstructionRow.Turn> p = presence(byId.get(e.getKey()), r);
            if (!p.isEmpty()) out.add(new InstructionRow(e.getValue(), p));
        }
        return out;
    }

    /**
     * Presence questions about a study: every positive finding (label 1) and as many negative ones (label 0 or not
     * mentioned), at least two, drawn at random; uncertain findings (−1) and support devices are not asked. Shuffled,
     * each in a random wording.
     */
    static List<InstructionRow.Turn> presence(CxrStudy s, SplittableRandom r) {
        List<CheXpertLabel> yes = new ArrayList<>(), no = new ArrayList<>();
        for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
            if (l == CheXpertLabel.SUPPORT_DEVICES) continue;
            float v = s.label(l);
            if (v == 1) yes.add(l);
            else if (v != -1) no.add(l);
        }
        List<InstructionRow.Turn> t = new ArrayList<>();
        for (CheXpertLabel l : yes) t.add(new InstructionRow.Turn(InstructionPrompts.question(PresenceQuestion.of(l, r.nextInt(PresenceQuestion.FORMS))), "yes"));
        no = shuffled(no, r);
        for (CheXpertLabel l : no.subList(0, Math.min(no.size(), Math.max(2, yes.size()))))
            t.add(new InstructionRow.Turn(InstructionPrompts.question(PresenceQuestion.of(l, r.nextInt(PresenceQuestion.FORMS))), "no"));
        return shuffled(t, r);
    }

    private static <T> List<T> shuffled(List<T> turns, SplittableRandom r) {
        List<T> t = new ArrayList<>(turns);
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
        return "instruction rows: per study its FINDINGS, then impression generation and its visual questions (one row), its report checks "
                + "(another) or presence questions about its positive and as many negative labelled findings (a third), worded as stage 2 prompts them, from " + InstructionSet.VQA + " and " + InstructionSet.REPORT_QA + " of " + data
                + (statementFirst ? ", report checks in two steps (what the image shows, then the verdict)" : "")
                + (studies > 0 ? " (at most " + studies + " training studies, " + Math.max(1, studies / 4) + " of each other split)" : "");
    }
}
