package dev.elixr.tasks.data.synth;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrStudy;
import dev.elixr.tasks.data.MimicCxrJpg;
import dev.elixr.tasks.data.ReportSectioner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** Site B writes its reports in its own style, which our sectioner still reads and from which a labeller reads the same labels. */
class SiteReportStyleTest {
    @TempDir static Path tmp;
    static List<CxrStudy> siteA, siteB;

    @BeforeAll
    static void generate() throws IOException {
        SyntheticCxr.Options o = SyntheticCxr.Options.of(300, 11).withSize(32).withProgress(false);
        SyntheticCxr.generate(tmp.resolve("a"), o);
        SyntheticCxr.generate(tmp.resolve("b"), o.withSite(Site.B));
        siteA = MimicCxrJpg.read(tmp.resolve("a"));
        siteB = MimicCxrJpg.read(tmp.resolve("b"));
    }

    @Test
    void siteBReportsAreSectionedAndTheLabellerReadsTheirLabelsFromThem() {
        int positive = 0, negated = 0, uncertain = 0;
        for (CxrStudy s : siteB) {
            ReportSectioner.Sections sec = ReportSectioner.sections(s.report());
            assertFalse(sec.findings().isEmpty(), "findings of " + s.studyId() + " in:\n" + s.report());
            assertFalse(sec.impression().isEmpty(), "impression (CONCLUSION) of " + s.studyId() + " in:\n" + s.report());
            float[] read = MiniLabeler.label(sec.findings() + "\n" + sec.impression());
            for (CheXpertLabel l : CheXpertLabel.FINDINGS) {
                float want = s.label(l), got = read[l.ordinal()];
                assertEquals(Float.isNaN(want) ? "blank" : Float.toString(want), Float.isNaN(got) ? "blank" : Float.toString(got),
                        l.column() + " of study " + s.studyId() + " in:\n" + s.report());
                if (want == 1f) positive++;
                if (want == 0f) negated++;
                if (want == -1f) uncertain++;
            }
        }
        assertTrue(positive > 200 && negated > 200 && uncertain > 5, positive + " positive, " + negated + " negated, " + uncertain + " uncertain");
    }

    static double share(List<CxrStudy> studies, Pattern p) {
        return studies.stream().filter(s -> p.matcher(s.report()).find()).count() / (double) studies.size();
    }

    @Test
    void siteBWritesItsOwnHeadingsSectionOrderTemplatesAndAbbreviations() {
        Pattern conclusionFirst = Pattern.compile("(?s)CONCLUSION:.*FINDINGS:");
        assertEquals(1.0, share(siteB, conclusionFirst), "the conclusion comes before the findings at site B");
        assertEquals(0.0, share(siteA, Pattern.compile("CONCLUSION:|CLINICAL HISTORY:")), "site A keeps MIMIC's headings");
        assertEquals(1.0, share(siteA, Pattern.compile("(?s)FINAL REPORT.*INDICATION:.*FINDINGS:.*IMPRESSION:")));
        assertEquals(0.0, share(siteB, Pattern.compile("FINAL REPORT|INDICATION:|IMPRESSION:")));
        assertEquals(1.0, share(siteB, Pattern.compile("(?m)^ *1\\) ")), "a numbered conclusion");
        Pattern abbreviated = Pattern.compile("\\b(rt|lt|bilat|mod|Mod|s/p|c/w|CXR)\\b|w/ ");
        assertTrue(share(siteB, abbreviated) > 0.8, "abbreviations in " + share(siteB, abbreviated) + " of site B's reports");
        assertEquals(0.0, share(siteA, Pattern.compile("\\b(rt|lt|bilat|s/p|c/w)\\b|w/ |y/o")));
        Pattern terse = Pattern.compile("No active (cardiopulmonary |intrathoracic )?disease|Lungs clear|Clear lungs|Bones intact");
        assertTrue(share(siteB, terse) > 0.3, "site B's templates in " + share(siteB, terse));
        assertEquals(0.0, share(siteA, terse));
    }

    @Test
    void siteBsStyleIsDrawnFromTheSeed(@TempDir Path again) throws IOException {
        SyntheticCxr.generate(again, SyntheticCxr.Options.of(300, 11).withSize(32).withProgress(false).withSite(Site.B));
        List<CxrStudy> b2 = MimicCxrJpg.read(again);
        for (int i = 0; i < siteB.size(); i++) assertEquals(siteB.get(i).report(), b2.get(i).report(), siteB.get(i).studyId());
    }
}
