package dev.elixr.tasks.language;

import dev.elixr.models.llm.BpeTokenizer;
import dev.elixr.models.llm.LlamaConfig;
import dev.elixr.models.softprompt.SoftPromptBatch;
import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.Finding;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LanguageDataTest {
    private static Instruction item(LanguageTask t, int i) {
        return new Instruction("d" + i, "train", t, "prompt " + i, "answer " + i, "", "");
    }

    private static Map<LanguageTask, List<Instruction>> pools() {
        Map<LanguageTask, List<Instruction>> m = new EnumMap<>(LanguageTask.class);
        for (LanguageTask t : LanguageTask.values()) {
            List<Instruction> l = new ArrayList<>();
            for (int i = 0; i < 5 + t.ordinal() * 40; i++) l.add(item(t, i));
            m.put(t, l);
        }
        return m;
    }

    @Test
    void batchesDrawTheTasksInTheStatedProportionsWhateverThePoolSizes() {
        var mix = TaskMix.parse("impression=1,vqa=2,report-qa=1");
        var batches = new MixedBatches(pools(), mix, 4);
        Map<LanguageTask, Integer> n = new EnumMap<>(LanguageTask.class);
        int total = 0;
        for (long step = 0; step < 500; step++) for (Instruction i : batches.batch(step, 8)) { n.merge(i.task(), 1, Integer::sum); total++; }
        assertEquals(0.25, n.get(LanguageTask.IMPRESSION) / (double) total, 0.02);
        assertEquals(0.50, n.get(LanguageTask.VQA) / (double) total, 0.02);
        assertEquals(0.25, n.get(LanguageTask.REPORT_QA) / (double) total, 0.02);
    }

    @Test
    void perStepBatchesHoldOneTaskAndDrawTheTasksInTheStatedProportionsOfSteps() {
        var batches = new MixedBatches(pools(), TaskMix.parse("impression=1,vqa=2,report-qa=1").drawnPerStep(), 4);
        Map<LanguageTask, Integer> n = new EnumMap<>(LanguageTask.class);
        for (long step = 0; step < 2000; step++) {
            List<Instruction> b = batches.batch(step, 8);
            assertEquals(1, b.stream().map(Instruction::task).distinct().count(), "step " + step + " mixes tasks");
            n.merge(b.get(0).task(), 1, Integer::sum);
        }
        assertEquals(0.25, n.get(LanguageTask.IMPRESSION) / 2000.0, 0.03);
        assertEquals(0.50, n.get(LanguageTask.VQA) / 2000.0, 0.03);
        assertEquals(0.25, n.get(LanguageTask.REPORT_QA) / 2000.0, 0.03);
        assertEquals(batches.batch(17, 8), new MixedBatches(pools(), TaskMix.parse("impression=1,vqa=2,report-qa=1").drawnPerStep(), 4).batch(17, 8));
    }

    @Test
    void aBatchIsAPureFunctionOfSeedAndStep() {
        var a = new MixedBatches(pools(), TaskMix.standard(), 4);
        assertEquals(a.batch(17, 8), new MixedBatches(pools(), TaskMix.standard(), 4).batch(17, 8));
        assertNotEquals(a.batch(17, 8), a.batch(18, 8));
        assertNotEquals(a.batch(17, 8), new MixedBatches(pools(), TaskMix.standard(), 5).batch(17, 8));
    }

    @Test
    void aMixAskingForATaskWithoutItemsIsRefusedNamingTheFile() {
        var pools = pools();
        pools.put(LanguageTask.VQA, List.of());
        var e = assertThrows(IllegalArgumentException.class, () -> new MixedBatches(pools, TaskMix.standard(), 1));
        assertTrue(e.getMessage().contains("vqa.jsonl"), e.getMessage());
        new MixedBatches(pools, TaskMix.parse("impression=1,report-qa=1"), 1); // without VQA it is fine
        assertThrows(IllegalArgumentException.class, () -> TaskMix.parse("vqa=1,xray=2"));
        assertThrows(IllegalArgumentException.class, () -> TaskMix.parse("vqa=0"));
    }

    @Test
    void everyVerdictParsesBackToItsErrorType() {
        assertEquals("none", InstructionPrompts.parseVerdict(InstructionPrompts.verdict("none")));
        for (String e : InstructionPrompts.ERRORS.keySet()) assertEquals(e, InstructionPrompts.parseVerdict(" " + InstructionPrompts.verdict(e) + "."));
        assertEquals("unparsed", InstructionPrompts.parseVerdict("the lungs are clear"));
        assertEquals("unparsed-error", InstructionPrompts.parseVerdict("incorrect: something"));
    }

    @Test
    void aVerdictAfterTheImageStatementParsesToItsErrorTypeAndAGeneratedStatementReplacesTheTrueOneInTheVerdictPrompt() {
        var study = new dev.elixr.tasks.data.CxrStudy("s", "t", "d", java.nio.file.Path.of("x.jpg"), "", labels(CheXpertLabel.PNEUMOTHORAX,
                CheXpertLabel.CARDIOMEGALY), "train", "PA", List.of(
                new Finding(CheXpertLabel.PNEUMOTHORAX, Finding.Laterality.LEFT, Finding.Severity.SMALL, null, null),
                new Finding(CheXpertLabel.CARDIOMEGALY, null, Finding.Severity.SMALL, null, null),
                new Finding(CheXpertLabel.SUPPORT_DEVICES, null, null, null, "endotracheal tube")));
        String statement = ImageFindings.statement(study);
        assertEquals("image: mild cardiomegaly, small left pneumothorax.", statement);
        for (String e : InstructionPrompts.ERRORS.keySet())
            assertEquals(e, InstructionPrompts.parseVerdict(statement + " " + InstructionPrompts.verdict(e)));
        assertEquals("none", InstructionPrompts.parseVerdict(statement + " " + InstructionPrompts.verdict("none")));
        assertEquals("unparsed", InstructionPrompts.parseVerdict(statement));
        assertEquals("unparsed", InstructionPrompts.parseVerdict("image: small left pneumothorax, correct"));
        String verdictPrompt = InstructionPrompts.checkReport("FINDINGS: A small right pneumothorax.", statement);
        assertTrue(verdictPrompt.startsWith(statement + " Report: FINDINGS:"), verdictPrompt);
        assertEquals("image: no finding. Report: FINDINGS: A small right pneumothorax. Is this report correct? Answer:",
                ImageFindings.withStatement(verdictPrompt, "image: no finding."));
        assertEquals("image: small left pneumothorax.", ImageFindings.normalise("small left pneumothorax"));
        assertEquals("image: small left pneumothorax.", ImageFindings.normalise(" image: small left pneumothorax. correct"));
        var none = new dev.elixr.tasks.data.CxrStudy("s", "t", "d", java.nio.file.Path.of("x.jpg"), "", labels(), "train", "PA", List.of());
        assertEquals("image: no finding.", ImageFindings.statement(none));
    }

    private static float[] labels(CheXpertLabel... positive) {
        float[] v = CheXpertLabel.blankLabels();
        for (CheXpertLabel l : positive) v[l.ordinal()] = 1;
        return v;
    }

    @Test
    void answersAreScoredAfterNormalisationWithSquadTokenF1() {
        assertTrue(AnswerScore.exactMatch("Yes.", "yes"));
        assertTrue(AnswerScore.exactMatch("the left", "Left"));
        assertFalse(AnswerScore.exactMatch("left lower", "left"));
        assertEquals(1.0, AnswerScore.tokenF1("pleural effusion, cardiomegaly", "cardiomegaly, pleural effusion"), 1e-12);
        // predicted 2 tokens, truth 3, 1 shared: precision 1/2, recall 1/3 → F1 0.4
        assertEquals(0.4, AnswerScore.tokenF1("left apex", "right upper left"), 1e-12);
        assertEquals(0.0, AnswerScore.tokenF1("none", "pneumothorax"), 1e-12);
    }

    @Test
    void theEncoderEndsAnswersWithEndOfTextAndCutsLongPromptsInTheMiddle() {
        BpeTokenizer tok = BpeTokenizer.read(Stage2Fixture.TOKENIZER);
        var llm = new LlamaConfig("llama", 367, 32, 64, 1, 4, 2, 8, 1e-5f, 10000, null, false, false, false, true, 64, 0, 364, new int[] {365});
        var enc = new InstructionEncoder(tok, llm, 4, 10);
        int[] a = enc.answer("yes");
        assertEquals(365, a[a.length - 1]);
        assertEquals(" yes", tok.decode(java.util.Arrays.copyOf(a, a.length - 1), true));
        assertEquals(10, enc.answer("a very long answer that goes on and on and on").length);
        String longPrompt = InstructionPrompts.checkReport("There is a small left pleural effusion. ".repeat(20));
        int[] p = enc.prompt(longPrompt);
        assertEquals(64 - 4 - 10, p.length, "room for the soft prompt and the longest answer");
        int[] full = tok.encode(longPrompt, true);
        assertArrayEquals(java.util.Arrays.copyOfRange(full, full.length - InstructionEncoder.TAIL, full.length),
                java.util.Arrays.copyOfRange(p, p.length - InstructionEncoder.TAIL, p.length), "the closing words stay");
        assertEquals(full[0], p[0], "the beginning (BOS) stays");
        SoftPromptBatch b = enc.batch(List.of(new Instruction("d", "train", LanguageTask.VQA, InstructionPrompts.question("Is it?"), "no", "closed", "presence")), 4);
        int counted = 0;
        for (int l : b.labels()) if (l != SoftPromptBatch.IGNORE) counted++;
        assertEquals(enc.answer("no").length, counted, "only the answer and its end of text are labelled");
    }
}
