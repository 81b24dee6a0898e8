package dev.elixr.tasks.language;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.train.ReportText;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stage-2 items of a data set: per study, impression generation ({@link InstructionPrompts#describe} → the
 * report's IMPRESSION); the visual questions of {@code vqa.jsonl}; the report checks of {@code report-qa.jsonl}
 * (the report possibly carrying one injected error → {@link InstructionPrompts#verdict}; on request, where the data set has
 * structured truth, in two steps: {@link InstructionPrompts#look} → what the image shows, {@link ImageFindings#statement},
 * then that statement and the report → the verdict). Items of studies not in
 * the data set's study list are dropped; each item keeps its study's split.
 */
public final class InstructionSet {
    public static final String VQA = "vqa.jsonl", REPORT_QA = "report-qa.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<LanguageTask, List<Instruction>> byTask;

    private InstructionSet(Map<LanguageTask, List<Instruction>> byTask) { this.byTask = byTask; }

    /** All items of the data set at {@code data} for the given studies (VQA and report QA when their files exist). */
    public static InstructionSet read(Path data, List<CxrStudy> studies) throws IOException { return read(data, studies, false); }

    /**
     * As {@link #read(Path, List)}; with {@code statementFirst} each report check is two items (what the image shows,
     * then the verdict after that statement), which needs the data set's structured truth.
     */
    public static InstructionSet read(Path data, List<CxrStudy> studies, boolean statementFirst) throws IOException {
        Map<String, CxrStudy> byId = new HashMap<>();
        for (CxrStudy s : studies) byId.putIfAbsent(s.dicomId(), s);
        Map<LanguageTask, List<Instruction>> m = new EnumMap<>(LanguageTask.class);
        List<Instruction> impressions = new ArrayList<>();
        for (CxrStudy s : byId.values().stream().sorted(java.util.Comparator.comparing(CxrStudy::dicomId)).toList()) {
            String imp = ReportText.impression(s.report());
            if (!imp.isEmpty()) impressions.add(new Instruction(s.dicomId(), s.split(), LanguageTask.IMPRESSION, InstructionPrompts.describe(), imp, "", ""));
        }
        m.put(LanguageTask.IMPRESSION, impressions);
        m.put(LanguageTask.VQA, lines(data.resolve(VQA), byId, (n, s) -> List.of(new Instruction(s.dicomId(), s.split(), LanguageTask.VQA,
                InstructionPrompts.question(text(n, "question")), text(n, "answer"), n.path("type").asText(""), n.path("category").asText("")))));
        boolean truth = statementFirst;
        if (statementFirst && !Files.isRegularFile(data.resolve(MimicCxrJpg.ATTRIBUTES)))
            throw new IllegalArgumentException("report checks in two steps (what the image shows, then the verdict) need the data set's structured truth, "
                    + data.resolve(MimicCxrJpg.ATTRIBUTES) + ": no such file (synthetic data has it)");
        m.put(LanguageTask.REPORT_QA, lines(data.resolve(REPORT_QA), byId, (n, s) -> {
            String error = n.path("error").asText("none");
            String verdict = InstructionPrompts.verdict(error), report = text(n, "report"), type = error.equals("none") ? "correct" : "erroneous";
            if (!truth) return List.of(new Instruction(s.dicomId(), s.split(), LanguageTask.REPORT_QA, InstructionPrompts.checkReport(report), verdict, type, error));
            String statement = ImageFindings.statement(s);
            return List.of(new Instruction(s.dicomId(), s.split(), LanguageTask.REPORT_QA, InstructionPrompts.look(), statement, ImageFindings.ITEM_TYPE, error),
                    new Instruction(s.dicomId(), s.split(), LanguageTask.REPORT_QA, InstructionPrompts.checkReport(report, statement), verdict, type, error));
        }));
        return new InstructionSet(m);
    }

    /** The items of one task in one split (file order; impressions by dicom_id). */
    public List<Instruction> items(LanguageTask task, String split) {
        return byTask.getOrDefault(task, List.of()).stream().filter(i -> i.split().equals(split)).toList();
    }

    /** The items of every task in one split. */
    public Map<LanguageTask, List<Instruction>> split(String split) {
        Map<LanguageTask, List<Instruction>> m = new EnumMap<>(LanguageTask.class);
        for (LanguageTask t : LanguageTask.values()) m.put(t, items(t, split));
        return m;
    }

    private interface Item {
        List<Instruction> of(JsonNode n, CxrStudy s);
    }

    private static List<Instruction> lines(Path file, Map<String, CxrStudy> byId, Item item) throws IOException {
        List<Instruction> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) continue;
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + ":" + no + ": not a JSON object (" + e.getMessage() + ")");
                }
                CxrStudy s = byId.get(n.path("dicom_id").asText(""));
                if (s == null) continue;
                try {
                    out.addAll(item.of(n, s));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ":" + no + ": " + e.getMessage());
                }
            }
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        String s = n.path(field).asText("");
        if (s.isBlank()) throw new IllegalArgumentException("no '" + field + "'");
        return s;
    }
}
