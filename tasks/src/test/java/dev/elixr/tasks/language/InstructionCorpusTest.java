package dev.elixr.tasks.language;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.BpeTrainer;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import dev.elixr.tasks.train.ContrastiveTraining;
import dev.elixr.tasks.train.InstructionRow;
import dev.elixr.tasks.train.LmTraining;
import dev.elixr.tasks.train.LmTrainingJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LM's instruction corpus: built from one split's items only, and laid out token for token as stage 2 lays out its input. */
class InstructionCorpusTest {
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    @TempDir static Path dir;
    static Path data;
    static List<CxrStudy> studies;

    @BeforeAll
    static void data() throws Exception {
        data = dir.resolve("data");
        SyntheticCxr.generate(data, SyntheticCxr.Options.of(80, 11).withSize(32).withProgress(false).withSplit(0.15, 0.25));
        studies = MimicCxrJpg.read(data);
    }

    @Test
    void reportChecksComeInTwoStepsOnlyWhenAskedEachVerdictAfterItsStudysTrueStatement() throws Exception {
        InstructionSet one = InstructionSet.read(data, studies), two = InstructionSet.read(data, studies, true);
        List<Instruction> checks = one.items(LanguageTask.REPORT_QA, "train"), steps = two.items(LanguageTask.REPORT_QA, "train");
        assertTrue(checks.stream().noneMatch(i -> i.type().equals(ImageFindings.ITEM_TYPE) || i.prompt().startsWith(ImageFindings.OPEN)));
        assertEquals(2 * checks.size(), steps.size());
        java.util.Map<String, CxrStudy> byId = new java.util.HashMap<>();
        for (CxrStudy s : studies) byId.putIfAbsent(s.dicomId(), s);
        for (int k = 0; k < checks.size(); k++) {
            Instruction look = steps.get(2 * k), verdict = steps.get(2 * k + 1), plain = checks.get(k);
            String statement = ImageFindings.statement(byId.get(plain.dicomId()));
            assertEquals(InstructionPrompts.look(), look.prompt());
            assertEquals(statement, look.answer());
            assertEquals(statement + " " + plain.prompt(), verdict.prompt());
            assertEquals(plain.answer(), verdict.answer());
            assertEquals(plain.category(), verdict.category());
        }
        assertTrue(new InstructionCorpus(data, 0, true).rows("train").stream().flatMap(r -> r.turns().stream())
                .anyMatch(t -> t.prompt().equals(InstructionPrompts.look())));
        assertTrue(new InstructionCorpus(data).rows("train").stream().flatMap(r -> r.turns().stream())
                .noneMatch(t -> t.prompt().equals(InstructionPrompts.look())));
    }

    @Test
    void trainingRowsHoldEveryTrainingItemAndNoItemOfAnotherSplit() throws Exception {
        InstructionSet set = InstructionSet.read(data, studies);
        List<InstructionRow> rows = new InstructionCorpus(data).rows("train");
        Set<String> turns = new HashSet<>();
        for (InstructionRow r : rows) for (InstructionRow.Turn t : r.turns()) turns.add(r.context() + "|" + t.prompt() + "|" + t.answer());
        Set<String> trainContexts = rows.stream().map(InstructionRow::context).collect(Collectors.toSet());
        int checked = 0;
        for (LanguageTask task : LanguageTask.values()) {
            for (String split : List.of("validate", "test"))
                for (Instruction i : set.items(task, split)) assertTrue(turns.stream().noneMatch(x -> x.contains("|" + i.prompt() + "|") && x.startsWith(context(i))
                        && !trainContexts.contains(context(i))), "a " + split + " item in the training rows: " + i);
            for (Instruction i : set.items(task, "train")) {
                assertTrue(turns.contains(context(i) + "|" + i.prompt() + "|" + i.answer()), "training item missing: " + i);
                checked++;
            }
        }
        assertTrue(checked > 100, checked + " training items");
        assertTrue(rows.stream().allMatch(r -> r.context().startsWith("FINDINGS: ")));
    }

    @Test
    void presenceRowsAskEveryPositiveFindingAndAsManyNegativesNeverAnUncertainOneAndAgreeWithTheVqaItems() throws Exception {
        List<InstructionRow> rows = new InstructionCorpus(data).rows("train");
        java.util.Map<String, CxrStudy> byContext = new java.util.HashMap<>();
        for (CxrStudy s : studies) if (s.split().equals("train")) byContext.put(context(s), s);
        int presenceRows = 0, asked = 0;
        for (InstructionRow r : rows) {
            if (!r.turns().stream().allMatch(t -> t.answer().equals("yes") || t.answer().equals("no"))) continue;
            if (r.turns().stream().anyMatch(t -> !presenceLabel(t.prompt()).isPresent())) continue;
            presenceRows++;
            CxrStudy s = byContext.get(r.context());
            Set<dev.elixr.tasks.data.CheXpertLabel> seen = new HashSet<>();
            int yes = 0, no = 0;
            for (InstructionRow.Turn t : r.turns()) {
                var l = presenceLabel(t.prompt()).orElseThrow();
                assertTrue(seen.add(l), "asked twice: " + l);
                assertTrue(s.label(l) != -1, "an uncertain finding asked: " + l);
                assertEquals(s.label(l) == 1 ? "yes" : "no", t.answer(), t.prompt() + " of " + s.dicomId());
                if (t.answer().equals("yes")) yes++; else no++;
                asked++;
            }
            long positives = dev.elixr.tasks.data.CheXpertLabel.FINDINGS.stream()
                    .filter(l -> l != dev.elixr.tasks.data.CheXpertLabel.SUPPORT_DEVICES && s.label(l) == 1).count();
            assertEquals(positives, yes, "every positive finding asked");
            assertTrue(no >= 1 && no <= Math.max(2, yes), no + " negatives beside " + yes + " positives");
        }
        assertTrue(presenceRows > 20 && asked > 3 * presenceRows, presenceRows + " presence rows, " + asked + " questions");
        // the same truth as the generator's own presence items
        int agreed = 0;
        for (Instruction i : InstructionSet.read(data, studies).items(LanguageTask.VQA, "train")) {
            if (!i.category().equals("presence")) continue;
            CxrStudy s = studies.stream().filter(x -> x.dicomId().equals(i.dicomId())).findFirst().orElseThrow();
            assertEquals(i.answer(), s.label(presenceLabel(i.prompt()).orElseThrow()) == 1 ? "yes" : "no", i.prompt());
            agreed++;
        }
        assertTrue(agreed > 50, agreed + " presence items");
    }

    @Test
    void aStudyCapKeepsTheFirstStudiesOfTheSplit() throws Exception {
        List<InstructionRow> all = new InstructionCorpus(data).rows("train"), few = new InstructionCorpus(data, 5).rows("train");
        Set<String> contexts = few.stream().map(InstructionRow::context).collect(Collectors.toSet());
        assertTrue(contexts.size() <= 5 && !contexts.isEmpty(), contexts.size() + " studies");
        assertTrue(all.containsAll(few), "the capped rows are rows of the whole corpus");
    }

    /** The finding a presence question asks about, in any of its wordings. */
    private static java.util.Optional<dev.elixr.tasks.data.CheXpertLabel> presenceLabel(String prompt) {
        for (var l : dev.elixr.tasks.data.CheXpertLabel.FINDINGS)
            for (int f = 0; f < dev.elixr.tasks.data.synth.PresenceQuestion.FORMS; f++)
                if (prompt.equals(InstructionPrompts.question(dev.elixr.tasks.data.synth.PresenceQuestion.of(l, f)))) return java.util.Optional.of(l);
        return java.util.Optional.empty();
    }

    private static String context(CxrStudy s) {
        return "FINDINGS: " + dev.elixr.tasks.data.ReportSectioner.sections(s.report()).findings().replaceAll("\\s+", " ").trim();
    }

    private static String context(Instruction i) {
        CxrStudy s = studies.stream().filter(x -> x.dicomId().equals(i.dicomId())).findFirst().orElseThrow();
        return "FINDINGS: " + dev.elixr.tasks.data.ReportSectioner.sections(s.report()).findings().replaceAll("\\s+", " ").trim();
    }

    @Test
    void aRowIsTheContextThenEachTurnAsStageTwoEncodesItsPromptAndAnswer() throws Exception {
        List<InstructionRow> rows = new InstructionCorpus(data).rows("train");
        Path tokFile = dir.resolve("tokenizer.json");
        List<String> texts = new ArrayList<>();
        for (InstructionRow r : rows) texts.add(r.context() + " " + r.turns().getFirst().prompt());
        BpeTrainer.write(BpeTrainer.train(texts, 400), tokFile);
        BpeTokenizer tok = BpeTokenizer.read(tokFile);
        var llm = new LlamaConfig("llama", tok.size(), 32, 64, 1, 2, 1, 16, 1e-5f, 10000, null, false, false, false, true, 4096, 0,
                BpeTrainer.BOS_ID, new int[] {BpeTrainer.EOS_ID});
        InstructionEncoder enc = new InstructionEncoder(tok, llm, 8, 64);
        InstructionRow r = rows.stream().filter(x -> x.turns().size() >= 3).findFirst().orElseThrow();
        List<Integer> want = new ArrayList<>(List.of(BpeTrainer.BOS_ID));
        for (int id : tok.encode(r.context(), false)) want.add(id);
        for (InstructionRow.Turn t : r.turns()) {
            for (int id : enc.prompt(t.prompt())) want.add(id);
            for (int id : enc.answer(t.answer())) want.add(id);
        }
        assertArrayEquals(want.stream().mapToInt(Integer::intValue).toArray(), r.encode(tok, 4096));
        int[] cut = r.encode(tok, want.size() - 1);
        assertTrue(cut.length < want.size() && cut[cut.length - 1] == BpeTrainer.EOS_ID, "a turn that does not fit is left out whole");
        assertNull(r.encode(tok, tok.encode(r.context(), false).length + 2), "not one turn fits");
    }

    @Test
    void trainLmWithInstructionsTrainsOnTheRowsAndRecordsIt() throws Exception {
        Path out = dir.resolve("lm");
        var o = new LmTrainingJob.Options(data, out, new LmTrainingJob.Shape(1, 32, 2, 1, 256, 400), new LmTraining.Config(1, 8,
                new ContrastiveTraining.Optimisation(5e-3, 0.1, 0.05, 1.0), new ContrastiveTraining.Session(3, false, 50, 0)))
                .withInstructions(new InstructionCorpus(data));
        var r = LmTrainingJob.run(o, "test", QUIET);
        assertEquals(r.outcome().totalSteps(), r.outcome().steps());
        var training = new ObjectMapper().readTree(out.resolve("training.json").toFile());
        assertEquals("true", training.get("--instructions").asText());
        assertTrue(new ObjectMapper().readTree(out.resolve("run.json").toFile()).toString().contains("instruction rows"));
    }
}
